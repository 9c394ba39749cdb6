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

/**
 * MailDev: an SMTP server that keeps every message, and a web inbox to read them. Port 0 (what the local cloud passes
 * unless told ports) lets the OS pick one as it binds, so no other process can take it between a probe and the
 * listen; the URLs name the ports bound, and `resume` binds those again.
 */
export async function startMail(smtpPort: number, webPort: number, dataDir?: string): Promise<MailStandIn> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const make = (smtp: number, web: number) => new MailDev({ smtp, web, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true, mailDirectory: dataDir });
  let maildev: MailDev | undefined = make(smtpPort, webPort);
  const servers = await maildev.start();
  const bound = { smtp: servers.smtp.getPort(), web: servers.api?.getPort() ?? webPort };
  const stop = async () => {
    const running = maildev;
    maildev = undefined;
    await running?.stop();
  };
  return {
    smtpUrl: `smtp://127.0.0.1:${bound.smtp}`,
    inboxUrl: `http://127.0.0.1:${bound.web}`,
    pause: stop,
    resume: async () => {
      if (maildev) return;
      const next = make(bound.smtp, bound.web);
      await next.start();
      maildev = next;
    },
    stop,
  };
}
