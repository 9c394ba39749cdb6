/**
 * The answer to an emailed reply (docs/review.md, "Replies"): that the decision was recorded, or why nothing was
 * changed and what to do. Like the workflow's emails it says no answer of the form and nothing about a child; it
 * quotes nothing of the reply either (the words are the platform's own, from shared/review/replies.ts).
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import type { RenderedMail } from '../message.ts';
import { Buttons, COLORS, emailDocument, Footer, H1, P, plainText } from './layout.tsx';
import { oneLine } from './model.ts';

export interface ReplyAnswerData {
  /** Whether the reply decided. */
  recorded: boolean;
  /** What happened and what to do: one of the fixed messages of the reply path. */
  message: string;
  /** The record's page when the reply named one, else the platform's home page. */
  link: string;
  /** The jurisdiction's name when the reply's address was one of its emails. */
  jurisdictionName?: string | undefined;
}

const schema = z.lazy(() =>
  z.object({
    recorded: z.boolean(),
    message: z.pipe(z.string(), z.transform(oneLine)).check(z.minLength(1, 'message is required'), z.maxLength(600, 'message has at most 600 characters')),
    link: z.url({ protocol: /^https?$/, error: 'link is an http(s) URL' }),
    jurisdictionName: z.optional(z.pipe(z.string(), z.transform(oneLine)).check(z.maxLength(160))),
  }),
);

const PLATFORM = 'NPCS safety platform';
const FOOTER = 'You get this email because you replied to an email of the NPCS safety platform. This answer is sent once; replying to it changes nothing.';

export function replyAnswerMail(input: ReplyAnswerData): RenderedMail {
  const d = parseOrThrow(schema, input, 'mail data') as ReplyAnswerData;
  const subject = d.recorded ? 'Your reply was recorded' : 'Your reply was not recorded: nothing was changed';
  const heading = d.recorded ? 'Your decision was recorded' : 'Your reply did not change anything';
  const linkLabel = d.link.includes('/records/') ? 'Open the record' : 'Open the platform';
  const html = emailDocument({
    title: subject,
    preview: d.message,
    jurisdictionName: d.jurisdictionName || PLATFORM,
    footer: <Footer lines={[FOOTER]} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{d.message}</P>
        <Buttons buttons={[{ href: d.link, label: linkLabel, color: COLORS.primary }]} />
      </>
    ),
  });
  const text = plainText([d.jurisdictionName || PLATFORM, heading, d.message, [`${linkLabel}:`, d.link], FOOTER]);
  return { subject, html, text };
}
