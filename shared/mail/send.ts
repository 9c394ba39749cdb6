/**
 * sendMail for the functions that send (PlatformFunction.bindMail sets MAIL_FROM, MAIL_CONFIGURATION_SET and the SES
 * grant): the mailer of ./mailer.ts with the transport of this environment. The configuration is checked at module
 * load (a missing or malformed MAIL_FROM or SMTP_URL, or in AWS a missing MAIL_CONFIGURATION_SET, fails the cold
 * start); nodemailer and the SES client are loaded on the first send,
 * so a function that imports this module and never sends does not pay for them.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { optionalEnv, requiredEnv } from '#shared/config.ts';
import type { MailMessage } from './message.ts';
import { createMailer, type SentMail } from './mailer.ts';

/**
 * Time limits of one send, kept well under the exactly-once marker's lease (./once.ts, MAIL_LEASE_SECONDS): a send
 * that ends one way or the other before the lease runs out is never repeated by another worker.
 */
export const SMTP_TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;
export const SES_TIMEOUTS_MS = { connectionTimeout: 5_000, requestTimeout: 20_000 } as const;

export type MailConfig =
  | { from: string; /** Locally (the local runtime sets it): MailDev's SMTP address. */ smtpUrl: string }
  | { from: string; /** In AWS (SESv2): the configuration set every send names (TLS, suppression, events). */ configurationSet: string };

/** MAIL_FROM and SMTP_URL or MAIL_CONFIGURATION_SET, or an error that names the variable and what is wrong with it. */
export function mailConfigFromEnv(): MailConfig {
  const from = requiredEnv('MAIL_FROM');
  if (!z.safeParse(z.email(), from).success) throw new Error('MAIL_FROM must be one email address (the verified SES sender)');
  const smtpUrl = optionalEnv('SMTP_URL');
  if (smtpUrl !== undefined) {
    const url = URL.parse(smtpUrl);
    if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) throw new Error('SMTP_URL must be an smtp:// or smtps:// URL with a host');
    return { from, smtpUrl };
  }
  // Without it SES would send outside the configuration set: no TLS requirement, no bounce alarm.
  return { from, configurationSet: requiredEnv('MAIL_CONFIGURATION_SET') };
}

/** The transport of a configuration: SMTP when a URL is given, else SESv2 (both loaded only when called). */
export async function createTransport(config: MailConfig) {
  const nodemailer = await import('nodemailer');
  if ('smtpUrl' in config) {
    const url = new URL(config.smtpUrl);
    return nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      ...SMTP_TIMEOUTS_MS,
    });
  }
  const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  // The second argument holds defaults of every message: nodemailer merges `ses` into the SendEmail request.
  return nodemailer.createTransport(
    { SES: { sesClient: new SESv2Client({ requestHandler: { ...SES_TIMEOUTS_MS } }), SendEmailCommand } },
    { ses: { ConfigurationSetName: config.configurationSet } },
  );
}

const config = mailConfigFromEnv();
const mailer = createMailer({ from: config.from, transport: () => createTransport(config) });

/**
 * Composes and sends one message (HTML and plain text, From MAIL_FROM, the automatic-notification headers); logs
 * its kind and message id only. Bad input: ValidationError (422); a transport failure: MailTransportError (503).
 */
export function sendMail(message: MailMessage): Promise<SentMail> {
  return mailer.sendMail(message);
}
