/**
 * The survey's personal invitation and its reminder: one person, one link. They carry the jurisdiction's name, the
 * wave's title, its closing date, the link (the token after `#`, so opening it sends no token to any server log)
 * and the code on its own for people whose browser runs no script, and how the answers stay anonymous. No answers,
 * no unit, no other person.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import { MIN_SURVEY_GROUP } from '#shared/policy.ts';
import type { RenderedMail } from '../message.ts';
import { Buttons, COLORS, emailDocument, Facts, H1, P, plainText } from './layout.tsx';
import { longDate, oneLine } from './model.ts';

export interface SurveyInvitationData {
  jurisdictionName: string;
  waveTitle: string;
  /** The last day answers are taken (YYYY-MM-DD). */
  closesOn: string;
  /** `<origin>/survey/<jurisdiction>#<token>` */
  link: string;
  /** The token alone, for the start page's field. */
  code: string;
  /** 0: the invitation; 1, 2: a reminder. */
  round: number;
}

const schema = z.lazy(() =>
  z.object({
    jurisdictionName: z.string().check(z.minLength(1), z.maxLength(200)),
    waveTitle: z.string().check(z.minLength(1), z.maxLength(200)),
    closesOn: z.iso.date(),
    link: z.url({ protocol: /^https?$/ }),
    code: z.string().check(z.regex(/^[A-Za-z0-9_-]{22,64}$/)),
    round: z.number().check(z.int(), z.minimum(0), z.maximum(2)),
  }),
);

export const ANONYMITY_LINES = [
  'Your answers are anonymous. The link is yours alone so that you can answer once, but when you send your answers the platform deletes your invitation in the same step that stores them: nothing it keeps says who gave which answers.',
  'Your answers are stored with your unit and nothing else: no name, email address, time or sign-in.',
  `Results are only shown for groups of ${MIN_SURVEY_GROUP} or more people.`,
];

/** The invitation (round 0) or a reminder (rounds 1 and 2). */
export function surveyInvitationMail(input: SurveyInvitationData): RenderedMail {
  const d = parseOrThrow(schema, input, 'mail data') as SurveyInvitationData;
  const jurisdiction = oneLine(d.jurisdictionName);
  const title = oneLine(d.waveTitle);
  const closes = longDate(d.closesOn);
  const reminder = d.round > 0;
  const subject = `${reminder ? 'Reminder: ' : ''}${jurisdiction} safety culture survey: your personal link (open until ${closes})`;
  const heading = reminder ? 'A reminder: your survey link is still open' : 'You are invited to the safety culture survey';
  const lead = reminder
    ? `You have not answered ${jurisdiction}'s safety culture survey "${title}" yet. Your link works until ${closes}; it takes about 10 minutes.`
    : `${jurisdiction} asks its staff how teams work together on safety. The survey "${title}" takes about 10 minutes and is open until ${closes}.`;
  const noScript = 'If the link does not open the survey, go to the address below and enter this code:';
  const start = d.link.slice(0, d.link.indexOf('#'));
  const footer = [`You get this email because ${jurisdiction} listed you as staff for this survey. Your link works once; do not forward it.`];
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: jurisdiction,
    footer: (
      <>
        {footer.map((line) => (
          <P muted small>
            {line}
          </P>
        ))}
      </>
    ),
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        <Facts rows={[['Survey', title], ['Open until', closes]]} />
        <Buttons buttons={[{ href: d.link, label: 'Start the survey', color: COLORS.primary }]} />
        <P small>
          {noScript} {start}
          <br />
          <span style="font-family:Consolas,Menlo,monospace;font-size:15px;word-break:break-all;">{d.code}</span>
        </P>
        {ANONYMITY_LINES.map((line) => (
          <P small>{line}</P>
        ))}
      </>
    ),
  });
  const text = plainText([jurisdiction, heading, lead, [`Survey: ${title}`, `Open until: ${closes}`], ['Start the survey:', d.link], [noScript, start, `Code: ${d.code}`], ANONYMITY_LINES.join('\n'), footer.join('\n')]);
  return { subject, html, text };
}
