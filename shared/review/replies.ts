/**
 * Email replies to review emails (docs/review.md, "Replies"): what a raw inbound message says, and whether it may
 * decide. The MIME is parsed by postal-mime, HTML-only replies are made text by html-to-text, quotes are stripped by
 * email-reply-parser; the command is read from the first non-empty line only, because every quote stripper misses
 * some quote blocks (Outlook's "From:/Sent:") and a quoted "approve" must never decide.
 * This module decides nothing and writes nothing: the reply function redeems the action id (action-store.ts) with
 * the accepted verdict, and answers the sender.
 * The parsers load on the first message read, not at import: the reply function's cold start imports this module
 * for its refusal words and address checks alone (bench: init budget).
 */
import type { Email } from 'postal-mime';
import { MAX_REPLY_BYTES } from '#shared/policy.ts';
import { REASON_MAX_LENGTH } from '#shared/records/model.ts';
import { isActionId, normalizeAddress, type Decision } from './action-ids.ts';

/** What SES hands the reply function: the raw message (from the inbound bucket) and its receipt. */
export interface InboundReply {
  raw: Uint8Array | string;
  /** The envelope recipients (receipt.recipients): the reply address is read from these, not from headers. */
  recipients: readonly string[];
  /** receipt.spfVerdict.status, dkimVerdict.status, dmarcVerdict.status: PASS, FAIL, GRAY, PROCESSING_FAILED, DISABLED. */
  verdicts: { spf: string; dkim: string; dmarc: string };
  /** The envelope sender (mail.source): where to answer a message too large or too broken to read a From from. */
  envelopeFrom?: string | undefined;
}

export interface ReplyOptions {
  /** The domain of reply addresses, `reply+<actionId>@<inboundDomain>`. */
  inboundDomain: string;
  /** Whether `normalizedFrom` is the address the id was sent to; undefined when no such id exists. */
  isBoundReviewer: (actionId: string, normalizedFrom: string) => Promise<boolean | undefined>;
  /** @default MAX_REPLY_BYTES (shared/policy.ts) */
  maxBytes?: number | undefined;
}

export const REFUSALS = [
  'too_large',
  'unauthenticated',
  'malformed',
  'sent_on_behalf',
  'unknown_address',
  'not_reviewer',
  'empty',
  'no_command',
  'reason_required',
  'reason_too_long',
] as const;
export type RefusalCode = (typeof REFUSALS)[number];

export type ReplyVerdict =
  | { kind: 'accepted'; actionId: string; action: Decision; reason?: string; from: string }
  /**
   * `answerTo`: where the refusal may be sent. Unset when the sender is not authenticated: answering a forged From
   * would mail someone who never wrote (backscatter).
   */
  | { kind: 'refused'; why: RefusalCode; message: string; answerTo?: string; actionId?: string }
  /** Auto-replies (out of office, bounces): never answered, so two robots cannot loop. */
  | { kind: 'ignored'; why: 'auto_reply' };

/** The longest reason taken: the records' own limit (a return's reason is stored on the record). */
export const MAX_REASON_LENGTH = REASON_MAX_LENGTH;
/** How much of the text is read at all: the command and its reason are at the top; this bounds the quote stripper's work. */
const MAX_TEXT_CHARS = 100_000;

const WHAT_TO_WRITE = 'Write "approve", or "return" followed by the reason, on the first line of your reply.';

export const REFUSAL_MESSAGES: Readonly<Record<RefusalCode, string>> = {
  too_large: `Your reply was larger than the limit, so it was not read and nothing was changed. Reply again without attachments. ${WHAT_TO_WRITE}`,
  unauthenticated: 'The reply could not be verified as coming from your mail system (SPF or DKIM, and DMARC), so nothing was changed.',
  malformed: `Your reply could not be read as an email, so nothing was changed. Reply again from your mail program. ${WHAT_TO_WRITE}`,
  sent_on_behalf: 'Replies sent on behalf of the reviewer cannot decide a review. The reviewer can reply from their own mailbox, or sign in to the platform and decide there. Nothing was changed.',
  unknown_address: 'This reply address does not belong to a review that is waiting for you. Open the record in the platform, or reply to the newest email about it. Nothing was changed.',
  not_reviewer: 'Only the reviewer this email was sent to can decide by reply; a forwarded email cannot. Sign in to the platform to see what you may do. Nothing was changed.',
  empty: `Your reply had no text of its own, so nothing was changed. ${WHAT_TO_WRITE}`,
  no_command: `The first line of your reply did not start with "approve" or "return" (in English), so nothing was changed. ${WHAT_TO_WRITE}`,
  reason_required: 'To return a review, write the reason after "return" (for example: "return The incident date is missing"). Nothing was changed.',
  reason_too_long: `The reason is longer than ${MAX_REASON_LENGTH.toLocaleString('en-US')} characters. Shorten it and reply again; nothing was changed.`,
};

const refused = (why: RefusalCode, answerTo?: string, actionId?: string): ReplyVerdict => ({
  kind: 'refused',
  why,
  message: REFUSAL_MESSAGES[why],
  ...(answerTo !== undefined ? { answerTo } : {}),
  ...(actionId !== undefined ? { actionId } : {}),
});

/** SPF or DKIM passed, and DMARC passed (SES reports the verdicts and acts on none of them). */
export function authenticated(v: InboundReply['verdicts']): boolean {
  return (v.spf === 'PASS' || v.dkim === 'PASS') && v.dmarc === 'PASS';
}

/**
 * Auto-Submitted other than "no" (RFC 3834), Precedence bulk, junk, list or auto_reply, and any X-Autoreply or
 * X-Autorespond: the marks of out-of-office answers, bounces and list mail.
 */
export function isAutoReply(headers: readonly { key: string; value: string }[]): boolean {
  return headers.some(({ key, value }) => {
    const v = value.split(';')[0]!.trim().toLowerCase();
    if (key === 'auto-submitted') return v !== 'no';
    if (key === 'precedence') return ['bulk', 'junk', 'list', 'auto_reply'].includes(v);
    return key === 'x-autoreply' || key === 'x-autorespond';
  });
}

/**
 * The action id of the one reply address among the envelope recipients: exactly `reply+<43 base64url>@<domain>`
 * (the domain compared without case). Undefined when there is none, or two different ones.
 */
export function replyAddressId(recipients: readonly string[], inboundDomain: string): string | undefined {
  const domain = inboundDomain.toLowerCase();
  const ids = new Set<string>();
  for (const r of recipients) {
    // Stryker disable next-line Regex: `[^@]+` runs to the end either way; the `$` is for the reader
    const m = /^reply\+([^@]+)@([^@]+)$/.exec(r.trim());
    if (m && m[2]!.toLowerCase() === domain && isActionId(m[1])) ids.add(m[1]!);
  }
  return ids.size === 1 ? [...ids][0] : undefined;
}

/**
 * Lines of a reply's own text that start a quote the stripper can leave in (Outlook's header block, its rule, the
 * "Original Message" banner, "On ... wrote:"): the reason stops before the first of them.
 */
const QUOTE_START = [/^_{10,}\s*$/, /^-{10,}\s*$/, /^-{2,}\s*original message\s*-{2,}\s*$/i, /^(?:from|de|von|van):\s.*$/i, /^on .+ wrote:\s*$/i, /^>/];

const mimeParser = () => import('postal-mime').then((m) => m.default);
const quoteStripper = () => import('email-reply-parser').then((m) => m.default);

/** HTML as text, for HTML-only replies. Loaded on first use: only HTML-only replies need html-to-text and its parser. */
async function htmlAsText(html: string): Promise<string> {
  const { convert } = await import('html-to-text');
  // Stryker disable next-line MethodExpression,ArithmeticOperator: a bound on work for megabytes of HTML, not on what is read
  return convert(html.slice(0, MAX_TEXT_CHARS * 10), { wordwrap: false, selectors: [{ selector: 'a', options: { ignoreHref: true } }, { selector: 'img', format: 'skip' }] });
}

/** The reply's own text: text part, else the HTML made text; quotes and signature stripped; CRLF as LF. */
export async function ownText(email: Pick<Email, 'text' | 'html'>): Promise<string> {
  const body = email.text?.trim() ? email.text : email.html ? await htmlAsText(email.html) : '';
  const text = body.slice(0, MAX_TEXT_CHARS).replace(/\r\n?/g, '\n');
  const EmailReplyParser = await quoteStripper();
  const visible = new EmailReplyParser().parseReply(text);
  const lines = visible.split('\n');
  const cut = lines.findIndex((line) => QUOTE_START.some((q) => q.test(line.trim())));
  return (cut === -1 ? lines : lines.slice(0, cut)).join('\n').trim();
}

/** The command of a reply's own text: its first non-empty line starts with approve or return (any case) as a word. */
export function commandOf(text: string): { action: Decision; reason?: string } | { refusal: 'empty' | 'no_command' | 'reason_required' | 'reason_too_long' } {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first === -1) return { refusal: 'empty' };
  // The word, then the end of the line or a separator; "approved?", "approve?" or "I approve" are not commands.
  const m = /^(approve|return)(?:[\s:.,;!-]+(.*))?$/i.exec(lines[first]!.trim());
  if (!m) return { refusal: 'no_command' };
  const action = m[1]!.toLowerCase() as Decision;
  const reason = [m[2] ?? '', ...lines.slice(first + 1)].join('\n').trim();
  if (reason.length > MAX_REASON_LENGTH) return { refusal: 'reason_too_long' };
  if (action === 'return' && reason === '') return { refusal: 'reason_required' };
  return reason === '' ? { action } : { action, reason };
}

/** The normalized address of the message's one From mailbox, or undefined (none, a group, two, not an address). */
function fromAddress(email: Email): string | undefined {
  if (email.headers.filter((h) => h.key === 'from').length !== 1) return undefined;
  const from = email.from;
  if (!from || from.address === undefined) return undefined;
  return normalizeAddress(from.address);
}

/**
 * Reads an inbound reply and says whether it may decide, in this order: size (before parsing), the receipt's
 * authentication, the MIME, auto-reply marks, the From (and a Sender acting for someone else), the reply address,
 * the binding of the From to the id, then the command on the first line.
 */
export async function readReply(message: InboundReply, options: ReplyOptions): Promise<ReplyVerdict> {
  const trusted = authenticated(message.verdicts);
  const envelope = trusted && message.envelopeFrom !== undefined ? normalizeAddress(message.envelopeFrom) : undefined;
  if (Buffer.byteLength(message.raw) > (options.maxBytes ?? MAX_REPLY_BYTES)) return refused('too_large', envelope);
  if (!trusted) return refused('unauthenticated');

  let email: Email;
  const PostalMime = await mimeParser();
  try {
    email = await PostalMime.parse(message.raw, { maxNestingDepth: 20, maxHeadersSize: 256 * 1024, maxRfc822NestingDepth: 0 });
  } catch {
    return refused('malformed', envelope);
  }
  if (isAutoReply(email.headers)) return { kind: 'ignored', why: 'auto_reply' };
  const from = fromAddress(email);
  if (from === undefined) return refused('malformed', envelope);
  const senders = email.headers.filter((h) => h.key === 'sender');
  if (senders.length > 1 || (email.sender?.address !== undefined && normalizeAddress(email.sender.address) !== from)) return refused('sent_on_behalf', from);

  const actionId = replyAddressId(message.recipients, options.inboundDomain);
  if (actionId === undefined) return refused('unknown_address', from);
  const bound = await options.isBoundReviewer(actionId, from);
  if (bound === undefined) return refused('unknown_address', from);
  if (!bound) return refused('not_reviewer', from, actionId);

  const command = commandOf(await ownText(email));
  if ('refusal' in command) return refused(command.refusal, from, actionId);
  return { kind: 'accepted', actionId, from, ...command };
}

/** The answer to a reply whose id could not be redeemed (action-store.ts), in the same words as the pages. */
export const REDEMPTION_REPLY_MESSAGES: Readonly<Record<'used' | 'expired' | 'superseded' | 'not_decision' | 'foreign' | 'unknown' | 'malformed', string>> = {
  used: 'This review request has already been answered from this email, so nothing more was changed. Open the record in the platform to see where it stands.',
  expired: 'This email is too old to decide by reply, so nothing was changed. Open the record in the platform and decide there, or ask for a new email.',
  superseded: 'This review has moved on since this email was sent (it was decided, resubmitted, or a newer email was sent), so nothing was changed. Open the record in the platform to see where it stands.',
  not_decision: 'Decide by replying to the newest review email itself, so nothing was changed. Or open the record in the platform and decide there.',
  foreign: REFUSAL_MESSAGES.not_reviewer,
  unknown: REFUSAL_MESSAGES.unknown_address,
  malformed: REFUSAL_MESSAGES.unknown_address,
};
