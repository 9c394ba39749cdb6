import { connect } from 'node:net';
import { optionalEnv } from '#shared/config.ts';

/**
 * Whether mail can go out, without loading a mail library (health checks must start fast): locally, the SMTP server
 * greets with 220; in AWS, SES reports sending enabled for the account.
 */
export async function checkMail(): Promise<void> {
  const smtpUrl = optionalEnv('SMTP_URL');
  if (smtpUrl) return smtpGreets(new URL(smtpUrl));
  const { SESv2Client, GetAccountCommand } = await import('@aws-sdk/client-sesv2');
  const account = await new SESv2Client({}).send(new GetAccountCommand({}));
  if (!account.SendingEnabled) throw new Error('SES sending is disabled for this account');
}

// A bare TCP read of the SMTP greeting: a mail library's verify() would log in and cost its whole load time.
function smtpGreets(url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 25) });
    socket.setTimeout(2000, () => socket.destroy(new Error('SMTP server did not greet in time')));
    socket.once('error', reject);
    socket.once('data', (chunk: Buffer) => {
      socket.end('QUIT\r\n');
      if (chunk.toString('ascii').startsWith('220')) resolve();
      else reject(new Error('SMTP server refused the connection'));
    });
  });
}
