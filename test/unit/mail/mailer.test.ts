import nodemailer, { type Transporter } from 'nodemailer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { AUTOMATIC_HEADERS, createMailer, MailTransportError } from '#shared/mail/mailer.ts';
import { PART_MAX_BYTES, SUBJECT_MAX_LENGTH, type MailMessage } from '#shared/mail/message.ts';

const FROM = 'no-reply@safety.example.org';
const message: MailMessage = {
  kind: 'review_request',
  to: 'review-lead@ky-dcbs.example.org',
  replyTo: 'reply+abc123@reply.safety.example.org',
  subject: 'Review requested: CIR-2024-017',
  html: '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p>HTML body of the message</p></body></html>',
  text: 'Plain body of the message\n',
};

/** nodemailer's stream transport: the composed message as raw MIME, nothing sent. */
function capturing() {
  const raws: string[] = [];
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const sendMail = transporter.sendMail.bind(transporter);
  transporter.sendMail = (async (options: Parameters<typeof sendMail>[0]) => {
    const info = await sendMail(options);
    raws.push((info.message as Buffer).toString('utf8'));
    return info;
  }) as typeof transporter.sendMail;
  return { raws, transporter: transporter as unknown as Transporter };
}

const headerOf = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw.split('\n\n')[0]!)?.[1];

afterEach(() => vi.restoreAllMocks());

describe('createMailer: the one composing path', () => {
  it('composes From MAIL_FROM, To, Reply-To, the automatic headers, and a plain-text part then an HTML part', async () => {
    const { raws, transporter } = capturing();
    await createMailer({ from: FROM, transport: async () => transporter }).sendMail(message);
    const raw = raws[0]!;
    expect(headerOf(raw, 'From')).toBe(FROM);
    expect(headerOf(raw, 'To')).toBe(message.to);
    expect(headerOf(raw, 'Reply-To')).toBe(message.replyTo);
    expect(headerOf(raw, 'Subject')).toBe(message.subject);
    expect(headerOf(raw, 'Auto-Submitted')).toBe('auto-generated');
    expect(headerOf(raw, 'X-Auto-Response-Suppress')).toBe('All');
    expect(AUTOMATIC_HEADERS).toEqual({ 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' });
    expect(headerOf(raw, 'Content-Type')).toMatch(/^multipart\/alternative;/);
    const plain = raw.indexOf('Content-Type: text/plain');
    const html = raw.indexOf('Content-Type: text/html');
    expect(plain).toBeGreaterThan(0);
    // Clients show the last alternative they can: HTML last, plain text for the others.
    expect(html).toBeGreaterThan(plain);
    expect(raw).toContain('Plain body of the message');
    // Quoted-printable: soft line breaks out.
    expect(raw.replace(/=\n/g, '')).toContain('HTML body of the message');
  });

  it('has no Reply-To when none is given (replies go to From)', async () => {
    const { raws, transporter } = capturing();
    const { replyTo: _r, ...noReply } = message;
    await createMailer({ from: FROM, transport: async () => transporter }).sendMail(noReply);
    expect(headerOf(raws[0]!, 'Reply-To')).toBeUndefined();
  });

  it('a subject cannot add headers: CR/LF is refused with a 422 naming the subject, nothing sent', async () => {
    const { raws, transporter } = capturing();
    const mailer = createMailer({ from: FROM, transport: async () => transporter });
    const error = await mailer.sendMail({ ...message, subject: 'Hello\r\nBcc: someone@example.org' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(422);
    expect((error as ValidationError).fieldErrors.map((f) => f.field)).toEqual(['subject']);
    expect(raws).toEqual([]);
  });

  it('bad input names every field that is wrong', async () => {
    const mailer = createMailer({ from: FROM, transport: async () => capturing().transporter });
    const error = (await mailer.sendMail({ ...message, kind: 'newsletter' as never, to: 'a@b.org, c@d.org', html: '', text: '', replyTo: 'nobody' }).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors.map((f) => f.field).sort()).toEqual(['html', 'kind', 'replyTo', 'text', 'to']);
    expect(error.fieldErrors.find((f) => f.field === 'to')?.message).toBe('to must be one email address');
  });

  it(`refuses a subject over ${SUBJECT_MAX_LENGTH} characters and a part over ${PART_MAX_BYTES} bytes (Gmail clips long mail)`, async () => {
    const mailer = createMailer({ from: FROM, transport: async () => capturing().transporter });
    const error = (await mailer.sendMail({ ...message, subject: 's'.repeat(SUBJECT_MAX_LENGTH + 1), html: 'é'.repeat(PART_MAX_BYTES / 2 + 1) }).catch((e: unknown) => e)) as ValidationError;
    expect(error.fieldErrors).toEqual([
      { field: 'subject', message: `A subject has at most ${SUBJECT_MAX_LENGTH} characters` },
      { field: 'html', message: `The HTML part is at most ${PART_MAX_BYTES} bytes` },
    ]);
    await expect(mailer.sendMail({ ...message, subject: 's'.repeat(SUBJECT_MAX_LENGTH), html: 'e'.repeat(PART_MAX_BYTES) })).resolves.toMatchObject({ kind: 'review_request' });
  });

  it('creates the transport once, on the first send, and again after a failed creation', async () => {
    const { transporter } = capturing();
    let created = 0;
    let fail = true;
    const mailer = createMailer({
      from: FROM,
      transport: async () => {
        created++;
        if (fail) throw new Error('cannot load');
        return transporter;
      },
    });
    expect(created).toBe(0);
    await expect(mailer.sendMail(message)).rejects.toThrow('cannot load');
    fail = false;
    await mailer.sendMail(message);
    await mailer.sendMail(message);
    expect(created).toBe(2);
  });

  it('logs the kind and the message id, never an address, the subject or the content', async () => {
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const { transporter } = capturing();
    const sent = await createMailer({ from: FROM, transport: async () => transporter }).sendMail(message);
    expect(sent.kind).toBe('review_request');
    expect(sent.messageId).toMatch(/^<.+@.+>$/);
    expect(info).toHaveBeenCalledWith('mail sent', { mailKind: 'review_request', messageId: sent.messageId });
    const logged = JSON.stringify(info.mock.calls);
    for (const secret of [message.to, message.replyTo!, message.subject, 'Plain body', 'HTML body', FROM]) expect(logged).not.toContain(secret);
  });

  it('a transport failure is a MailTransportError (503) with the codes only: no address, no server text', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const failing = {
      sendMail: async () => {
        throw Object.assign(new Error(`Can't send mail - all recipients were rejected: 550 5.1.1 <${message.to}>: unknown user`), { code: 'EENVELOPE', responseCode: 550 });
      },
    } as unknown as Transporter;
    const error = (await createMailer({ from: FROM, transport: async () => failing }).sendMail(message).catch((e: unknown) => e)) as MailTransportError;
    expect(error).toBeInstanceOf(MailTransportError);
    expect(error.name).toBe('MailTransportError');
    expect(error.status).toBe(503);
    expect(error.transportCode).toBe('EENVELOPE');
    expect(error.responseCode).toBe(550);
    expect(error.message).toBe('The mail transport did not accept the review_request message (EENVELOPE, SMTP 550)');
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(warn.mock.calls)).not.toContain(message.to);
  });
});
