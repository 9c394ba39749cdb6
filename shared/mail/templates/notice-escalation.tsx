/**
 * The escalation of a safety notice's deadline (docs/notices.md, "Follow-up"): to each admin of a partner
 * jurisdiction that let the acknowledgement or action deadline pass, once per notice, deadline and admin. It names
 * the notice (its title and issuer), the deadline, how many days past, and links to the notice's page, where the
 * jurisdiction answers. Nothing else of the notice: the schema drops every other field.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import { SUBJECT_MAX_LENGTH, type RenderedMail } from '../message.ts';
import { A, Buttons, COLORS, emailDocument, Facts, Footer, H1, P, plainText } from './layout.tsx';
import { daysBetween, longDate, oneLine, plural } from './model.ts';

export interface NoticeEscalationData {
  /** The jurisdiction that has not answered (the admin's own), and the notice's issuer. */
  jurisdictionName: string;
  issuerName: string;
  title: string;
  deadline: 'acknowledgement' | 'action';
  /** The deadline that passed, and the day of the escalation (YYYY-MM-DD). */
  dueDate: string;
  today: string;
  /** The notice's page. */
  links: { open: string };
}

const isRealDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
const date = (what: string) => z.string().check(z.refine(isRealDate, `${what} is a date, YYYY-MM-DD`));
const line = (what: string, max: number) => z.pipe(z.string(), z.transform(oneLine)).check(z.minLength(1, `${what} is required`), z.maxLength(max, `${what} has at most ${max} characters`));

const schema = z.lazy(() =>
  z
    .object({
      jurisdictionName: line('jurisdictionName', 160),
      issuerName: line('issuerName', 160),
      title: line('title', 500),
      deadline: z.enum(['acknowledgement', 'action']),
      dueDate: date('dueDate'),
      today: date('today'),
      links: z.object({ open: z.url({ protocol: /^https?$/, error: 'links.open is an http(s) URL' }) }),
    })
    .check(z.refine((d) => d.dueDate < d.today, { message: 'An escalation is for a deadline that has passed', path: ['dueDate'] })),
);

const WHAT = {
  acknowledgement: { asked: 'acknowledge it', label: 'Acknowledgement deadline', noun: 'acknowledgement' },
  action: { asked: 'report its actions completed (or say the notice does not apply)', label: 'Action deadline', noun: 'action' },
} as const;

export function noticeEscalationMail(input: NoticeEscalationData): RenderedMail {
  const d = parseOrThrow(schema, input, 'mail data') as NoticeEscalationData;
  const what = WHAT[d.deadline];
  const late = plural(daysBetween(d.dueDate, d.today), 'day');
  // The head is at most about 90 characters: the title takes the rest of the line, cut with an ellipsis.
  const head = `Escalation: ${late} past the ${what.noun} deadline of a safety notice: `;
  const room = SUBJECT_MAX_LENGTH - head.length;
  const subject = head + ([...d.title].length <= room ? d.title : `${[...d.title].slice(0, room - 1).join('').trimEnd()}\u2026`);
  const heading = `A safety notice's ${what.noun} deadline has passed`;
  const lead = `${d.issuerName} asked every partner jurisdiction to ${what.asked} by ${longDate(d.dueDate)}. ${d.jurisdictionName} has not yet: it is ${late} late. Please make sure someone answers for ${d.jurisdictionName} on the notice's page.`;
  const footer = `You get this email because you are an admin of ${d.jurisdictionName}, and safety notices escalate to you once when a deadline passes. The daily reminder lists the notice until it is answered.`;
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: d.jurisdictionName,
    footer: <Footer lines={[footer]} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        <Facts
          rows={[
            ['Notice', d.title],
            ['Issued by', d.issuerName],
            [what.label, longDate(d.dueDate)],
            ['Days past', <span style={`color:${COLORS.overdue};`}>{late}</span>],
          ]}
        />
        <Buttons buttons={[{ href: d.links.open, label: 'Open the notice', color: COLORS.primary }]} />
        <P small>
          Or copy this address: <A href={d.links.open}>{d.links.open}</A>
        </P>
      </>
    ),
  });
  const text = plainText([
    d.jurisdictionName,
    heading,
    lead,
    [`Notice: ${d.title}`, `Issued by: ${d.issuerName}`, `${what.label}: ${longDate(d.dueDate)}`, `Days past: ${late}`],
    ['Open the notice:', d.links.open],
    footer,
  ]);
  return { subject, html, text };
}
