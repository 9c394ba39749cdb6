import { mkdirSync } from 'node:fs';
import { MailDev } from 'maildev';

export interface MailStandIn {
  smtpUrl: string;
  inboxUrl: string;
  /**
   * Takes the mail server down (SMTP and inbox: connections are refused, as when a mail service is out) until
   * `resume`, which starts it again on the same ports. For tests of what a mail outage does; an in-memory inbox
   * starts empty again.
   */
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  stop: () => Promise<void>;
}

/** MailDev: an SMTP server that keeps every message, and a web inbox to read them. */
export async function startMail(smtpPort: number, webPort: number, dataDir?: string): Promise<MailStandIn> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const make = () => new MailDev({ smtp: smtpPort, web: webPort, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true, mailDirectory: dataDir });
  let maildev: MailDev | undefined = make();
  await maildev.start();
  const stop = async () => {
    const running = maildev;
    maildev = undefined;
    await running?.stop();
  };
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    inboxUrl: `http://127.0.0.1:${webPort}`,
    pause: stop,
    resume: async () => {
      if (maildev) return;
      const next = make();
      await next.start();
      maildev = next;
    },
    stop,
  };
}
