import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpFaultProxy } from '#local/faults/smtp.ts';
import { FaultTally, parseFaultSpec } from '#local/faults/spec.ts';

/** An SMTP server that keeps the messages it accepted (MailDev's part in the local cloud). */
let received: string[] = [];
let server: SMTPServer;
let upstream: URL;
beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream = new URL(`smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function sendThrough(kinds: string) {
  received = [];
  const tally = new FaultTally();
  const proxy = await startSmtpFaultProxy(upstream, parseFaultSpec(`rate:1,seed:1,kinds:${kinds},timeoutMs:20`), (e) => tally.add(e));
  try {
    const transport = createTransport({ host: '127.0.0.1', port: Number(new URL(proxy.url).port), secure: false, ignoreTLS: true, connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 2000 });
    const outcome = await transport.sendMail({ from: 'a@example.org', to: 'b@example.org', subject: 'Review requested', text: 'Hello' }).then(
      () => 'sent',
      (e: Error) => `failed: ${e.message}`,
    );
    return { outcome, tally };
  } finally {
    await proxy.stop();
  }
}

describe('the SMTP fault proxy (local/faults/smtp.ts)', () => {
  it('lost: the server accepts the message, the sender sees the connection drop (the case that sends an email twice)', async () => {
    const { outcome, tally } = await sendThrough('lost');
    expect(outcome).toMatch(/^failed/);
    expect(received).toHaveLength(1);
    expect(received[0]).toContain('Subject: Review requested');
    expect(tally.faults).toEqual({ SMTP: { lost: 1 } });
  });

  it.each(['throttle', 'server', 'timeout', 'reset'])('%s: the sender sees a failure and nothing is delivered', async (kind) => {
    const { outcome } = await sendThrough(kind);
    expect(outcome).toMatch(/^failed/);
    expect(received).toEqual([]);
  });

  it('no fault: the message goes through the proxy as it is', async () => {
    received = [];
    const proxy = await startSmtpFaultProxy(upstream, parseFaultSpec('rate:0,seed:1'), () => undefined);
    try {
      const transport = createTransport({ host: '127.0.0.1', port: Number(new URL(proxy.url).port), secure: false, ignoreTLS: true });
      await transport.sendMail({ from: 'a@example.org', to: 'b@example.org', subject: 'Approved', text: 'Hello' });
      expect(received).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });
});
