/**
 * The email of a published report: one to each partnership lead (the partnership's report) and one to each
 * jurisdiction admin (their jurisdiction's own report). It says which period, states the release's headline figures
 * as text (they are protected already: the partnership's headline holds no suppressed count) and links to sign in
 * and read the report on the platform. Never a table, a chart or an attachment: the data stays behind sign-in.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import type { ReleaseDocument } from '#shared/reports/model.ts';
import type { RenderedMail } from '../message.ts';
import { Buttons, COLORS, emailDocument, Facts, Footer, H1, P, plainText } from './layout.tsx';
import { oneLine } from './model.ts';

export interface ReportPublishedData {
  /** The published release's document: only its audience, period, year to date and headline are read. */
  document: Pick<ReleaseDocument, 'audience' | 'period' | 'yearToDate' | 'headline'>;
  /** The platform's origin (APP_ORIGIN): the link signs in and returns to the report. */
  appOrigin: string;
}

const PARTNERSHIP = 'National Partnership for Child Safety';
const line = (max: number) => z.pipe(z.string(), z.transform(oneLine)).check(z.minLength(1), z.maxLength(max));

// Objects that drop unknown keys: a caller handing over the whole document gets only these fields into the email.
const schema = z.lazy(() =>
  z.object({
    document: z.object({
      audience: z.union([z.object({ kind: z.literal('partnership') }), z.object({ kind: z.literal('jurisdiction'), jurisdictionId: z.string().check(z.regex(/^[a-z0-9-]{2,64}$/)), name: line(160) })]),
      period: z.object({ cadence: z.enum(['monthly', 'quarterly']), id: z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/)), label: line(80) }),
      yearToDate: z.object({ label: line(80) }),
      headline: z.array(z.object({ label: line(160), value: line(80) })).check(z.maxLength(12)),
    }),
    appOrigin: z.url({ protocol: /^https?$/ }),
  }),
);

/** The path of the report the email is about. */
export const reportPathOf = (d: Pick<ReleaseDocument, 'audience' | 'period'>) =>
  `/reports/${d.period.cadence}/${encodeURIComponent(d.period.id)}${d.audience.kind === 'jurisdiction' ? `/jurisdictions/${encodeURIComponent(d.audience.jurisdictionId)}` : ''}`;

export function reportPublishedMail(input: ReportPublishedData): RenderedMail {
  const { document: d, appOrigin } = parseOrThrow(schema, input, 'mail data') as ReportPublishedData;
  const own = d.audience.kind === 'jurisdiction' ? d.audience : undefined;
  const period = d.period.label;
  const cadence = d.period.cadence === 'monthly' ? 'monthly' : 'quarterly';
  const link = `${new URL(appOrigin).origin}/auth/sign-in?returnTo=${encodeURIComponent(reportPathOf(d))}`;
  const subject = own ? `${own.name}: your own ${cadence} report for ${period} is ready` : `Partnership report for ${period} is ready`;
  const heading = own ? `Your jurisdiction's report for ${period}` : `The partnership report for ${period}`;
  const lead = own
    ? `The ${cadence} report of ${own.name}'s own approved reviews and safety notices for ${period} is published, with the year to date (${d.yearToDate.label}). Every count is shown in it: it is for your agency only.`
    : `The partnership's ${cadence} report of approved critical incident reviews and safety notices for ${period} is published, with the year to date (${d.yearToDate.label}): every jurisdiction's figures side by side, with their charts and tables.`;
  const figures = d.headline.length ? 'In short:' : undefined;
  const readIt = 'Sign in to read the whole report, with its charts, tables and files:';
  const footer = [
    own
      ? `You get this email because you are an administrator of ${own.name}. Please do not forward it outside your agency.`
      : 'You get this email because you are a partnership lead. Small counts are suppressed in the report and in these figures.',
    'This email has no attachment: the report and its files are read on the platform after signing in.',
  ];
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: own ? own.name : PARTNERSHIP,
    footer: <Footer lines={footer} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        {figures ? (
          <>
            <P>{figures}</P>
            <Facts rows={d.headline.map((h) => [h.label, h.value] as const)} />
          </>
        ) : null}
        <P>{readIt}</P>
        <Buttons buttons={[{ href: link, label: 'Sign in and read the report', color: COLORS.primary }]} />
      </>
    ),
  });
  const text = plainText([own ? own.name : PARTNERSHIP, heading, lead, figures, d.headline.map((h) => `${h.label}: ${h.value}`), [readIt, link], footer.join('\n')]);
  return { subject, html, text };
}
