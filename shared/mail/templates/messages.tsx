/**
 * The five emails of the review workflow, each a function from typed data to { subject, html, text }. They say
 * the jurisdiction, the form, the record's name, the due date and links, and never an answer of the form or
 * anything about a child: the person opens the record on the platform, signed in, to read it.
 */
import type { RenderedMail } from '../message.ts';
import { A, Buttons, COLORS, emailDocument, Facts, Footer, H1, H2, P, plainText } from './layout.tsx';
import {
  daysBetween,
  DIGEST_MAX_ITEMS,
  digestOrder,
  isOverdue,
  longDate,
  parseApproved,
  parseEscalation,
  parseReminderDigest,
  parseReturned,
  parseReviewRequest,
  plural,
  recordName,
  type ApprovedData,
  type DigestItem,
  type DigestNotice,
  type EscalationData,
  type MailRecord,
  type ReminderDigestData,
  type ReturnedData,
  type ReviewRequestData,
} from './model.ts';

const NO_ANSWERS = "This email never contains a record's answers or anything about a child: open the record on the platform, signed in, to read it.";
const CONFIRM_NOTE = 'Approve and Return open a page on the platform where you confirm your decision, signed in. Opening a link changes nothing.';
const REPLY_NOTE = 'You can also reply to this email: write "approve", or "return" followed by your reason, on the first line.';

const noun = (r: MailRecord) => r.formTitle.toLowerCase();

/** A notice title may have 200 characters: a subject keeps the first 100 (the body has the whole name). */
const SUBJECT_NAME_MAX = 100;
const subjectName = (r: MailRecord) => {
  const name = recordName(r);
  return name.length > SUBJECT_NAME_MAX ? `${name.slice(0, SUBJECT_NAME_MAX - 1).trimEnd()}…` : name;
};

function RecordName({ record }: { record: MailRecord }) {
  return (
    <>
      {recordName(record)}
      <br />
      <span style={`font-weight:normal;font-size:14px;color:${COLORS.muted};`}>Record id {record.recordId}</span>
    </>
  );
}

const recordLines = (r: MailRecord, dueLabel: string) => [`Record: ${recordName(r)} (record id ${r.recordId})`, `Form: ${r.formTitle}`, `${dueLabel}: ${longDate(r.dueDate)}`];

/** (a) To a reviewer: a record was submitted (or resubmitted) for review. */
export function reviewRequestMail(input: ReviewRequestData): RenderedMail {
  const d = parseReviewRequest(input);
  const name = recordName(d.record);
  const due = longDate(d.record.dueDate);
  const subject = `${d.resubmitted ? 'Resubmitted for review' : 'Review requested'}: ${subjectName(d.record)}, due ${due}`;
  const heading = d.resubmitted ? `A ${noun(d.record)} was resubmitted for your review` : `A ${noun(d.record)} is waiting for your review`;
  const lead = `${d.jurisdictionName} ${d.resubmitted ? 'resubmitted' : 'submitted'} ${name} for review. Open it to read it, then approve it or return it with a reason by ${due}.`;
  const footer = [`You get this email because you review records for ${d.jurisdictionName}.`, NO_ANSWERS];
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: d.jurisdictionName,
    footer: <Footer lines={footer} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        <Facts rows={[['Record', <RecordName record={d.record} />], ['Form', d.record.formTitle], ['Review due', due]]} />
        <Buttons
          buttons={[
            { href: d.links.open, label: 'Open the record', color: COLORS.primary },
            { href: d.links.approve, label: 'Approve', color: COLORS.approve },
            { href: d.links.return, label: 'Return', color: COLORS.return },
          ]}
        />
        <P muted small>
          {CONFIRM_NOTE}
        </P>
        {d.acceptsReplies ? (
          <P muted small>
            {REPLY_NOTE}
          </P>
        ) : null}
      </>
    ),
  });
  const text = plainText([
    d.jurisdictionName,
    heading,
    lead,
    recordLines(d.record, 'Review due'),
    ['Open the record:', d.links.open],
    ['Approve:', d.links.approve],
    ['Return with a reason:', d.links.return],
    CONFIRM_NOTE,
    d.acceptsReplies && REPLY_NOTE,
    footer.join('\n'),
  ]);
  return { subject, html, text };
}

/** (b) To the submitter: the record was returned, with the reviewer's reason. */
export function returnedMail(input: ReturnedData): RenderedMail {
  const d = parseReturned(input);
  const name = recordName(d.record);
  const due = longDate(d.record.dueDate);
  const subject = `Returned for changes: ${subjectName(d.record)}`;
  const heading = `Your ${noun(d.record)} was returned for changes`;
  const lead = `A reviewer in ${d.jurisdictionName} returned ${name} with the reason below. Make the changes and submit it again by ${due}.`;
  const footer = [`You get this email because you submitted this record in ${d.jurisdictionName}.`, NO_ANSWERS];
  const reasonParagraphs = d.reason.split('\n\n');
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: d.jurisdictionName,
    footer: <Footer lines={footer} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        <H2>The reviewer's reason</H2>
        <table role="presentation" style="border-collapse:collapse;width:100%;margin:0 0 24px 0;">
          <tr>
            <td style={`border-left:4px solid ${COLORS.primary};background-color:${COLORS.page};padding:12px 16px;`}>
              {reasonParagraphs.map((para, i) => (
                <p style={`font-family:Arial, sans-serif;color:${COLORS.ink};font-size:16px;line-height:1.5;margin:${i === reasonParagraphs.length - 1 ? '0' : '0 0 12px 0'};`}>
                  {para.split('\n').flatMap((line, j) => (j === 0 ? [line] : [<br />, line]))}
                </p>
              ))}
            </td>
          </tr>
        </table>
        <Facts rows={[['Record', <RecordName record={d.record} />], ['Form', d.record.formTitle], ['Submit again by', due]]} />
        <Buttons buttons={[{ href: d.links.open, label: 'Open the record', color: COLORS.primary }]} />
      </>
    ),
  });
  const text = plainText([
    d.jurisdictionName,
    heading,
    lead,
    `The reviewer's reason:\n\n${d.reason
      .split('\n')
      .map((line) => (line ? `  ${line}` : ''))
      .join('\n')}`,
    recordLines(d.record, 'Submit again by'),
    ['Open the record:', d.links.open],
    footer.join('\n'),
  ]);
  return { subject, html, text };
}

/** (c) To the submitter: the record was approved. */
export function approvedMail(input: ApprovedData): RenderedMail {
  const d = parseApproved(input);
  const name = recordName(d.record);
  const subject = `Approved: ${subjectName(d.record)}`;
  const heading = `Your ${noun(d.record)} was approved`;
  const lead = `A reviewer in ${d.jurisdictionName} approved ${name}. It is now locked; if it ever needs to change, an amendment goes through review again.`;
  const footer = [`You get this email because you submitted this record in ${d.jurisdictionName}.`, NO_ANSWERS];
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: d.jurisdictionName,
    footer: <Footer lines={footer} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        <Facts rows={[['Record', <RecordName record={d.record} />], ['Form', d.record.formTitle], ['Review was due', longDate(d.record.dueDate)]]} />
        <Buttons buttons={[{ href: d.links.open, label: 'Open the record', color: COLORS.primary }]} />
      </>
    ),
  });
  const text = plainText([d.jurisdictionName, heading, lead, recordLines(d.record, 'Review was due'), ['Open the record:', d.links.open], footer.join('\n')]);
  return { subject, html, text };
}

const dueWords = (item: MailRecord, today: string) => {
  const late = daysBetween(item.dueDate, today);
  return isOverdue(item.dueDate, today) ? `Overdue by ${plural(late, 'day')}: was due ${longDate(item.dueDate)}` : `Due ${longDate(item.dueDate)}`;
};

function DigestEntry({ item, today }: { item: DigestItem; today: string }) {
  const overdue = isOverdue(item.dueDate, today);
  const links: [string, string][] = [['Open', item.links.open]];
  if (item.links.approve) links.push(['Approve', item.links.approve]);
  if (item.links.return) links.push(['Return', item.links.return]);
  return (
    <tr>
      <td style={`padding:12px 0;border-top:1px solid ${COLORS.border};`}>
        <p style={`font-family:Arial, sans-serif;color:${COLORS.ink};font-size:16px;line-height:1.5;margin:0;font-weight:bold;`}>{recordName(item)}</p>
        <p style={`font-family:Arial, sans-serif;color:${COLORS.muted};font-size:14px;line-height:1.5;margin:0;`}>
          {item.formTitle} · record id {item.recordId}
        </p>
        <p style={`font-family:Arial, sans-serif;color:${overdue ? COLORS.overdue : COLORS.ink};font-size:16px;line-height:1.5;margin:0 0 4px 0;${overdue ? 'font-weight:bold;' : ''}`}>{dueWords(item, today)}</p>
        <p style={`font-family:Arial, sans-serif;font-size:16px;line-height:1.5;margin:0;`}>
          {links.flatMap(([label, href], i) => [
            ...(i > 0 ? [<span style={`color:${COLORS.muted};`}> · </span>] : []),
            <A href={href}>{label}</A>,
          ])}
        </p>
      </td>
    </tr>
  );
}

const NOTICES_TITLE = "Safety notices waiting for your jurisdiction's answer";
const DEADLINE_WORDS = { acknowledgement: 'Acknowledgement', action: 'Actions' } as const;

/** Notices in a digest: the most overdue first, then by deadline, then by title. */
const noticeOrder = (notices: readonly DigestNotice[]) => [...notices].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.title.localeCompare(b.title)));

const noticeDueWords = (n: DigestNotice, today: string) =>
  isOverdue(n.dueDate, today) ? `Overdue by ${plural(daysBetween(n.dueDate, today), 'day')}: ${DEADLINE_WORDS[n.deadline].toLowerCase()} ${n.deadline === 'action' ? 'were' : 'was'} due ${longDate(n.dueDate)}` : `${DEADLINE_WORDS[n.deadline]} due ${longDate(n.dueDate)}`;

function DigestNoticeEntry({ notice, today }: { notice: DigestNotice; today: string }) {
  const overdue = isOverdue(notice.dueDate, today);
  return (
    <tr>
      <td style={`padding:12px 0;border-top:1px solid ${COLORS.border};`}>
        <p style={`font-family:Arial, sans-serif;color:${COLORS.ink};font-size:16px;line-height:1.5;margin:0;font-weight:bold;`}>{notice.title}</p>
        <p style={`font-family:Arial, sans-serif;color:${COLORS.muted};font-size:14px;line-height:1.5;margin:0;`}>Safety notice from {notice.issuerName}</p>
        <p style={`font-family:Arial, sans-serif;color:${overdue ? COLORS.overdue : COLORS.ink};font-size:16px;line-height:1.5;margin:0 0 4px 0;${overdue ? 'font-weight:bold;' : ''}`}>{noticeDueWords(notice, today)}</p>
        <p style="font-family:Arial, sans-serif;font-size:16px;line-height:1.5;margin:0;">
          <A href={notice.links.open}>Open the notice</A>
        </p>
      </td>
    </tr>
  );
}

/** "2 records", "1 safety notice", "2 records and 1 safety notice". */
const pendingWords = (records: number, notices: number) =>
  [records > 0 && plural(records, 'record'), notices > 0 && plural(notices, 'safety notice')].filter(Boolean).join(' and ');

/**
 * (d) The daily reminder: one email per person, everything they have pending, overdue first: the records waiting for
 * them, then the partners' safety notices waiting for their jurisdiction's answer (for the people who may answer).
 */
export function reminderDigestMail(input: ReminderDigestData): RenderedMail {
  const d = parseReminderDigest(input);
  const ordered = digestOrder(d.items, d.today);
  const shown = ordered.slice(0, DIGEST_MAX_ITEMS);
  const more = ordered.length - shown.length;
  const overdue = shown.filter((i) => isOverdue(i.dueDate, d.today));
  const waiting = shown.filter((i) => !isOverdue(i.dueDate, d.today));
  const notices = noticeOrder(d.notices ?? []);
  const noticesShown = notices.slice(0, DIGEST_MAX_ITEMS);
  const noticesMore = notices.length - noticesShown.length;
  const overdueTotal = ordered.filter((i) => isOverdue(i.dueDate, d.today)).length + notices.filter((n) => isOverdue(n.dueDate, d.today)).length;
  const pending = pendingWords(ordered.length, notices.length);
  const recordsOnly = notices.length === 0;
  const subject = recordsOnly
    ? `Reminder: ${pending} waiting for you${overdueTotal ? ` (${overdueTotal} overdue)` : ''}`
    : ordered.length === 0
      ? `Reminder: ${pending} waiting for your jurisdiction's answer${overdueTotal ? ` (${overdueTotal} overdue)` : ''}`
      : `Reminder: ${pending} waiting${overdueTotal ? ` (${overdueTotal} overdue)` : ''}`;
  const heading = `You have ${pending} waiting`;
  const lead = `Here is everything waiting for you in ${d.jurisdictionName} on ${longDate(d.today)}, overdue first.`;
  const footer = [`You get at most one reminder a day, while ${recordsOnly ? 'records wait' : 'records or safety notices wait'} for you in ${d.jurisdictionName}.`, NO_ANSWERS];
  const hasDecisions = shown.some((i) => i.links.approve || i.links.return);
  const group = (title: string, items: DigestItem[]) =>
    items.length === 0 ? null : (
      <>
        <H2>{`${title} (${items.length})`}</H2>
        <table role="presentation" style="border-collapse:collapse;width:100%;margin:0 0 8px 0;">
          {items.map((item) => (
            <DigestEntry item={item} today={d.today} />
          ))}
        </table>
      </>
    );
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: d.jurisdictionName,
    footer: <Footer lines={footer} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        {group('Overdue', overdue)}
        {group('Waiting', waiting)}
        {more > 0 ? <P>{`And ${plural(more, 'more record')} not listed here.`}</P> : null}
        {noticesShown.length > 0 ? (
          <>
            <H2>{`${NOTICES_TITLE} (${notices.length})`}</H2>
            <table role="presentation" style="border-collapse:collapse;width:100%;margin:0 0 8px 0;">
              {noticesShown.map((notice) => (
                <DigestNoticeEntry notice={notice} today={d.today} />
              ))}
            </table>
          </>
        ) : null}
        {noticesMore > 0 ? <P>{`And ${plural(noticesMore, 'more safety notice')} not listed here.`}</P> : null}
        <Buttons buttons={[{ href: d.links.list, label: 'See everything waiting for you', color: COLORS.primary }]} />
        {hasDecisions ? (
          <P muted small>
            {CONFIRM_NOTE}
          </P>
        ) : null}
      </>
    ),
  });
  const entry = (i: DigestItem) => [
    `- ${recordName(i)} (record id ${i.recordId})`,
    `  ${i.formTitle}. ${dueWords(i, d.today)}`,
    `  Open: ${i.links.open}`,
    ...(i.links.approve ? [`  Approve: ${i.links.approve}`] : []),
    ...(i.links.return ? [`  Return: ${i.links.return}`] : []),
  ];
  const noticeEntry = (n: DigestNotice) => [`- ${n.title}`, `  Safety notice from ${n.issuerName}. ${noticeDueWords(n, d.today)}`, `  Open the notice: ${n.links.open}`];
  const text = plainText([
    d.jurisdictionName,
    heading,
    lead,
    overdue.length > 0 && [`OVERDUE (${overdue.length})`, '', ...overdue.flatMap((i) => [...entry(i), ''])].join('\n').trimEnd(),
    waiting.length > 0 && [`WAITING (${waiting.length})`, '', ...waiting.flatMap((i) => [...entry(i), ''])].join('\n').trimEnd(),
    more > 0 && `And ${plural(more, 'more record')} not listed here.`,
    noticesShown.length > 0 && [`${NOTICES_TITLE.toUpperCase()} (${notices.length})`, '', ...noticesShown.flatMap((n) => [...noticeEntry(n), ''])].join('\n').trimEnd(),
    noticesMore > 0 && `And ${plural(noticesMore, 'more safety notice')} not listed here.`,
    ['See everything waiting for you:', d.links.list],
    hasDecisions && CONFIRM_NOTE,
    footer.join('\n'),
  ]);
  return { subject, html, text };
}

/** (e) To the jurisdiction admin: a review has waited past the escalation limit. */
export function escalationMail(input: EscalationData): RenderedMail {
  const d = parseEscalation(input);
  const name = recordName(d.record);
  const waited = plural(Math.max(0, daysBetween(d.submittedOn, d.today)), 'day');
  const subject = `Escalation: ${subjectName(d.record)} has waited ${waited} for a review decision`;
  const heading = `A review has waited ${waited} for a decision`;
  const lead = `${name}, a ${noun(d.record)} submitted in ${d.jurisdictionName} on ${longDate(d.submittedOn)}, has no decision after ${plural(d.remindersSent, 'reminder')} to its reviewers. Please make sure someone reviews it.`;
  const footer = [`You get this email because you are an admin of ${d.jurisdictionName}, and reviews there escalate to you when they wait too long.`, NO_ANSWERS];
  const html = emailDocument({
    title: subject,
    preview: lead,
    jurisdictionName: d.jurisdictionName,
    footer: <Footer lines={footer} />,
    children: (
      <>
        <H1>{heading}</H1>
        <P>{lead}</P>
        <Facts
          rows={[
            ['Record', <RecordName record={d.record} />],
            ['Form', d.record.formTitle],
            ['Submitted', longDate(d.submittedOn)],
            ['Review due', <span style={isOverdue(d.record.dueDate, d.today) ? `color:${COLORS.overdue};` : ''}>{dueWords(d.record, d.today)}</span>],
            ['Reminders sent', String(d.remindersSent)],
          ]}
        />
        <Buttons buttons={[{ href: d.links.open, label: 'Open the record', color: COLORS.primary }]} />
      </>
    ),
  });
  const text = plainText([
    d.jurisdictionName,
    heading,
    lead,
    [...recordLines(d.record, 'Review due').slice(0, 2), `Submitted: ${longDate(d.submittedOn)}`, `Review due: ${dueWords(d.record, d.today)}`, `Reminders sent: ${d.remindersSent}`],
    ['Open the record:', d.links.open],
    footer.join('\n'),
  ]);
  return { subject, html, text };
}
