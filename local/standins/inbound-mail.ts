import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalReceiptRule } from '../assembly.ts';
import type { InvokeResult, LambdaRuntime } from '../lambda/runtime.ts';

/**
 * SES email receiving, locally: an SMTP server (npm smtp-server) that takes mail for the recipients of the
 * template's receipt rules (AWS::SES::ReceiptRule) and runs each rule's actions in order, as SES does: the S3 action
 * writes the raw message to the local bucket under `<prefix><message id>`, the Lambda action invokes the platform
 * function with the event SES sends (the receipt with its verdicts), asynchronously for InvocationType Event, with
 * Lambda's two retries of a failed asynchronous invocation.
 *
 * The receipt's SPF, DKIM and DMARC verdicts are PASS, what SES reports for a reply from an agency whose mail is
 * set up right. A test sets others with a header that only this stand-in reads (SES would not see it):
 *   X-Local-Receipt-Verdicts: spf=FAIL; dkim=FAIL; dmarc=FAIL
 * Differences from SES, on purpose: no TLS (the SMTP client is on this machine), no spam or virus scanning (the
 * verdicts say PASS), and a message that matches no rule is refused at RCPT TO.
 */
export const VERDICTS_HEADER = 'x-local-receipt-verdicts';
/** SES takes messages up to 40 MB (with headers) when a rule stores them in S3. */
export const SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

const VERDICT_VALUES = new Set(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']);

export interface LocalInboundMailOptions {
  port: number;
  rules: readonly LocalReceiptRule[];
  lambdas: LambdaRuntime;
  s3Endpoint: string;
  log: (line: string) => void;
  /** Delays before Lambda's two retries of a failed asynchronous invocation (AWS: about 1 and 2 minutes). */
  retryDelaysMs?: readonly number[];
}

/** Whether a rule's recipient entry (an address, a domain, or `.domain` for its subdomains) takes an address. */
export function ruleTakes(entry: string, address: string): boolean {
  const e = entry.toLowerCase();
  const a = address.toLowerCase();
  const domain = a.slice(a.lastIndexOf('@') + 1);
  if (e.includes('@')) return e === a;
  if (e.startsWith('.')) return domain.endsWith(e);
  return domain === e;
}

/** The verdicts of a raw message: PASS, or what the stand-in's header says (for tests). */
export function verdictsOf(raw: Buffer): { spf: string; dkim: string; dmarc: string } {
  const verdicts = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1');
  const line = new RegExp(`^${VERDICTS_HEADER}:(.*)$`, 'im').exec(head);
  for (const part of line?.[1]?.split(/[;,]/) ?? []) {
    const [name, value] = part.split('=').map((s) => s.trim());
    const key = name?.toLowerCase() as keyof typeof verdicts;
    if (key in verdicts && value && VERDICT_VALUES.has(value.toUpperCase())) verdicts[key] = value.toUpperCase();
  }
  return verdicts;
}

export class LocalInboundMail {
  private readonly server: SMTPServer;
  private readonly s3: S3Client;
  private readonly pending = new Map<string, Promise<InvokeResult | undefined>>();
  private readonly rules: readonly LocalReceiptRule[];

  constructor(private readonly options: LocalInboundMailOptions) {
    this.rules = options.rules.filter((r) => r.enabled);
    this.s3 = new S3Client({ endpoint: options.s3Endpoint, region: LOCAL_REGION, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    this.server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      size: SES_MAX_MESSAGE_BYTES,
      banner: 'local SES inbound stand-in',
      logger: false,
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        if (this.rules.some((r) => r.recipients.some((e) => ruleTakes(e, address.address)))) return callback();
        const error = new Error('Mailbox does not exist') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            const error = new Error('Message too large') as Error & { responseCode: number };
            error.responseCode = 552;
            return callback(error);
          }
          const raw = Buffer.concat(chunks);
          const source = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          this.receive(raw, source, session.envelope.rcptTo.map((r) => r.address)).then(
            (messageId) => callback(null, `Ok ${messageId}`),
            (e: unknown) => {
              this.options.log(`inbound mail: a rule's action failed (${(e as Error).message}); the sender is asked to try again`);
              const error = new Error('Temporary failure, try again') as Error & { responseCode: number };
              error.responseCode = 451;
              callback(error);
            },
          );
        });
      },
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.options.port}`;
  }

  /**
   * What the rules' asynchronous invocations of a message ended with (after Lambda's retries): undefined when the
   * message invoked nothing. Tests wait on it; the SMTP answer (`250 Ok <message id>`) names the id.
   */
  async settled(messageId: string): Promise<InvokeResult | undefined> {
    const p = this.pending.get(messageId);
    if (!p) throw new Error(`No inbound message ${messageId}`);
    return p;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled(this.pending.values());
    this.s3.destroy();
  }

  /** Runs the first matching rule's actions (SES runs each matching rule; the template has one per domain). */
  private async receive(raw: Buffer, source: string, rcptTo: string[]): Promise<string> {
    const messageId = `${Date.now().toString(16).padStart(12, '0')}-${randomBytes(12).toString('hex')}-000000`;
    const verdicts = verdictsOf(raw);
    const invocations: Promise<InvokeResult | undefined>[] = [];
    for (const rule of this.rules) {
      const recipients = rcptTo.filter((a) => rule.recipients.some((e) => ruleTakes(e, a)));
      if (!recipients.length) continue;
      for (const action of rule.actions) {
        if (action.type === 's3') {
          await this.s3.send(new PutObjectCommand({ Bucket: action.bucket, Key: `${action.objectKeyPrefix}${messageId}`, Body: raw }));
          continue;
        }
        const event = sesEvent(messageId, source, rcptTo, recipients, verdicts, action.functionId, action.invocationType);
        const run = this.invokeAsync(action.functionId, event);
        if (action.invocationType === 'RequestResponse') await run;
        invocations.push(run);
      }
    }
    this.pending.set(messageId, Promise.all(invocations).then((results) => results.at(-1)));
    return messageId;
  }

  private async invokeAsync(functionId: string, event: unknown): Promise<InvokeResult | undefined> {
    const delays = this.options.retryDelaysMs ?? [200, 400];
    let result: InvokeResult | undefined;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, delays[attempt - 1]));
      result = await this.options.lambdas.invoke(functionId, event);
      if (result.ok) return result;
    }
    this.options.log(`inbound mail: ${functionId} failed ${delays.length + 1} times; given up (in AWS: to its dead-letter queue)`);
    return result;
  }
}

/** The event SES's Lambda action sends (the fields the platform reads, and the common others). */
function sesEvent(messageId: string, source: string, destination: string[], recipients: string[], verdicts: ReturnType<typeof verdictsOf>, functionId: string, invocationType: string) {
  const timestamp = new Date().toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: { timestamp, source, messageId, destination, headersTruncated: false },
          receipt: {
            timestamp,
            processingTimeMillis: 1,
            recipients,
            spamVerdict: { status: 'PASS' },
            virusVerdict: { status: 'PASS' },
            spfVerdict: { status: verdicts.spf },
            dkimVerdict: { status: verdicts.dkim },
            dmarcVerdict: { status: verdicts.dmarc },
            action: { type: 'Lambda', functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionId}`, invocationType },
          },
        },
      },
    ],
  };
}
