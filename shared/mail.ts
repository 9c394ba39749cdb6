import type { Transporter } from 'nodemailer';
import { optionalEnv, requiredEnv } from '#shared/config.ts';

/**
 * One composing path (nodemailer), two transports: SES v2 in AWS, SMTP to the local mail inbox when SMTP_URL is
 * set by the local runtime. Callers never know which. Created once per container on first use (see aws/s3.ts).
 */
export const mailFrom = (): string => requiredEnv('MAIL_FROM');

let loading: Promise<Transporter> | undefined;

export function mailTransport(): Promise<Transporter> {
  loading ??= (async () => {
    const { default: nodemailer } = await import('nodemailer');
    const smtpUrl = optionalEnv('SMTP_URL');
    if (smtpUrl) return nodemailer.createTransport(smtpUrl);
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    return nodemailer.createTransport({ SES: { sesClient: new SESv2Client({}), SendEmailCommand } });
  })();
  return loading;
}

/** Whether the transport accepts our credentials (SMTP handshake, or SES's answer to an empty send). */
export async function checkMail(): Promise<void> {
  await (await mailTransport()).verify();
}
