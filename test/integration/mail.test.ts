/**
 * The review emails through the real SMTP path (nodemailer -> the local cloud's MailDev), read back through
 * MailDev's REST API, and the exactly-once marker against DynamoDB Local.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { MailTransportError, type SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { keys } from '#shared/storage/keys.ts';
import { MailInFlightError, mailEventKey, sendOnce } from '#shared/mail/once.ts';
import { createTransport } from '#shared/mail/send.ts';
import { approvedMail, escalationMail, reminderDigestMail, returnedMail, reviewRequestMail } from '#shared/mail/templates/messages.tsx';
import type { MailRecord } from '#shared/mail/templates/model.ts';
import { createMailer } from '#shared/mail/mailer.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { faultMiddleware } from '#local/faults/sdk.ts';
import { parseFaultSpec } from '#local/faults/spec.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { rawPartition, tableName, tableOf, uniqueJurisdiction } from './records/setup.ts';

const FROM = 'no-reply@dev.npcs.invalid';
// send.ts checks its configuration when loaded (imports are hoisted above this file's statements).
vi.hoisted(() => {
  process.env.MAIL_CONFIGURATION_SET ??= 'platform-sending';
  process.env.MAIL_FROM ??= 'no-reply@dev.npcs.invalid';
});
const inbox = () => inject('endpoints').mailInbox;

interface InboxEmail {
  id: string;
  subject: string;
  html?: string;
  text?: string;
  from: { address: string }[];
  to: { address: string }[];
  headers: Record<string, string | string[]>;
  attachments: unknown[];
}

/** Every message MailDev holds for one address (each test uses addresses of its own). */
async function inboxOf(address: string): Promise<InboxEmail[]> {
  const res = await fetch(`${inbox()}/api/email`);
  expect(res.status).toBe(200);
  return ((await res.json()) as InboxEmail[]).filter((e) => e.to.some((t) => t.address === address));
}

/** MailDev stores a message a moment after the SMTP session ends. */
async function waitForInbox(address: string, count: number): Promise<InboxEmail[]> {
  for (let i = 0; i < 100; i++) {
    const found = await inboxOf(address);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${address} has fewer than ${count} message(s)`);
}

const someone = (role: string) => `${role}-${randomBytes(5).toString('hex')}@ky-dcbs.example.org`;

const RECORD: MailRecord = { recordId: '01JD3Q7N8V2K5M4X9B6C0R1T2S', formId: 'critical_incident_review', formTitle: 'Critical incident review', reference: 'CIR-2024-017', dueDate: '2026-03-05' };
const JURISDICTION = 'Kentucky Department for Community Based Services';
const LINKS = { open: 'https://safety.example.org/r/1', approve: 'https://safety.example.org/a/approve', return: 'https://safety.example.org/a/return' };

let mailer: ReturnType<typeof createMailer>;
beforeAll(() => {
  mailer = createMailer({ from: FROM, transport: () => createTransport({ from: FROM, smtpUrl: inject('endpoints').smtp }) });
});

describe('the SMTP transport to MailDev (what the local runtime uses)', () => {
  it('delivers each of the five emails with both parts, From, Reply-To and the automatic headers', async () => {
    const mails = {
      review_request: reviewRequestMail({ jurisdictionName: JURISDICTION, record: RECORD, links: LINKS, acceptsReplies: true }),
      returned: returnedMail({ jurisdictionName: JURISDICTION, record: RECORD, reason: 'Add the <debrief> date & team.', links: { open: LINKS.open } }),
      approved: approvedMail({ jurisdictionName: JURISDICTION, record: RECORD, links: { open: LINKS.open } }),
      reminder: reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-06', items: [{ ...RECORD, links: LINKS }], links: { list: 'https://safety.example.org/' } }),
      escalation: escalationMail({ jurisdictionName: JURISDICTION, record: RECORD, today: '2026-03-06', submittedOn: '2026-02-20', remindersSent: 3, links: { open: LINKS.open } }),
    } as const;
    for (const [kind, content] of Object.entries(mails)) {
      const to = someone(kind);
      const replyTo = kind === 'review_request' ? `reply+${randomBytes(8).toString('hex')}@reply.dev.npcs.invalid` : undefined;
      const sent = await mailer.sendMail({ kind: kind as MailMessage['kind'], to, ...(replyTo ? { replyTo } : {}), ...content });
      const [email, ...others] = await waitForInbox(to, 1);
      expect(others).toEqual([]);
      expect(email!.subject).toBe(content.subject);
      expect(email!.from.map((f) => f.address)).toEqual([FROM]);
      expect(email!.headers['auto-submitted']).toBe('auto-generated');
      expect(email!.headers['x-auto-response-suppress']).toBe('All');
      expect(email!.headers['message-id']).toBe(sent.messageId);
      // Reply-To as sent (MailDev's parsed headers leave address headers out): the raw source.
      const source = await (await fetch(`${inbox()}/api/email/${email!.id}/source`)).text();
      const head = source.split(/\r?\n\r?\n/)[0]!;
      expect(/^Reply-To: (.*)$/im.exec(head)?.[1]?.trim()).toBe(replyTo);
      expect(head).toMatch(/^Auto-Submitted: auto-generated\r?$/m);
      expect(head).toMatch(/^Content-Type: multipart\/alternative;/m);
      expect(email!.text?.trim()).toBe(content.text.trim());
      expect(email!.html).toContain(`<title>${content.subject}</title>`);
      expect(email!.html).toContain(LINKS.open);
      expect(email!.attachments ?? []).toEqual([]);
    }
  });

  it('an SMTP server that does not answer is a MailTransportError naming its code, not the address', async () => {
    const dead = createMailer({ from: FROM, transport: () => createTransport({ from: FROM, smtpUrl: 'smtp://127.0.0.1:9' }) });
    const to = someone('nobody');
    const error = (await dead.sendMail({ kind: 'approved', to, ...approvedMail({ jurisdictionName: JURISDICTION, record: RECORD, links: { open: LINKS.open } }) }).catch((e: unknown) => e)) as MailTransportError;
    expect(error).toBeInstanceOf(MailTransportError);
    expect(error.transportCode).toMatch(/^E[A-Z]+$/);
    expect(error.message).not.toContain(to);
  });
});

describe('sendOnce: exactly once per event and recipient, on DynamoDB Local', () => {
  const approved = (to: string): MailMessage => ({ kind: 'approved', to, ...approvedMail({ jurisdictionName: JURISDICTION, record: RECORD, links: { open: LINKS.open } }) });
  const send = (m: MailMessage) => mailer.sendMail(m);
  const marker = async (jurisdictionId: string, message: MailMessage, occasion: Parameters<typeof mailEventKey>[1]) =>
    (await rawPartition(`${jurisdictionId}#MAIL`)).find((i) => i.sk === keys.mailMarker(mailEventKey(message.kind, occasion, message.to)).sk);

  it('a retried task sends nothing the second time; another recipient or event is its own email', async () => {
    const jid = uniqueJurisdiction('mail');
    const table = tableOf(jid);
    const to = someone('submitter');
    const occasion = { recordId: RECORD.recordId, submissionId: 'sub-00000001' };
    const first = await sendOnce({ table, occasion, message: approved(to), send });
    const again = await sendOnce({ table, occasion, message: approved(to), send });
    expect(first.status).toBe('sent');
    expect(again).toEqual({ status: 'already_sent', messageId: first.messageId });
    // A new submission is a new event.
    expect((await sendOnce({ table, occasion: { ...occasion, submissionId: 'sub-00000002' }, message: approved(to), send })).status).toBe('sent');
    expect(await waitForInbox(to, 2)).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(await inboxOf(to)).toHaveLength(2);
    const item = await marker(jid, approved(to), occasion);
    expect(item).toMatchObject({ kind: 'mail_marker', mailKind: 'approved', state: 'sent', attempts: 1, messageId: first.messageId });
    expect(item!.leaseId).toBeUndefined();
    expect(JSON.stringify(item)).not.toContain(to);
    expect(Number(item!.expiresAt)).toBeGreaterThan(Date.now() / 1000 + 399 * 86_400);
  });

  it('runs racing on one event: exactly one email; the others learn it is sent or in flight', async () => {
    const table = tableOf(uniqueJurisdiction('mail'));
    const to = someone('reviewer');
    const message: MailMessage = { kind: 'review_request', to, ...reviewRequestMail({ jurisdictionName: JURISDICTION, record: RECORD, links: LINKS }) };
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => sendOnce({ table, occasion: { recordId: RECORD.recordId, submissionId: 'sub-race-0001' }, message, send })));
    const sent = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'sent');
    expect(sent).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(MailInFlightError);
    await waitForInbox(to, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await inboxOf(to)).toHaveLength(1);
  });

  it("a claim whose answer was lost (carried out, then sent again by the SDK's retry) is still ours: the email goes out now, once", async () => {
    const jid = uniqueJurisdiction('mail');
    // The first call's answer is dropped after DynamoDB Local carried it out (local/faults/sdk.ts, the harness's own
    // middleware); the SDK sends the same UpdateItem again.
    const calls: string[] = [];
    let first = true;
    const lost = () => (first ? ((first = false), 'lost' as const) : undefined);
    const dynamodb = new DynamoDBClient({ endpoint: inject('endpoints').dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    dynamodb.middlewareStack.add(faultMiddleware(parseFaultSpec('rate:0,seed:1'), lost, (e) => calls.push(`${e.operation}:${e.fault ?? 'ok'}`)) as never, { step: 'deserialize', priority: 'low', name: 'lostAnswer' });
    const table = scopedTable(DynamoDBDocumentClient.from(dynamodb, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS }), tableName(), jid);
    const to = someone('submitter');
    const occasion = { recordId: RECORD.recordId, submissionId: 'sub-lost-0001' };
    expect((await sendOnce({ table, occasion, message: approved(to), send })).status).toBe('sent');
    expect(calls.slice(0, 2)).toEqual(['UpdateItemCommand:lost', 'UpdateItemCommand:ok']);
    expect(await waitForInbox(to, 1)).toHaveLength(1);
    expect(await marker(jid, approved(to), occasion)).toMatchObject({ state: 'sent' });
  });

  it('a run that died after claiming (before sending) holds the event until its lease ends; then the retry sends it', async () => {
    const jid = uniqueJurisdiction('mail');
    const table = tableOf(jid);
    const to = someone('submitter');
    const occasion = { recordId: RECORD.recordId, submissionId: 'sub-crash-0001' };
    const t0 = Date.now();
    // The dying run: it claims, then never sends (its promise is left hanging, like a frozen container).
    void sendOnce({ table, occasion, message: approved(to), send: () => new Promise<SentMail>(() => undefined), now: () => new Date(t0), leaseSeconds: 60 });
    await expect.poll(async () => (await marker(jid, approved(to), occasion))?.state).toBe('sending');
    await expect(sendOnce({ table, occasion, message: approved(to), send, now: () => new Date(t0 + 30_000) })).rejects.toBeInstanceOf(MailInFlightError);
    expect(await inboxOf(to)).toEqual([]);
    const retry = await sendOnce({ table, occasion, message: approved(to), send, now: () => new Date(t0 + 61_000) });
    expect(retry.status).toBe('sent');
    expect(await waitForInbox(to, 1)).toHaveLength(1);
    expect(await marker(jid, approved(to), occasion)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('a failed send frees the event at once: the retry sends it, once', async () => {
    const jid = uniqueJurisdiction('mail');
    const table = tableOf(jid);
    const to = someone('admin');
    const occasion = { recordId: RECORD.recordId, submissionId: 'sub-fail-0001', round: 1 };
    const message: MailMessage = { kind: 'escalation', to, ...escalationMail({ jurisdictionName: JURISDICTION, record: RECORD, today: '2026-03-06', submittedOn: '2026-02-20', remindersSent: 3, links: { open: LINKS.open } }) };
    const failing = async (): Promise<SentMail> => {
      throw new MailTransportError('escalation', 'ECONNECTION', undefined);
    };
    await expect(sendOnce({ table, occasion, message, send: failing })).rejects.toBeInstanceOf(MailTransportError);
    expect(await marker(jid, message, occasion)).toMatchObject({ state: 'failed', failedCode: 'ECONNECTION', attempts: 1 });
    expect((await sendOnce({ table, occasion, message, send })).status).toBe('sent');
    expect((await sendOnce({ table, occasion, message, send })).status).toBe('already_sent');
    expect(await marker(jid, message, occasion)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await waitForInbox(to, 1)).toHaveLength(1);
  });

  it('the daily digest is one email per person per day', async () => {
    const table = tableOf(uniqueJurisdiction('mail'));
    const to = someone('reviewer');
    const message: MailMessage = { kind: 'reminder', to, ...reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-06', items: [{ ...RECORD, links: LINKS }], links: { list: 'https://safety.example.org/' } }) };
    expect((await sendOnce({ table, occasion: { day: '2026-03-06' }, message, send })).status).toBe('sent');
    // The same address in other letter case is the same person.
    expect((await sendOnce({ table, occasion: { day: '2026-03-06' }, message: { ...message, to: to.toUpperCase() }, send })).status).toBe('already_sent');
    expect((await sendOnce({ table, occasion: { day: '2026-03-07' }, message, send })).status).toBe('sent');
    expect(await waitForInbox(to, 2)).toHaveLength(2);
  });

  it('bad input writes nothing: a reminder needs a day, the others a record and submission', async () => {
    const jid = uniqueJurisdiction('mail');
    const table = tableOf(jid);
    const to = someone('reviewer');
    await expect(sendOnce({ table, occasion: { day: '2026-03-06' }, message: approved(to), send })).rejects.toBeInstanceOf(ValidationError);
    await expect(sendOnce({ table, occasion: { recordId: 'a#b', submissionId: 'sub-1' }, message: approved(to), send })).rejects.toBeInstanceOf(ValidationError);
    expect(await rawPartition(`${jid}#MAIL`)).toEqual([]);
  });
});
