import { describe, expect, it } from 'vitest';
import { MAX_REPLY_BYTES } from '#shared/policy.ts';
import { newActionId } from '#shared/review/action-ids.ts';
import {
  authenticated,
  commandOf,
  isAutoReply,
  MAX_REASON_LENGTH,
  ownText,
  readReply,
  REDEMPTION_REPLY_MESSAGES,
  REFUSAL_MESSAGES,
  REFUSALS,
  replyAddressId,
  type InboundReply,
  type ReplyOptions,
} from '#shared/review/replies.ts';

const DOMAIN = 'reply.safety.example.org';
const ID = newActionId();
const REVIEWER = 'review-lead@ky-dcbs.example.org';
const PASS = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
const CRLF = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** The reviewer's binding: only REVIEWER is bound to ID; any other id is unknown. */
const options = (over: Partial<ReplyOptions> = {}): ReplyOptions & { asked: [string, string][] } => {
  const asked: [string, string][] = [];
  return {
    inboundDomain: DOMAIN,
    isBoundReviewer: async (id, from) => (asked.push([id, from]), id === ID ? from === REVIEWER : undefined),
    asked,
    ...over,
  };
};
const inbound = (raw: string, over: Partial<InboundReply> = {}): InboundReply => ({ raw: CRLF(raw), recipients: [`reply+${ID}@${DOMAIN}`], verdicts: PASS, envelopeFrom: REVIEWER, ...over });

const headers = (extra = '', from = `Riley Haddad <${REVIEWER}>`) => `Return-Path: <${REVIEWER}>
From: ${from}
To: "NPCS reviews" <reply+${ID}@${DOMAIN}>
Subject: Re: Review waiting: CIR-2026-017 (Kentucky DCBS)
Date: Thu, 3 Dec 2026 09:14:02 -0500
Message-ID: <CAF=abc123@mail.gmail.com>
In-Reply-To: <review-01J@safety.example.org>
MIME-Version: 1.0
${extra}`;

/** A Gmail reply: multipart/alternative, the quote under "On ... wrote:". */
const gmail = (first: string, more = '') => `${headers()}Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

--000000000000a1b2c3
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

${first}
${more}
On Thu, Dec 3, 2026 at 8:02=E2=80=AFAM NPCS Safety Platform <no-reply@safety.ex=
ample.org> wrote:

> A critical incident review is waiting for your decision.
> Reply "approve", or "return" followed by the reason.
> approve
>

--000000000000a1b2c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">${first}</div><br><div class=3D"gmail_quote"><blockquote>approve</blockquote></div>

--000000000000a1b2c3--
`;

/** Outlook desktop: HTML only, the quote in a "From:/Sent:" block that quote strippers miss. */
const outlookHtml = (firstHtml: string) => `${headers('Thread-Topic: Review waiting\nX-MS-Has-Attach: \n')}Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html xmlns:o=3D"urn:schemas-microsoft-com:office:office"><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Diso-8859-1"><style>p.MsoNormal{margin:0}</style></head>
<body lang=3D"EN-US"><div class=3D"WordSection1">${firstHtml}
<div id=3D"mail-editor-reference-message-container"><hr style=3D"display:inline-block;width:98%">
<div id=3D"divRplyFwdMsg" dir=3D"ltr"><font face=3D"Calibri" style=3D"font-size:11pt"><b>From:</b> NPCS Safety Platform &lt;no-reply@safety.example.org&gt;<br><b>Sent:</b> Thursday, December 3, 2026 8:02 AM<br><b>To:</b> Haddad, Riley &lt;${REVIEWER}&gt;<br><b>Subject:</b> Review waiting: CIR-2026-017</font></div>
<p class=3D"MsoNormal">approve</p><p class=3D"MsoNormal">A critical incident review is waiting for your decision.</p></div></div></body></html>
`;

/** Outlook plain text: the rule of underscores, then the header block. */
const outlookText = (first: string) => `${headers()}Content-Type: text/plain; charset="us-ascii"

${first}

________________________________
From: NPCS Safety Platform <no-reply@safety.example.org>
Sent: Thursday, December 3, 2026 8:02 AM
To: Haddad, Riley <${REVIEWER}>
Subject: Review waiting: CIR-2026-017

approve
`;

const plain = (body: string, extra = '', from?: string) => `${headers(extra, from)}Content-Type: text/plain; charset=utf-8\n\n${body}\n`;

describe('readReply: replies that decide', () => {
  it('a Gmail "approve", the quoted approve ignored', async () => {
    const o = options();
    expect(await readReply(inbound(gmail('Approve')), o)).toEqual({ kind: 'accepted', actionId: ID, action: 'approve', from: REVIEWER });
    expect(o.asked).toEqual([[ID, REVIEWER]]);
  });

  it('a Gmail "return" with its reason on the first line and the lines after it, not the quote', async () => {
    const v = await readReply(inbound(gmail('return: the incident date is missing', 'and the agency review id is wrong.\n')), options());
    expect(v).toEqual({ kind: 'accepted', actionId: ID, action: 'return', reason: 'the incident date is missing\nand the agency review id is wrong.', from: REVIEWER });
  });

  it('an Outlook HTML-only "Return" reply, converted to text; the From:/Sent: block and its "approve" left out', async () => {
    const v = await readReply(inbound(outlookHtml('<p class=3D"MsoNormal">Return - the timeline stops on May 3.</p><p class=3D"MsoNormal">Please add the hospital visit.</p>')), options());
    expect(v).toEqual({ kind: 'accepted', actionId: ID, action: 'return', reason: 'the timeline stops on May 3.\n\nPlease add the hospital visit.', from: REVIEWER });
  });

  it('an Outlook plain-text "APPROVE" above the rule and header block', async () => {
    expect(await readReply(inbound(outlookText('APPROVE')), options())).toMatchObject({ kind: 'accepted', action: 'approve' });
    expect(await readReply(inbound(outlookText('return\nDates are off.')), options())).toMatchObject({ kind: 'accepted', action: 'return', reason: 'Dates are off.' });
  });

  it('base64 bodies, blank lines before the command, and a From written with other case', async () => {
    const body = Buffer.from('\r\n\r\n  approve.  \r\n').toString('base64');
    const raw = `${headers('', `"Haddad, Riley" <Review-Lead@KY-DCBS.example.org>`)}Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n${body}\n`;
    expect(await readReply(inbound(raw), options())).toEqual({ kind: 'accepted', actionId: ID, action: 'approve', from: REVIEWER });
  });

  it('accepts SPF or DKIM with DMARC, and a Sender that is the From itself', async () => {
    for (const verdicts of [{ spf: 'FAIL', dkim: 'PASS', dmarc: 'PASS' }, { spf: 'PASS', dkim: 'FAIL', dmarc: 'PASS' }]) {
      expect((await readReply(inbound(plain('approve'), { verdicts }), options())).kind).toBe('accepted');
    }
    expect((await readReply(inbound(plain('approve', `Sender: ${REVIEWER.toUpperCase()}\n`)), options())).kind).toBe('accepted');
  });
});

describe('readReply: replies refused, nothing decided', () => {
  const refusal = async (raw: InboundReply, o = options()) => {
    const v = await readReply(raw, o);
    if (v.kind !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(v)}`);
    return v;
  };

  it('a spoofed From of another person (DMARC fails): refused, and never answered (backscatter)', async () => {
    const o = options();
    const v = await refusal(inbound(plain('approve'), { verdicts: { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' } }), o);
    expect(v).toStrictEqual({ kind: 'refused', why: 'unauthenticated', message: REFUSAL_MESSAGES.unauthenticated });
    expect(o.asked).toEqual([]);
  });

  it('DMARC must pass even when SPF and DKIM do; and SPF or DKIM must pass', async () => {
    for (const dmarc of ['FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED', 'pass']) {
      expect((await refusal(inbound(plain('approve'), { verdicts: { spf: 'PASS', dkim: 'PASS', dmarc } }))).why, dmarc).toBe('unauthenticated');
    }
    expect((await refusal(inbound(plain('approve'), { verdicts: { spf: 'GRAY', dkim: 'FAIL', dmarc: 'PASS' } }))).why).toBe('unauthenticated');
  });

  it('a From that is not the bound reviewer (a forwarded email): refused, answered to that sender', async () => {
    const v = await refusal(inbound(plain('approve', '', 'Someone Else <someone@ky-dcbs.example.org>')));
    expect(v).toEqual({ kind: 'refused', why: 'not_reviewer', message: REFUSAL_MESSAGES.not_reviewer, answerTo: 'someone@ky-dcbs.example.org', actionId: ID });
  });

  it('sent on behalf of the reviewer by someone else (a delegate): refused', async () => {
    const v = await refusal(inbound(plain('approve', 'Sender: Assistant <assistant@ky-dcbs.example.org>\n')));
    expect(v).toMatchObject({ why: 'sent_on_behalf', answerTo: REVIEWER });
    expect((await refusal(inbound(plain('approve', `Sender: ${REVIEWER}\nSender: ${REVIEWER}\n`)))).why).toBe('sent_on_behalf');
  });

  it('"approve" quoted below a first line that is no command: refused', async () => {
    const v = await refusal(inbound(gmail('Thanks, I will look at it tomorrow.')));
    expect(v).toMatchObject({ why: 'no_command', answerTo: REVIEWER, actionId: ID });
    expect((await refusal(inbound(outlookHtml('<p class=3D"MsoNormal">Looks fine to me</p>')))).why).toBe('no_command');
  });

  it('an empty reply, or one that only quotes: refused with what to write', async () => {
    expect(await refusal(inbound(plain('')))).toMatchObject({ why: 'empty', message: REFUSAL_MESSAGES.empty });
    expect((await refusal(inbound(gmail('')))).why).toBe('empty');
    expect((await refusal(inbound(outlookHtml('')))).why).toBe('empty');
  });

  it('another language, or the command not as the first word: refused', async () => {
    for (const first of ['Aprobar', 'Aprobado, gracias', 'Genehmigt', 'I approve', "Don't approve", 'approved', 'approve?', 'returns', 'approval', 'ok']) {
      expect((await refusal(inbound(plain(first)))).why, first).toBe('no_command');
    }
  });

  it('"return" without a reason: refused, asking for the reason', async () => {
    expect((await refusal(inbound(plain('return')))).why).toBe('reason_required');
    expect((await refusal(inbound(plain('Return:  ')))).why).toBe('reason_required');
    expect((await refusal(inbound(gmail('return')))).why).toBe('reason_required');
  });

  it('a reason over the limit: refused', async () => {
    expect((await refusal(inbound(plain(`return ${'x'.repeat(MAX_REASON_LENGTH + 1)}`)))).why).toBe('reason_too_long');
    expect((await readReply(inbound(plain(`return ${'x'.repeat(MAX_REASON_LENGTH)}`)), options())).kind).toBe('accepted');
  });

  it('a 30 MB message: refused before it is parsed, answered to the authenticated envelope sender only', async () => {
    const o = options();
    const big = new Uint8Array(30 * 1024 * 1024).fill(0x61);
    const started = performance.now();
    expect(await readReply({ raw: big, recipients: [`reply+${ID}@${DOMAIN}`], verdicts: PASS, envelopeFrom: 'Review-Lead@ky-dcbs.example.org' }, o)).toEqual({
      kind: 'refused',
      why: 'too_large',
      message: REFUSAL_MESSAGES.too_large,
      answerTo: REVIEWER,
    });
    expect(performance.now() - started).toBeLessThan(200);
    expect(o.asked).toEqual([]);
    expect(await readReply({ raw: big, recipients: [], verdicts: { ...PASS, dmarc: 'FAIL' }, envelopeFrom: REVIEWER }, o)).toEqual({ kind: 'refused', why: 'too_large', message: REFUSAL_MESSAGES.too_large });
    expect(await readReply({ raw: big, recipients: [], verdicts: PASS }, o)).toEqual({ kind: 'refused', why: 'too_large', message: REFUSAL_MESSAGES.too_large });
  });

  it('the size limit is 10 MB by default, counted in bytes, and may be set', async () => {
    expect(MAX_REPLY_BYTES).toBe(10 * 1024 * 1024);
    const raw = CRLF(plain('approve'));
    const size = Buffer.byteLength(raw);
    expect((await readReply({ ...inbound(''), raw }, options({ maxBytes: size }))).kind).toBe('accepted');
    expect((await readReply({ ...inbound(''), raw }, options({ maxBytes: size - 1 }))).kind).toBe('refused');
    expect((await readReply({ ...inbound(''), raw: new TextEncoder().encode(raw) }, options({ maxBytes: size - 1 }))).kind).toBe('refused');
    // Characters are not bytes: é is two.
    const accented = CRLF(plain('approve é'));
    expect((await readReply({ ...inbound(''), raw: accented }, options({ maxBytes: accented.length }))).kind).toBe('refused');
    expect((await readReply({ ...inbound(''), raw: 'x'.repeat(MAX_REPLY_BYTES + 1) }, options())).kind).toBe('refused');
  });

  it('malformed MIME (nesting beyond the limit), no From, two From headers or a group: refused as unreadable', async () => {
    const nested = `${headers()}Content-Type: multipart/mixed; boundary="b0"\n\n${Array.from({ length: 30 }, (_, i) => `--b${i}\nContent-Type: multipart/mixed; boundary="b${i + 1}"\n\n`).join('')}approve\n`;
    expect(await refusal(inbound(nested))).toEqual({ kind: 'refused', why: 'malformed', message: REFUSAL_MESSAGES.malformed, answerTo: REVIEWER });
    const noFrom = plain('approve').replace(/^From: .*\n/m, '');
    expect((await refusal(inbound(noFrom))).why).toBe('malformed');
    expect((await refusal(inbound(plain('approve', `From: ${REVIEWER}\n`)))).why).toBe('malformed');
    expect((await refusal(inbound(plain('approve', '', `Reviewers: ${REVIEWER};`)))).why).toBe('malformed');
    expect((await refusal(inbound(plain('approve', '', 'not an address')))).why).toBe('malformed');
    expect((await refusal(inbound('\u0000\u0001 garbage'))).why).toBe('malformed');
    // With an unauthenticated envelope the refusal goes nowhere.
    expect((await refusal(inbound(noFrom, { envelopeFrom: undefined }))).answerTo).toBeUndefined();
  });

  it('an unknown or malformed reply address: refused', async () => {
    for (const recipients of [[], [`reply+${newActionId()}@${DOMAIN}`], [`reply+${ID}@other.example.org`], [`reply+${ID.slice(1)}@${DOMAIN}`], [`reply-${ID}@${DOMAIN}`], [`reply+${ID}@${DOMAIN}`, `reply+${newActionId()}@${DOMAIN}`]]) {
      expect((await refusal(inbound(plain('approve'), { recipients }))).why, JSON.stringify(recipients)).toBe('unknown_address');
    }
    // An address that names no id is refused without asking the store.
    const o = options();
    expect(await refusal(inbound(plain('approve'), { recipients: [`reply-${ID}@${DOMAIN}`] }), o)).toStrictEqual({ kind: 'refused', why: 'unknown_address', message: REFUSAL_MESSAGES.unknown_address, answerTo: REVIEWER });
    expect(o.asked).toEqual([]);
  });
});

describe('readReply: auto-replies are ignored (never answered)', () => {
  it('Auto-Submitted other than no, Precedence bulk/junk/list/auto_reply, X-Autoreply, X-Autorespond', async () => {
    for (const h of ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-generated; owner-email="x@y.org"', 'Precedence: bulk', 'Precedence: junk', 'Precedence: list', 'Precedence: auto_reply', 'X-Autoreply: yes', 'X-Autorespond: on']) {
      const o = options();
      expect(await readReply(inbound(plain('I am out of the office until Monday.', `${h}\n`)), o), h).toEqual({ kind: 'ignored', why: 'auto_reply' });
      expect(o.asked).toEqual([]);
    }
    expect((await readReply(inbound(plain('approve', 'Auto-Submitted: no\nPrecedence: first-class\n')), options())).kind).toBe('accepted');
  });
});

describe('the parts', () => {
  it('authenticated', () => {
    expect(authenticated(PASS)).toBe(true);
    expect(authenticated({ spf: 'PASS', dkim: 'FAIL', dmarc: 'PASS' })).toBe(true);
    expect(authenticated({ spf: 'FAIL', dkim: 'PASS', dmarc: 'PASS' })).toBe(true);
    expect(authenticated({ spf: 'FAIL', dkim: 'FAIL', dmarc: 'PASS' })).toBe(false);
    expect(authenticated({ spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' })).toBe(false);
  });

  it('isAutoReply reads lower-case keys and values before parameters', () => {
    expect(isAutoReply([{ key: 'auto-submitted', value: ' No ' }])).toBe(false);
    expect(isAutoReply([{ key: 'auto-submitted', value: 'no; x=1' }])).toBe(false);
    expect(isAutoReply([{ key: 'precedence', value: 'BULK' }])).toBe(true);
    expect(isAutoReply([{ key: 'precedence', value: 'normal' }])).toBe(false);
    expect(isAutoReply([{ key: 'subject', value: 'Auto-Submitted: yes' }])).toBe(false);
    expect(isAutoReply([])).toBe(false);
  });

  it('replyAddressId: exactly reply+<id>@<domain>; the domain without case; one id only', () => {
    expect(replyAddressId([`reply+${ID}@${DOMAIN}`], DOMAIN)).toBe(ID);
    expect(replyAddressId([` reply+${ID}@${DOMAIN.toUpperCase()} `], DOMAIN.toUpperCase().toLowerCase())).toBe(ID);
    expect(replyAddressId([`reply+${ID}@${DOMAIN}`], DOMAIN.toUpperCase())).toBe(ID);
    expect(replyAddressId([`reply+${ID}@${DOMAIN}`, `reply+${ID}@${DOMAIN}`, 'someone@else.org'], DOMAIN)).toBe(ID);
    expect(replyAddressId([`REPLY+${ID}@${DOMAIN}`], DOMAIN)).toBeUndefined();
    expect(replyAddressId([`xreply+${ID}@${DOMAIN}`], DOMAIN)).toBeUndefined();
    expect(replyAddressId([`reply+${ID}@sub.${DOMAIN}`], DOMAIN)).toBeUndefined();
    expect(replyAddressId([`reply+${ID}@${DOMAIN}.evil.org`], DOMAIN)).toBeUndefined();
    expect(replyAddressId([`reply+${ID}x@${DOMAIN}`], DOMAIN)).toBeUndefined();
    expect(replyAddressId([`reply+${ID}@@${DOMAIN}`], DOMAIN)).toBeUndefined();
    expect(replyAddressId([`<reply+${ID}@${DOMAIN}>`], DOMAIN)).toBeUndefined();
  });

  it('ownText: the text part, else the HTML as text; quotes, Outlook blocks and banners cut', async () => {
    expect(await ownText({ text: 'approve\n\nOn Mon, Dec 1, 2026 at 9:00 AM X <x@y.org> wrote:\n> return now' })).toBe('approve');
    expect(await ownText({ text: '   ', html: '<p>Return</p><p>why</p>' })).toBe('Return\n\nwhy');
    expect(await ownText({ html: '<p>Approve <a href="https://evil.example/x">here</a><img src="cid:1" alt="logo"></p>' })).toBe('Approve here');
    expect(await ownText({})).toBe('');
    expect(await ownText({ text: 'return why\r\nmore\r\n-----Original Message-----\r\nFrom: x\r\napprove' })).toBe('return why\nmore');
    expect(await ownText({ text: 'return why\nFrom: NPCS <n@x.org>\nSent: today\napprove' })).toBe('return why');
    expect(await ownText({ text: 'return why\nDe : NPCS <n@x.org>\napprove' })).toBe('return why\nDe : NPCS <n@x.org>\napprove');
    expect(await ownText({ text: 'return why\nVon: NPCS <n@x.org>\napprove' })).toBe('return why');
    expect(await ownText({ text: 'return why\n__________\napprove' })).toBe('return why');
    expect(await ownText({ text: 'return why\n_________\nstill mine' })).toBe('return why\n_________\nstill mine');
    expect(await ownText({ text: 'return why\n----------\napprove' })).toBe('return why');
    expect(await ownText({ text: 'return why\rmore' })).toBe('return why\nmore');
    expect(await ownText({ text: 'return why\n   ________________________________\napprove' })).toBe('return why');
    expect(await ownText({ text: 'return why\n---------\nstill mine' })).toBe('return why\n---------\nstill mine');
    expect(await ownText({ text: 'return why\nOn Monday someone wrote:\n approve' })).toBe('return why');
    expect((await ownText({ text: `approve${'\n'.repeat(3)}${'x'.repeat(200_000)}` })).length).toBeLessThanOrEqual(100_000);
  });

  it('commandOf: the first non-empty line, the word then an end or a separator', () => {
    expect(commandOf('\n\n approve \n')).toEqual({ action: 'approve' });
    expect(commandOf('Approve!')).toEqual({ action: 'approve' });
    expect(commandOf('approve, with a note')).toEqual({ action: 'approve', reason: 'with a note' });
    expect(commandOf('RETURN; dates\n  are wrong  \n')).toEqual({ action: 'return', reason: 'dates\n  are wrong' });
    expect(commandOf('return\nthe reason on the next line')).toEqual({ action: 'return', reason: 'the reason on the next line' });
    expect(commandOf('return-now')).toEqual({ action: 'return', reason: 'now' });
    expect(commandOf('return\tx')).toEqual({ action: 'return', reason: 'x' });
    expect(commandOf('')).toEqual({ refusal: 'empty' });
    expect(commandOf(' \n\t\n')).toEqual({ refusal: 'empty' });
    expect(commandOf('returning')).toEqual({ refusal: 'no_command' });
    expect(commandOf('first line\napprove')).toEqual({ refusal: 'no_command' });
    expect(commandOf(`approve ${'x'.repeat(MAX_REASON_LENGTH + 1)}`)).toEqual({ refusal: 'reason_too_long' });
    expect(commandOf(`approve ${'x'.repeat(MAX_REASON_LENGTH)}`)).toEqual({ action: 'approve', reason: 'x'.repeat(MAX_REASON_LENGTH) });
  });

  it('has a message for every refusal and every redemption failure, each saying that nothing changed', () => {
    expect(Object.keys(REFUSAL_MESSAGES).sort()).toEqual([...REFUSALS].sort());
    for (const m of [...Object.values(REFUSAL_MESSAGES), ...Object.values(REDEMPTION_REPLY_MESSAGES)]) expect(m).toMatch(/nothing (more )?was changed|so nothing was changed|Nothing was changed/i);
    expect(REFUSAL_MESSAGES.reason_too_long).toContain('2,000');
    expect(MAX_REASON_LENGTH).toBe(2000);
    expect(REDEMPTION_REPLY_MESSAGES.foreign).toBe(REFUSAL_MESSAGES.not_reviewer);
    expect(REDEMPTION_REPLY_MESSAGES.unknown).toBe(REFUSAL_MESSAGES.unknown_address);
  });
});
