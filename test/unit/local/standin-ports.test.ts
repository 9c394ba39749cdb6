import { connect, createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMail, type MailStandIn } from '#local/standins/mail.ts';
import { startS3, type S3StandIn } from '#local/standins/s3.ts';

/**
 * The local cloud once died of an uncaught `listen EADDRINUSE`: it probed free ports, and another process took one
 * before s3rver listened on it. The stand-ins now bind port 0 and report the port they got, and a port that is taken
 * rejects their start (which the local cloud can retry) instead of ending the process.
 */
function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

const answers = async (url: string) => (await fetch(url)).status;

/** The first line an SMTP server sends on a new connection. */
function smtpGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('data', (line) => {
      socket.destroy();
      resolve(line.toString('utf8'));
    });
  });
}

describe('stand-ins and taken ports', () => {
  let taken: { server: Server; port: number };
  const started: (S3StandIn | MailStandIn)[] = [];
  let uncaught: unknown[];
  const onUncaught = (e: unknown) => uncaught.push(e);

  beforeEach(async () => {
    taken = await occupy();
    uncaught = [];
    process.on('uncaughtException', onUncaught);
  });
  afterEach(async () => {
    process.off('uncaughtException', onUncaught);
    for (const s of started.splice(0)) await s.stop();
    await new Promise((r) => taken.server.close(r));
  });

  it('s3rver on a taken port rejects its start with EADDRINUSE, nothing uncaught; on port 0 it starts elsewhere', async () => {
    await expect(startS3(taken.port, ['local-bucket'])).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const s3 = await startS3(0, ['local-bucket']);
    started.push(s3);
    const port = Number(new URL(s3.endpoint).port);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(taken.port);
    // The emulator answers there: the bucket made from the template is listed.
    expect(await (await fetch(`${s3.endpoint}/local-bucket`)).text()).toContain('<Name>local-bucket</Name>');
    await new Promise((r) => setTimeout(r, 50));
    expect(uncaught).toEqual([]);
  });

  it('MailDev on a taken port rejects its start; on port 0 its SMTP and inbox start on the ports it reports', async () => {
    await expect(startMail(taken.port, 0)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const mail = await startMail(0, 0);
    started.push(mail);
    const smtpPort = Number(new URL(mail.smtpUrl).port);
    expect(smtpPort).toBeGreaterThan(0);
    expect(smtpPort).not.toBe(taken.port);
    expect(await smtpGreeting(smtpPort)).toMatch(/^220 /);
    expect(await answers(`${mail.inboxUrl}/api/email`)).toBe(200);
    // A pause and resume binds the same ports again.
    await mail.pause();
    await mail.resume();
    expect(await smtpGreeting(smtpPort)).toMatch(/^220 /);
    expect(await answers(`${mail.inboxUrl}/api/email`)).toBe(200);
    expect(uncaught).toEqual([]);
  });
});
