// Fault injection into the local mail path. Locally the functions send through SMTP (nodemailer, bundled into the
// function, so no middleware can reach it); with LOCAL_FAULTS set the local cloud points SMTP_URL at this TCP proxy
// in front of the mail stand-in, which fails a share of the connections (one connection per message: the transport
// does not pool) as a mail service does.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { faultPlan, type FaultEvent, type FaultSpec } from './spec.ts';

export interface SmtpFaultProxy {
  url: string;
  stop: () => Promise<void>;
}

// The end of a message's DATA (dot-stuffing keeps it out of the body).
const END_OF_DATA = Buffer.from('\r\n.\r\n');

/**
 * Per connection: `throttle` greets with 421 and hangs up; `server` answers the sender (MAIL FROM) with 451; `timeout`
 * never greets and drops the connection after spec.timeoutMs; `reset` drops it at once; `lost` relays the whole
 * message, lets the server accept it, then drops the connection before its 250 reaches the sender (the email is
 * delivered and the sender sees a failure).
 */
export async function startSmtpFaultProxy(upstream: URL, spec: FaultSpec, report: (event: FaultEvent) => void): Promise<SmtpFaultProxy> {
  const plan = faultPlan(spec, 'smtp');
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const fault = plan();
    report({ service: 'SMTP', operation: 'send', fault });
    if (fault === 'reset') return void client.destroy();
    if (fault === 'throttle') return void client.end('421 4.7.0 Too many connections, try again later (fault injected)\r\n');
    if (fault === 'timeout') {
      const timer = setTimeout(() => client.destroy(), spec.timeoutMs);
      client.on('close', () => clearTimeout(timer));
      return;
    }
    const relay = connect({ host: upstream.hostname, port: Number(upstream.port) });
    sockets.add(relay);
    relay.on('close', () => {
      sockets.delete(relay);
      client.destroy();
    });
    relay.on('error', () => client.destroy());
    client.on('close', () => relay.destroy());
    let tail = Buffer.alloc(0);
    let messageSent = false;
    client.on('data', (chunk: Buffer) => {
      if (fault === 'server' && /^MAIL FROM:/i.test(chunk.toString('latin1'))) {
        client.end('451 4.3.0 Temporary server error, try again later (fault injected)\r\n');
        return;
      }
      // The last bytes of the previous chunk too: the end of DATA may be split between two.
      const seen = Buffer.concat([tail, chunk]);
      if (seen.includes(END_OF_DATA)) messageSent = true;
      tail = seen.subarray(Math.max(0, seen.length - END_OF_DATA.length + 1));
      relay.write(chunk);
    });
    relay.on('data', (chunk: Buffer) => {
      if (fault === 'lost' && messageSent) {
        // The server's reply to the message (250 queued): it never reaches the sender.
        relay.end('QUIT\r\n');
        client.destroy();
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
