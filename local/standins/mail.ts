import { mkdirSync } from 'node:fs';
import { MailDev } from 'maildev';

export interface MailStandIn {
  smtpUrl: string;
  inboxUrl: string;
  stop: () => Promise<void>;
}

/** MailDev: an SMTP server that keeps every message, and a web inbox to read them. */
export async function startMail(smtpPort: number, webPort: number, dataDir?: string): Promise<MailStandIn> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const maildev = new MailDev({ smtp: smtpPort, web: webPort, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true, mailDirectory: dataDir });
  await maildev.start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    inboxUrl: `http://127.0.0.1:${webPort}`,
    stop: () => maildev.stop(),
  };
}
