import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer, { type Transporter } from 'nodemailer';
import { optionalEnv, requiredEnv } from '#shared/config.ts';

/**
 * One composing path (nodemailer), two transports: SES v2 in AWS, SMTP to the local mail inbox when SMTP_URL is
 * set by the local runtime. Callers never know which.
 */
const smtpUrl = optionalEnv('SMTP_URL');

export const mailFrom = (): string => requiredEnv('MAIL_FROM');

export const mailTransport: Transporter = smtpUrl
  ? nodemailer.createTransport(smtpUrl)
  : nodemailer.createTransport({ SES: { sesClient: new SESv2Client({}), SendEmailCommand } });

/** Whether the transport accepts our credentials (SMTP handshake, or SES's answer to an empty send). */
export async function checkMail(): Promise<void> {
  await mailTransport.verify();
}
