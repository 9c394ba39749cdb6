/**
 * The pre-publication check as the reviewer sees it (docs/notices.md, "Pre-publication check"): a warning alert
 * counting the findings of each field with a link to it, and each field's text with the findings marked. The marks
 * say their kind in words (hidden for screen readers, shown beside the mark), never by colour alone. Text is
 * rendered as Preact children, so it is escaped.
 */
import type { ComponentChildren } from 'preact';
import { countByKind, PRECHECK_KINDS, type PrecheckFieldReport, type PrecheckKind, type PrecheckReport } from '#shared/notices/precheck-model.ts';

const KIND_WORDS: Record<PrecheckKind, { one: string; other: string }> = {
  name: { one: 'name', other: 'names' },
  date: { one: 'date', other: 'dates' },
  address: { one: 'address', other: 'addresses' },
  phone: { one: 'phone number', other: 'phone numbers' },
  case_number: { one: 'case number', other: 'case numbers' },
  email: { one: 'email address', other: 'email addresses' },
};

/**
 * The id of a field's section, the target of the summary's link: `precheck-<field>`, with any character an id
 * should not carry (the brackets and dot of `actions[0].action`) as a hyphen.
 */
export const precheckAnchor = (field: string) => `precheck-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** "2 possible names, 1 possible date", in the order of PRECHECK_KINDS. */
export function describeCounts(counts: Record<PrecheckKind, number>): string {
  return PRECHECK_KINDS.filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} possible ${counts[k] === 1 ? KIND_WORDS[k].one : KIND_WORDS[k].other}`)
    .join(', ');
}

/** The USWDS alert above the fields: a warning listing each field with findings, or a note that none were found. */
export function PrecheckSummary({ report }: { report: PrecheckReport }) {
  const flagged = report.fields.filter((f) => f.findings.length > 0);
  if (flagged.length === 0) {
    return (
      <div class="usa-alert usa-alert--info margin-bottom-3" role="status">
        <div class="usa-alert__body">
          <h2 class="usa-alert__heading">The check found nothing to look at</h2>
          <p class="usa-alert__text">
            It looks for names, dates, addresses, phone numbers, email addresses and case numbers, and it can miss them. Read the
            notice before you approve it.
          </p>
        </div>
      </div>
    );
  }
  return (
    <div class="usa-alert usa-alert--warning margin-bottom-3" role="alert">
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading">
          Check {report.findingCount === 1 ? '1 passage' : `${report.findingCount} passages`} before you approve
        </h2>
        <p class="usa-alert__text">
          These may identify a child, a family or staff. Nothing has been changed: edit the notice if they do.
        </p>
        <ul class="usa-list">
          {flagged.map((f) => (
            <li>
              <a class="usa-link" href={`#${precheckAnchor(f.field)}`}>
                {f.label}
              </a>
              : {describeCounts(countByKind(f.findings))}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** One field's text, line breaks kept, each finding in a mark that names its kind. */
export function PrecheckFieldText({ field }: { field: PrecheckFieldReport }) {
  const parts: ComponentChildren[] = [];
  let at = 0;
  for (const f of field.findings) {
    if (f.start > at) parts.push(field.text.slice(at, f.start));
    parts.push(
      <mark class="npcs-precheck" data-kind={f.kind}>
        <span class="usa-sr-only">possible {KIND_WORDS[f.kind].one}: </span>
        {field.text.slice(f.start, f.end)}
        <span class="npcs-precheck-kind" aria-hidden="true">
          {KIND_WORDS[f.kind].one}
        </span>
      </mark>,
    );
    at = f.end;
  }
  if (at < field.text.length) parts.push(field.text.slice(at));
  return (
    <section id={precheckAnchor(field.field)} class="margin-bottom-3">
      <h3>{field.label}</h3>
      <p class="npcs-answer-text">{parts}</p>
    </section>
  );
}

/** The whole check: the summary, then every field. */
export function PrecheckView({ report }: { report: PrecheckReport }) {
  return (
    <div class="npcs-precheck-report">
      <PrecheckSummary report={report} />
      {report.fields.map((f) => (
        <PrecheckFieldText field={f} />
      ))}
    </div>
  );
}
