/**
 * The email of a partner's safety notice (docs/notices.md, "Distribution"): one to each contact of each active partner
 * jurisdiction, when a notice is first published, updated (with the issuer's reason) or withdrawn (with its reason).
 * It carries what the notice itself shares with every partner (level, theme, title, the systemic issue, the actions
 * asked, the deadlines) and two links: acknowledge for the recipient's jurisdiction, and open the notice. A link only
 * shows a page; nothing is recorded until a signed-in person presses the button there. A withdrawal has no
 * acknowledge link. The notice's texts are the issuing agency's free text: preact escapes them in the HTML part.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { NOTICE_TYPES, THEMES } from '#forms/codes.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import type { PublishedNotice } from '#shared/notices/model.ts';
import { SUBJECT_MAX_LENGTH, type MailKind, type RenderedMail } from '../message.ts';
import { A, Buttons, COLORS, emailDocument, Facts, Footer, H1, H2, P, plainText } from './layout.tsx';
import { longDate, oneLine, paragraphs } from './model.ts';

export type NoticeMailKind = Extract<MailKind, 'notice_published' | 'notice_updated' | 'notice_withdrawn'>;

/** What a notice email may say: these fields of the published copy, and nothing else of it. */
export type NoticeMailNotice = Pick<PublishedNotice, 'issuerId' | 'recordId' | 'version' | 'status' | 'level' | 'theme' | 'title' | 'systemicIssue' | 'actions'> &
  Partial<Pick<PublishedNotice, 'changeReason' | 'acknowledgeBy' | 'actBy'>>;

export interface NoticeMailData {
  notice: NoticeMailNotice;
  /** The issuing jurisdiction's name, and the recipient jurisdiction's (the registry's). */
  issuerName: string;
  recipientName: string;
  /** `<APP_ORIGIN>/notice-links/<id>`: acknowledge (absent for a withdrawal) and open. */
  links: { acknowledge?: string | undefined; open: string };
}

/** Which email a published version is: version 1 is new, a withdrawn version is a withdrawal, any other an update. */
export const noticeMailKind = (notice: Pick<PublishedNotice, 'version' | 'status'>): NoticeMailKind =>
  notice.status === 'withdrawn' ? 'notice_withdrawn' : notice.version === 1 ? 'notice_published' : 'notice_updated';

const LEVEL_TAGS: Record<string, string> = { alert: 'Alert', advisory: 'Advisory', lesson_learned: 'Lesson learned' };
const labelOf = (list: readonly { code: string; label: string }[], code: string) => list.find((c) => c.code === code)?.label ?? code;

const isRealDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
const line = (what: string, max: number) => z.pipe(z.string(), z.transform(oneLine)).check(z.minLength(1, `${what} is required`), z.maxLength(max, `${what} has at most ${max} characters`));
const prose = (what: string, max: number) => z.pipe(z.string(), z.transform(paragraphs)).check(z.minLength(1, `${what} is required`), z.maxLength(max, `${what} has at most ${max} characters`));
const link = (what: string) => z.url({ protocol: /^https?$/, error: `${what} is an http(s) URL` });
const date = (what: string) => z.string().check(z.refine(isRealDate, `${what} is a date, YYYY-MM-DD`));

// Objects that drop unknown keys: a caller handing over the whole published copy (evidence, contact mailbox,
// audience) gets only these fields into the email. Limits are the form's (forms/safety-notice/v2.ts) with room.
const schema = z.lazy(() =>
  z.object({
    notice: z.object({
      issuerId: z.string().check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)),
      recordId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
      version: z.number().check(z.int(), z.minimum(1)),
      status: z.enum(['active', 'withdrawn']),
      changeReason: z.optional(prose('changeReason', 4000)),
      level: z.string().check(z.minLength(1)),
      theme: z.string().check(z.minLength(1)),
      title: line('title', 500),
      systemicIssue: prose('systemicIssue', 10_000),
      actions: z.array(prose('an action', 10_000)).check(z.maxLength(50)),
      acknowledgeBy: z.optional(date('acknowledgeBy')),
      actBy: z.optional(date('actBy')),
    }),
    issuerName: line('issuerName', 160),
    recipientName: line('recipientName', 160),
    links: z.object({ acknowledge: z.optional(link('links.acknowledge')), open: link('links.open') }),
  }),
);

/** The subject: the level, who issued it, what happened, and the title, cut with an ellipsis to fit one line. */
function subjectOf(kind: NoticeMailKind, level: string, issuerName: string, title: string): string {
  const what = { notice_published: `Safety notice from ${issuerName}`, notice_updated: `Updated safety notice from ${issuerName}`, notice_withdrawn: `Safety notice withdrawn by ${issuerName}` }[kind];
  const head = `[${LEVEL_TAGS[level] ?? 'Notice'}] ${what}: `;
  const room = SUBJECT_MAX_LENGTH - head.length;
  return head + ([...title].length <= room ? title : `${[...title].slice(0, room - 1).join('').trimEnd()}\u2026`);
}

export function noticeMail(input: NoticeMailData): RenderedMail & { kind: NoticeMailKind } {
  const { notice: n, issuerName, recipientName, links } = parseOrThrow(schema, input, 'mail data') as NoticeMailData;
  const kind = noticeMailKind(n);
  const withdrawn = kind === 'notice_withdrawn';
  // A withdrawal asks nothing: it never carries an acknowledge link, even if one is handed over.
  const acknowledge = withdrawn ? undefined : links.acknowledge;
  const subject = subjectOf(kind, n.level, issuerName, n.title);
  const heading = { notice_published: 'New safety notice', notice_updated: 'Updated safety notice', notice_withdrawn: 'Safety notice withdrawn' }[kind];
  const lead = {
    notice_published: `${issuerName} has published a safety notice for every partner jurisdiction. ${recipientName} is asked to acknowledge it and to say what it does about the actions below.`,
    notice_updated: `${issuerName} has published version ${n.version} of this safety notice. It replaces the earlier version; your jurisdiction's answer so far is kept.`,
    notice_withdrawn: `${issuerName} has withdrawn this safety notice. No answer is needed from ${recipientName} any more; the notice stays readable, marked withdrawn.`,
  }[kind];
  const reasonLabel = withdrawn ? 'Why it was withdrawn' : 'What changed';
  const reason = kind === 'notice_published' ? undefined : n.changeReason;
  const facts: [string, string][] = [
    ['Issued by', issuerName],
    ['Level', labelOf(NOTICE_TYPES, n.level)],
    ['Theme', labelOf(THEMES, n.theme)],
    ...(n.acknowledgeBy && !withdrawn ? [['Acknowledge by', longDate(n.acknowledgeBy)] as [string, string]] : []),
    ...(n.actBy && !withdrawn ? [['Act by', longDate(n.actBy)] as [string, string]] : []),
  ];
  const ackLabel = `Acknowledge for ${recipientName}`;
  const safety = acknowledge
    ? `Opening a link only shows a page on the platform, after you sign in: nothing is recorded until you press the button there. Only ${recipientName}'s reviewers and admins can acknowledge.`
    : 'Opening the link only shows the notice on the platform, after you sign in.';
  const footer = [
    `You get this email because you are a registered contact of ${recipientName} in the partnership's registry.`,
    'Safety notices are de-identified lessons shared between partner agencies. Please do not forward this email outside your agency.',
  ];
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: recipientName,
    footer: <Footer lines={footer} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        {reason ? (
          <>
            <H2>{reasonLabel}</H2>
            <Paragraphs text={reason} />
          </>
        ) : null}
        <H2>{n.title}</H2>
        <Facts rows={facts} />
        <H2>The systemic issue</H2>
        <Paragraphs text={n.systemicIssue} />
        {n.actions.length ? (
          <>
            <H2>{withdrawn ? 'The actions it asked for' : 'The actions asked of every partner'}</H2>
            <ol style={`margin:0 0 16px 0;padding-left:24px;color:${COLORS.ink};`}>
              {n.actions.map((a) => (
                <li>
                  <Paragraphs text={a} />
                </li>
              ))}
            </ol>
          </>
        ) : null}
        <Buttons buttons={[...(acknowledge ? [{ href: acknowledge, label: ackLabel, color: COLORS.approve }] : []), { href: links.open, label: 'Open the notice', color: COLORS.primary }]} />
        <P muted small>
          {safety}
        </P>
        <P small>
          Or copy this address: <A href={links.open}>{links.open}</A>
        </P>
      </>
    ),
  });
  const text = plainText([
    `${recipientName}: ${heading}`,
    lead,
    reason ? `${reasonLabel}:\n${reason}` : undefined,
    n.title,
    facts.map(([label, value]) => `${label}: ${value}`),
    `The systemic issue:\n${n.systemicIssue}`,
    n.actions.length ? [withdrawn ? 'The actions it asked for:' : 'The actions asked of every partner:', ...n.actions.map((a, i) => `${i + 1}. ${a}`)] : undefined,
    acknowledge ? [`${ackLabel}:`, acknowledge] : undefined,
    ['Open the notice:', links.open],
    safety,
    footer.join('\n'),
  ]);
  return { kind, subject, html, text };
}

/** Free text with its line breaks: one paragraph per blank-line-separated block, single breaks as <br>. */
function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n\n+/).map((block) => (
        <P>{block.split('\n').flatMap((l, j) => (j === 0 ? [l] : [<br />, l]))}</P>
      ))}
    </>
  );
}
