import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTransport, mailConfigFromEnv, SES_TIMEOUTS_MS, SMTP_TIMEOUTS_MS } from '#shared/mail/send.ts';

// send.ts reads its configuration when loaded: the suite loads it with a valid one, each test sets its own.
vi.hoisted(() => {
  process.env.MAIL_FROM = 'no-reply@safety.example.org';
  process.env.MAIL_CONFIGURATION_SET = 'platform-sending';
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('send.ts: configuration (fails fast) and the transport of each environment', () => {
  it('MAIL_FROM is required and must be one address; SMTP_URL, when set, must be smtp(s)://host', () => {
    vi.stubEnv('MAIL_FROM', '');
    expect(() => mailConfigFromEnv()).toThrow('Missing required environment variable MAIL_FROM');
    vi.stubEnv('MAIL_FROM', 'not an address');
    expect(() => mailConfigFromEnv()).toThrow('MAIL_FROM must be one email address');
    vi.stubEnv('MAIL_FROM', 'no-reply@safety.example.org');
    vi.stubEnv('SMTP_URL', 'http://127.0.0.1:1025');
    expect(() => mailConfigFromEnv()).toThrow('SMTP_URL must be an smtp:// or smtps:// URL with a host');
    vi.stubEnv('SMTP_URL', 'smtp://127.0.0.1:1025');
    expect(mailConfigFromEnv()).toEqual({ from: 'no-reply@safety.example.org', smtpUrl: 'smtp://127.0.0.1:1025' });
    vi.stubEnv('SMTP_URL', '');
    expect(mailConfigFromEnv()).toEqual({ from: 'no-reply@safety.example.org', configurationSet: 'platform-sending' });
  });

  it('in AWS (no SMTP_URL) MAIL_CONFIGURATION_SET is required: no email leaves outside the configuration set', () => {
    vi.stubEnv('SMTP_URL', '');
    vi.stubEnv('MAIL_CONFIGURATION_SET', '');
    expect(() => mailConfigFromEnv()).toThrow('Missing required environment variable MAIL_CONFIGURATION_SET');
    // Locally (SMTP) it is not needed.
    vi.stubEnv('SMTP_URL', 'smtp://127.0.0.1:1025');
    expect(mailConfigFromEnv()).toEqual({ from: 'no-reply@safety.example.org', smtpUrl: 'smtp://127.0.0.1:1025' });
  });

  it('a cold start without MAIL_FROM fails at module load, before any send', async () => {
    vi.stubEnv('MAIL_FROM', '');
    await expect(import('#shared/mail/send.ts')).rejects.toThrow('MAIL_FROM');
  });

  it('SMTP_URL set: nodemailer SMTP to that host and port, with time limits under the lease', async () => {
    const transport = await createTransport({ from: 'a@b.org', smtpUrl: 'smtp://127.0.0.1:2525' });
    const t = transport.transporter as unknown as { name: string; options: Record<string, unknown> };
    expect(t.name).toBe('SMTP');
    expect(t.options).toMatchObject({ host: '127.0.0.1', port: 2525, secure: false, ...SMTP_TIMEOUTS_MS });
    expect(t.options.auth).toBeUndefined();
    transport.close();
  });

  it('smtps:// is TLS on port 465 unless said; credentials in the URL are decoded', async () => {
    const transport = await createTransport({ from: 'a@b.org', smtpUrl: 'smtps://mail%40user:p%40ss%2Fword@smtp.example.org' });
    const t = transport.transporter as unknown as { options: Record<string, unknown> };
    expect(t.options).toMatchObject({ host: 'smtp.example.org', port: 465, secure: true, auth: { user: 'mail@user', pass: 'p@ss/word' } });
    transport.close();
  });

  it('SMTP_URL unset: nodemailer SES transport over a SESv2 client with request time limits', async () => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const transport = await createTransport({ from: 'a@b.org', configurationSet: 'platform-sending' });
    const t = transport.transporter as unknown as { name: string; ses: { sesClient: { constructor: { name: string }; config: { requestHandler: unknown } }; SendEmailCommand: { name: string } } };
    expect(t.name).toBe('SESTransport');
    expect(t.ses.sesClient.constructor.name).toBe('SESv2Client');
    expect(t.ses.SendEmailCommand.name).toBe('SendEmailCommand');
    expect(SES_TIMEOUTS_MS.requestTimeout).toBeLessThan(60_000);
  });

  it('every SES send names the configuration set (SendEmail ConfigurationSetName), From the sender', async () => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const transport = await createTransport({ from: 'no-reply@safety.example.org', configurationSet: 'platform-sending' });
    const client = (transport.transporter as unknown as { ses: { sesClient: { send: (command: unknown) => Promise<unknown> } } }).ses.sesClient;
    const send = vi.spyOn(client, 'send').mockResolvedValue({ MessageId: 'ses-1' } as never);
    await transport.sendMail({ from: 'no-reply@safety.example.org', to: 'reviewer@ky.example.org', subject: 'Review requested', text: 'Open the link.' });
    expect(send).toHaveBeenCalledTimes(1);
    const input = (send.mock.calls[0]![0] as { input: Record<string, unknown> }).input;
    expect(input).toMatchObject({ ConfigurationSetName: 'platform-sending', FromEmailAddress: 'no-reply@safety.example.org', Destination: { ToAddresses: ['reviewer@ky.example.org'] } });
  });
});
