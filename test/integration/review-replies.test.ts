import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { InboundResult } from '#shared/review/inbound.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { signIn, type Browser } from './helpers.ts';

/**
 * Deciding by email reply, end to end on a local cloud of its own: the review request in MailDev carries
 * `Reply-To: reply+<id>@<inbound domain>`; replies go by real SMTP to the SES receiving stand-in, which stores the
 * raw message in the local inbound bucket and invokes the reply function through the template's receipt rule. Every
 * refusal leaves the record as it was, is audited with its reason code (or logged, for an address that names no
 * review email), and is answered by email or not at all as the reply path says.
 */
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const REVIEWER = 'review-lead@ky-dcbs.example.org';
const JID = 'ky-dcbs';

let test: TestCloud;
let url: string;
let smtp: Transporter;
let dynamo: DynamoDBDocumentClient;
let submitter: Browser;
let reviewer: Browser;

beforeAll(async () => {
  test = await startTestCloud();
  url = test.cloud.url;
  const inbound = new URL(test.cloud.endpoints.inboundSmtp);
  smtp = nodemailer.createTransport({ host: inbound.hostname, port: Number(inbound.port), secure: false, ignoreTLS: true });
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: test.cloud.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS },
  );
  submitter = await signIn('demo-ky-dcbs-submitter', url);
  // Signing in puts the reviewer in the people directory: review requests go to them.
  reviewer = await signIn('demo-ky-dcbs-reviewer', url);
}, 300_000);
afterAll(async () => {
  smtp?.close();
  await test?.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface InboxEmail {
  id: string;
  subject: string;
  to: { address: string }[];
  html: string;
  text: string;
}
const inbox = async () => (await (await fetch(`${test.cloud.endpoints.mailInbox}/api/email`)).json()) as InboxEmail[];
const answersTo = async (address: string) => (await inbox()).filter((e) => e.to.some((t) => t.address === address) && e.subject.startsWith('Your reply'));

/** A submitted record and the reply address of its review request. */
async function underReview(): Promise<{ recordId: string; replyTo: string; api: string }> {
  const api = `${url}/api/jurisdictions/${JID}/records`;
  const made = await submitter.go(api, json('POST', { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(5) }));
  expect(made.status).toBe(201);
  const { recordId } = (await made.json()) as { recordId: string };
  expect((await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: 1, submissionId: randomUUID() }))).status).toBe(200);
  const request = await until('the review request', async () => (await inbox()).find((e) => e.to.some((t) => t.address === REVIEWER) && e.text.includes(recordId)));
  // The header as sent (MailDev's parsed headers leave the standard ones out).
  const source = await (await fetch(`${test.cloud.endpoints.mailInbox}/api/email/${request.id}/source`)).text();
  const replyTo = /^Reply-To:((?:.*)(?:\r?\n[ \t].*)*)/im.exec(source)?.[1]?.replace(/\s+/g, '');
  // The reply address names the email's Open id; the email says how to reply.
  const openId = /Open the record:\s*\S*\/actions\/([A-Za-z0-9_-]{43})/.exec(request.text)![1]!;
  expect(replyTo, source.slice(0, 1500)).toBe(`reply+${openId}@replies.dev.npcs.invalid`);
  expect(request.text).toContain('You can also reply to this email');
  return { recordId, replyTo: replyTo!, api };
}

const recordOf = async (api: string, recordId: string) => (await (await reviewer.go(`${api}/${recordId}`)).json()) as { status: string; version: number; statusReason?: string };

/** Sends one message to the inbound stand-in; answers the reply function's result once it ran (and its retries). */
async function reply(message: SendMailOptions): Promise<{ messageId: string; result: InboundResult }> {
  const info = (await smtp.sendMail(message)) as { response: string };
  const messageId = /^250 Ok (\S+)/.exec(info.response)![1]!;
  const outcome = await test.cloud.inboundMail.settled(messageId);
  expect(outcome?.ok, JSON.stringify(outcome)).toBe(true);
  const [result] = (outcome as { result: InboundResult[] }).result;
  return { messageId, result: result! };
}

/** The audit events the message caused in the jurisdiction (its SES message id is their request id). */
async function auditOf(messageId: string): Promise<Record<string, unknown>[]> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: test.cloud.assembly.tables[0]!.name,
      KeyConditionExpression: 'pk = :p',
      FilterExpression: 'requestId = :r',
      ExpressionAttributeValues: { ':p': `${JID}#AUDIT`, ':r': messageId },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const FAIL_DMARC = { 'X-Local-Receipt-Verdicts': 'spf=PASS; dkim=FAIL; dmarc=FAIL' };
const quoted = '\n\nOn Thu, Dec 3, 2026 at 8:02 AM NPCS safety platform <no-reply@dev.npcs.invalid> wrote:\n> Review requested\n> approve\n';

describe('deciding a review by email reply (SES receiving stand-in, the synthesized receipt rule)', () => {
  it('refuses or ignores every reply that may not decide, changing nothing, and approves by reply once', async () => {
    const { recordId, replyTo, api } = await underReview();
    const stranger = `someone-${randomBytes(3).toString('hex')}@ky-dcbs.example.org`;
    const big = `From: ${REVIEWER}\r\nTo: ${replyTo}\r\nSubject: Re: review\r\nContent-Type: text/plain\r\n\r\napprove\r\n${`${'x'.repeat(998)}\r\n`.repeat(30 * 1024)}`;
    const htmlOnly = `<html><body><div>I will look at it tomorrow.</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> NPCS safety platform<br><b>Sent:</b> Thursday, December 3, 2026 8:02 AM<br><b>Subject:</b> Review requested</div><div>approve</div></body></html>`;
    const cases: { name: string; message: SendMailOptions; why: string; answered: boolean; audited: string | undefined }[] = [
      { name: 'a spoofed From (someone else, authenticated)', message: { from: stranger, to: replyTo, subject: 'Re: review', text: 'approve' }, why: 'not_reviewer', answered: true, audited: 'review.reply_refused' },
      { name: 'failing DMARC', message: { from: REVIEWER, to: replyTo, subject: 'Re: review', text: 'approve', headers: FAIL_DMARC }, why: 'unauthenticated', answered: false, audited: 'review.reply_refused' },
      { name: 'an auto-reply', message: { from: REVIEWER, to: replyTo, subject: 'Automatic reply: out of office', text: 'approve', headers: { 'Auto-Submitted': 'auto-replied' } }, why: 'auto_reply', answered: false, audited: 'review.reply_ignored' },
      { name: 'an HTML-only Outlook reply with "approve" in its quote', message: { from: REVIEWER, to: replyTo, subject: 'RE: review', html: htmlOnly }, why: 'no_command', answered: true, audited: 'review.reply_refused' },
      { name: 'a reply quoting "approve" below the first line', message: { from: REVIEWER, to: replyTo, subject: 'Re: review', text: `Thanks, I will read it.${quoted}` }, why: 'no_command', answered: true, audited: 'review.reply_refused' },
      { name: 'a 30 MB message', message: { envelope: { from: REVIEWER, to: [replyTo] }, raw: big }, why: 'too_large', answered: true, audited: 'review.reply_refused' },
      { name: 'an empty reply', message: { from: REVIEWER, to: replyTo, subject: 'Re: review', text: quoted }, why: 'empty', answered: true, audited: 'review.reply_refused' },
      { name: 'another language', message: { from: REVIEWER, to: replyTo, subject: 'Re: review', text: 'Aprobar' }, why: 'no_command', answered: true, audited: 'review.reply_refused' },
      { name: 'a malformed message (no From)', message: { envelope: { from: REVIEWER, to: [replyTo] }, raw: `To: ${replyTo}\r\nSubject: Re: review\r\n\r\napprove\r\n` }, why: 'malformed', answered: true, audited: 'review.reply_refused' },
      { name: 'an unknown reply address', message: { from: REVIEWER, to: `reply+${randomBytes(32).toString('base64url')}@replies.dev.npcs.invalid`, subject: 'Re: review', text: 'approve' }, why: 'unknown_address', answered: true, audited: undefined },
    ];
    for (const c of cases) {
      const answersBefore = (await answersTo(c.answered && c.why === 'not_reviewer' ? stranger : REVIEWER)).length;
      const { messageId, result } = await reply(c.message);
      expect(result, c.name).toMatchObject({ status: 'done', kind: c.why === 'auto_reply' ? 'ignored' : 'refused', why: c.why, answered: c.answered });
      expect(await recordOf(api, recordId), c.name).toMatchObject({ status: 'submitted', version: 2 });
      const events = await auditOf(messageId);
      if (c.audited) expect(events, c.name).toEqual([expect.objectContaining({ action: c.audited, reasonCode: c.why, recordId, actor: expect.objectContaining({ role: 'system' }) })]);
      else expect(events, c.name).toEqual([]);
      if (c.answered) {
        const to = c.why === 'not_reviewer' ? stranger : REVIEWER;
        const answers = await until(`the answer to ${c.name}`, async () => {
          const now = await answersTo(to);
          return now.length > answersBefore ? now : undefined;
        });
        expect(answers.at(-1)!.subject, c.name).toBe('Your reply was not recorded: nothing was changed');
        // The answer says what to do, and never quotes the reply.
        expect(answers.at(-1)!.text, c.name).toMatch(/nothing was changed/i);
      }
    }
    // Nobody got an answer to the unauthenticated reply or the auto-reply: the answers counted are the six to the reviewer.
    expect((await answersTo(REVIEWER)).filter((e) => e.subject.includes('not recorded')).length).toBeGreaterThanOrEqual(7);

    // Now the reviewer approves by reply: decided as the reviewer, through the workflow.
    const approveBefore = (await answersTo(REVIEWER)).length;
    const approved = await reply({ from: `Riley Haddad <${REVIEWER}>`, to: replyTo, subject: 'Re: review', text: `Approve${quoted}` });
    expect(approved.result).toMatchObject({ status: 'done', kind: 'decided', why: 'approve', answered: true, auditedIn: JID });
    expect(await recordOf(api, recordId)).toMatchObject({ status: 'approved', version: 3 });
    const events = await auditOf(approved.messageId);
    expect(events.map((e) => e.action).sort()).toEqual(['record.status_changed', 'review.reply_accepted']);
    expect(events.find((e) => e.action === 'review.reply_accepted')).toMatchObject({ recordId, toStatus: 'approved', actor: expect.objectContaining({ role: 'reviewer' }) });
    const confirmation = await until('the confirmation', async () => {
      const now = await answersTo(REVIEWER);
      return now.length > approveBefore ? now.at(-1) : undefined;
    });
    expect(confirmation.subject).toBe('Your reply was recorded');
    expect(confirmation.text).toContain(`/records/${recordId}`);

    // The same reply address again: used, nothing changes.
    const again = await reply({ from: REVIEWER, to: replyTo, subject: 'Re: review', text: 'return Wait, one more thing' });
    expect(again.result).toMatchObject({ kind: 'refused', why: 'used', answered: true });
    expect(await recordOf(api, recordId)).toMatchObject({ status: 'approved', version: 3 });
    expect(await auditOf(again.messageId)).toEqual([expect.objectContaining({ action: 'review.reply_refused', reasonCode: 'used' })]);
  }, 240_000);

  it('returns by reply with the reason on the first line and the lines after it', async () => {
    const { recordId, replyTo, api } = await underReview();
    const { result } = await reply({ from: REVIEWER, to: replyTo, subject: 'Re: review', text: `Return: the incident date is missing.\nAlso add the debriefing.${quoted}` });
    expect(result).toMatchObject({ kind: 'decided', why: 'return', answered: true });
    expect(await recordOf(api, recordId)).toMatchObject({ status: 'returned', version: 3, statusReason: 'the incident date is missing.\nAlso add the debriefing.' });
  }, 60_000);

  it('a web decision racing an email reply: exactly one wins, the record and workflow stay consistent', async () => {
    const { recordId, replyTo, api } = await underReview();
    const [web, byMail] = await Promise.all([
      reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 2 })),
      reply({ from: REVIEWER, to: replyTo, subject: 'Re: review', text: 'return The dates disagree.' }),
    ]);
    const webWon = web.status === 200;
    const mailWon = byMail.result.kind === 'decided';
    expect([webWon, mailWon].filter(Boolean)).toHaveLength(1);
    if (!webWon) expect(web.status).toBe(409);
    else expect(byMail.result).toMatchObject({ kind: 'refused', answered: true, why: expect.stringMatching(/^(decided_elsewhere|superseded)$/) });
    expect(await recordOf(api, recordId)).toMatchObject({ status: webWon ? 'approved' : 'returned', version: 3 });
  }, 60_000);
});
