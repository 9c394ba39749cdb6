/**
 * The one composing path: nodemailer builds every message (multipart/alternative, plain text then HTML, headers
 * encoded and folded by a library that has handled header injection and encoded words for years), and hands it to
 * a transport: SESv2 in AWS, SMTP to MailDev locally (./send.ts chooses). Nothing here reads the environment, so
 * tests compose through nodemailer's stream transport and read the raw MIME back.
 */
import type { Transporter } from 'nodemailer';
import { ServiceUnavailableError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { parseMailMessage, type MailKind, type MailMessage } from './message.ts';

/** What the transport reported, without addresses or content. */
export interface SentMail {
  kind: MailKind;
  /** The Message-ID the transport gave the message (SES: built from its MessageId). Opaque; safe to log. */
  messageId: string;
}

/**
 * The transport failed or refused the message (SMTP or SES error). Its message names the error code only: SMTP and
 * SES errors can quote recipients, so neither their text nor the cause is kept. A workflow task retries on it.
 */
export class MailTransportError extends ServiceUnavailableError {
  // Spelled out: the bundles are minified (class names mangled), and the workflow retries this error by its name.
  override readonly name = 'MailTransportError';
  constructor(
    readonly kind: MailKind,
    readonly transportCode: string,
    readonly responseCode: number | undefined,
  ) {
    super(`The mail transport did not accept the ${kind} message (${transportCode}${responseCode ? `, SMTP ${responseCode}` : ''})`);
  }
}

/** Headers of every message: an automatic notification, so auto-responders (Outlook's too) stay quiet. */
export const AUTOMATIC_HEADERS = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } as const;

export interface MailerOptions {
  /** The From address (MAIL_FROM: a verified SES identity). */
  from: string;
  /** The transport, created on the first send and kept (once per container). */
  transport: () => Promise<Transporter>;
}

export interface Mailer {
  sendMail(message: MailMessage): Promise<SentMail>;
}

export function createMailer(options: MailerOptions): Mailer {
  let transport: Promise<Transporter> | undefined;
  const transportOnce = () => {
    transport ??= options.transport().catch((e: unknown) => {
      transport = undefined; // a failed load or config is tried again on the next send
      throw e;
    });
    return transport;
  };
  return {
    async sendMail(input) {
      const message = parseMailMessage(input);
      const transporter = await transportOnce();
      let info: { messageId?: string };
      try {
        info = await transporter.sendMail({
          from: options.from,
          to: message.to,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: { ...AUTOMATIC_HEADERS },
          // Content is what we give, never a file or URL that a string could name.
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (e) {
        const error = e as { code?: unknown; responseCode?: unknown; name?: unknown };
        const code = typeof error.code === 'string' ? error.code : typeof error.name === 'string' ? error.name : 'unknown';
        const responseCode = typeof error.responseCode === 'number' ? error.responseCode : undefined;
        logger.warn('mail not sent', { mailKind: message.kind, transportCode: code, responseCode });
        throw new MailTransportError(message.kind, code, responseCode);
      }
      const messageId = info.messageId ?? 'unknown';
      logger.info('mail sent', { mailKind: message.kind, messageId });
      return { kind: message.kind, messageId };
    },
  };
}
