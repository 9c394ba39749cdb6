/** The platform admins' baselines and targets form (GET/POST /survey-targets), USWDS components. */
import type { FieldError } from '#shared/errors.ts';
import type { PartnershipAuditEvent } from '#shared/audit/partnership.ts';
import { AlertBox, ErrorSummary, type Alert } from '#shared/web/components/alerts.tsx';
import { DataTable } from '#shared/web/components/data-table.tsx';
import { describedBy, ErrorMessage, Hint } from '#shared/web/components/form-group.tsx';
import type { ScaleTarget } from '#shared/survey/results/types.ts';
import { MEASURE_LABELS, targetField, targetFieldId, type BaselineChoices, type TargetFormValues, type TargetScale } from '#shared/survey/targets.ts';

export interface TargetsPageProps {
  scales: readonly TargetScale[];
  choices: readonly BaselineChoices[];
  values: TargetFormValues;
  version: number;
  errors: readonly FieldError[];
  changes: readonly PartnershipAuditEvent[];
  csrf: string;
  alert?: Alert | undefined;
}

function Radio(p: { name: string; id: string; value: string; checked: boolean; label: string }) {
  return (
    <div class="usa-radio">
      <input class="usa-radio__input" id={p.id} type="radio" name={p.name} value={p.value} checked={p.checked} />
      <label class="usa-radio__label" for={p.id}>
        {p.label}
      </label>
    </div>
  );
}

function ScaleFieldset({ s, values, choices, errors }: { s: TargetScale; values: TargetFormValues; choices: readonly BaselineChoices[]; errors: readonly FieldError[] }) {
  const row = values[s.scale]!;
  const messages = (name: string) => errors.filter((e) => e.field === name).map((e) => e.message);
  const measure = targetField.measure(s.scale);
  const change = targetField.change(s.scale);
  const baseline = targetField.baseline(s.scale);
  const changeId = targetFieldId(change);
  const group = (name: string) => `usa-form-group${messages(name).length ? ' usa-form-group--error' : ''}`;
  return (
    <fieldset class="usa-fieldset margin-top-4 npcs-target-scale">
      <legend class="usa-legend usa-legend--large">{s.label}</legend>
      <div class={group(measure)}>
        <fieldset class="usa-fieldset" aria-describedby={describedBy(messages(measure).length > 0 && `${targetFieldId(measure)}-error`)}>
          <legend class="usa-legend">Measure</legend>
          <ErrorMessage id={targetFieldId(measure)} messages={messages(measure)} />
          <Radio name={measure} id={targetFieldId(measure)} value="percent_positive" checked={row.measure === 'percent_positive'} label={`${MEASURE_LABELS.percent_positive} (change in percentage points)`} />
          <Radio name={measure} id={`${targetFieldId(measure)}--mean`} value="mean" checked={row.measure === 'mean'} label={`${MEASURE_LABELS.mean} (change on the ${s.pointsMin} to ${s.pointsMax} scale)`} />
          <Radio name={measure} id={`${targetFieldId(measure)}--none`} value="none" checked={row.measure === 'none' || row.measure === ''} label="Not tracked: no baseline comparison, no target" />
        </fieldset>
      </div>
      <div class={group(change)}>
        <label class="usa-label" for={changeId}>
          Change sought
        </label>
        <Hint id={changeId}>
          In the favorable direction ({s.favorable === 'high' ? 'higher is better' : 'lower is better'}): for example 10 for +10 points of percent positive, or 0.3 for a mean. From -100 to 100 points for
          percent positive; within ±{s.pointsMax - s.pointsMin} for the mean.
        </Hint>
        <ErrorMessage id={changeId} messages={messages(change)} />
        <input
          class={`usa-input usa-input--small${messages(change).length ? ' usa-input--error' : ''}`}
          id={changeId}
          name={change}
          type="text"
          inputmode="decimal"
          maxlength={12}
          value={row.change}
          aria-describedby={describedBy(`${changeId}-hint`, messages(change).length > 0 && `${changeId}-error`)}
          aria-invalid={messages(change).length ? true : undefined}
        />
      </div>
      <div class={group(baseline)}>
        <fieldset class="usa-fieldset" aria-describedby={describedBy(messages(baseline).length > 0 && `${targetFieldId(baseline)}-error`)}>
          <legend class="usa-legend">Baseline wave</legend>
          <ErrorMessage id={targetFieldId(baseline)} messages={messages(baseline)} />
          <Radio name={baseline} id={targetFieldId(baseline)} value="first_closed" checked={row.baseline !== 'chosen'} label="Each jurisdiction's first closed wave" />
          <Radio name={baseline} id={`${targetFieldId(baseline)}--chosen`} value="chosen" checked={row.baseline === 'chosen'} label="A wave chosen for each jurisdiction (below)" />
        </fieldset>
      </div>
      {choices.length ? (
        <details class="margin-top-2">
          <summary>Chosen baseline waves of {s.label} (used when "a wave chosen" is selected)</summary>
          {choices.map((c) => {
            const name = targetField.wave(s.scale, c.jurisdictionId);
            const id = targetFieldId(name);
            return (
              <div class={group(name)}>
                <label class="usa-label" for={id}>
                  {c.name}
                </label>
                <ErrorMessage id={id} messages={messages(name)} />
                <select class="usa-select" id={id} name={name} aria-describedby={describedBy(messages(name).length > 0 && `${id}-error`)}>
                  <option value="">{c.waves.length ? 'No baseline for this jurisdiction' : 'No closed wave yet'}</option>
                  {c.waves.map((w) => (
                    <option value={w.waveId} selected={row.waves[c.jurisdictionId] === w.waveId}>{`${w.title} (closed ${w.closedOn})`}</option>
                  ))}
                </select>
              </div>
            );
          })}
        </details>
      ) : null}
    </fieldset>
  );
}

const baselineText = (t: ScaleTarget) => (t.baseline.kind === 'first_closed' ? 'first closed wave' : `chosen waves of ${Object.keys(t.baseline.waves).length} jurisdiction${Object.keys(t.baseline.waves).length === 1 ? '' : 's'}`);
const targetsText = (value: unknown, scales: readonly TargetScale[]): string => {
  const list = Array.isArray(value) ? (value as ScaleTarget[]) : [];
  if (!list.length) return 'None';
  return list.map((t) => `${scales.find((s) => s.scale === t.scale)?.label ?? t.scale}: ${MEASURE_LABELS[t.measure] ?? t.measure} ${t.change > 0 ? '+' : ''}${t.change} over the ${baselineText(t)}`).join('; ');
};

export function TargetsPage(p: TargetsPageProps) {
  return (
    <>
      <h1>Survey baselines and targets</h1>
      <p class="usa-intro">
        The partnership measures success as improvement over a baseline wave. Per scale of the survey, choose the measure, the change sought, and which wave of each jurisdiction is its baseline. Results
        pages show each scale against them: met with confidence (the whole 95% interval of the change reaches the target), met, or not met.
      </p>
      {p.alert ? <AlertBox alert={p.alert} /> : null}
      {p.errors.length ? <ErrorSummary errors={p.errors.map((e) => ({ href: `#${targetFieldId(e.field)}`, message: e.message }))} /> : null}
      <form class="usa-form usa-form--large" method="post" action="/survey-targets" novalidate>
        <input type="hidden" name="_csrf" value={p.csrf} />
        <input type="hidden" name="expectedVersion" value={String(p.version)} />
        {p.scales.map((s) => (
          <ScaleFieldset s={s} values={p.values} choices={p.choices} errors={p.errors} />
        ))}
        <button class="usa-button margin-top-4" type="submit">
          Save the targets
        </button>
      </form>
      <section class="margin-top-6" aria-labelledby="changes-heading">
        <h2 id="changes-heading">Changes</h2>
        {p.changes.length ? (
          <DataTable id="changes-caption" caption="The latest changes to the targets, newest first" columns={['When', 'Who', 'Before', 'After']}>
            {p.changes.map((c) => (
              <tr>
                <th scope="row" data-label="When">
                  <time datetime={c.at}>{`${c.at.slice(0, 16).replace('T', ' ')} UTC`}</time>
                </th>
                <td data-label="Who">{c.actor.displayName ?? c.actor.role}</td>
                <td data-label="Before">{targetsText(c.before, p.scales)}</td>
                <td data-label="After">{targetsText(c.after, p.scales)}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <p>No targets have been set yet.</p>
        )}
      </section>
    </>
  );
}
