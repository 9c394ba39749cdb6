/** The survey results pages (view models from ./results-view.ts): a wave's results, and the partnership's. */
import { DataTable } from '#shared/web/components/data-table.tsx';
import { BarChart, PERCENT_TICKS, pointTicks, type ChartRow } from './charts.tsx';
import { estimateText, fixed, STATUS_LABELS, type ComparisonView, type PartnershipView, type ScaleView, type ShownNumbers, type WaveResultsView } from './results-view.ts';
import { MEASURE_LABELS } from '#shared/survey/targets.ts';

const NoNumber = ({ text }: { text: string }) => <span class="npcs-no-number">{text}</span>;

function NumberCells({ n, note }: { n: ShownNumbers | undefined; note: string }) {
  return n ? (
    <>
      <td data-label="Respondents">{n.respondents}</td>
      <td data-label="Percent positive (95% CI)">{estimateText(n.percentPositive, '%')}</td>
      <td data-label="Mean (95% CI)">{estimateText(n.mean)}</td>
    </>
  ) : (
    <td data-label="Results" colSpan={3}>
      <NoNumber text={note} />
    </td>
  );
}

const signed = (v: number, digits: number) => `${v > 0 ? '+' : ''}${fixed(v, digits)}`;

function ComparisonCells({ c }: { c: ComparisonView | undefined }) {
  if (!c) return <td data-label="Against baseline and target" colSpan={4}>No baseline comparison (no target set, or the baseline wave shows no number)</td>;
  const unit = c.measure === 'percent_positive' ? ' points' : '';
  return (
    <>
      <td data-label="Baseline">
        {fixed(c.baseline, c.digits)}
        {c.baselineWave ? <span class="display-block text-base">{`${c.baselineWave.title}, closed ${c.baselineWave.closedOn}`}</span> : null}
      </td>
      <td data-label="Difference (95% CI)">{`${signed(c.difference.value, c.digits)}${unit} (95% CI ${signed(c.difference.low, c.digits)} to ${signed(c.difference.high, c.digits)})`}</td>
      <td data-label="Target">{c.target ? `${signed(c.target.change, c.digits)}${unit}` : 'None'}</td>
      <td data-label="Status">{c.target ? <span class={`usa-tag npcs-target-${c.target.status}`}>{STATUS_LABELS[c.target.status]}</span> : '—'}</td>
    </>
  );
}

const chartRows = (rows: readonly { label: string; numbers?: ShownNumbers; note?: string; combinedWith?: string }[]): ChartRow[] =>
  rows.map((r) => ({ label: r.label, ...(r.numbers ? { estimate: r.numbers.percentPositive } : { note: r.combinedWith ? `combined with ${r.combinedWith}` : (r.note ?? 'suppressed') }) }));

function ScaleSection({ s, jurisdictionName }: { s: ScaleView; jurisdictionName: string }) {
  const id = `scale-${s.scale}`;
  return (
    <section class="margin-top-5" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{s.label}</h2>
      <p class="usa-hint">
        Percent positive: the share of answers that agree (or disagree, for reverse-worded items). Mean: on the {s.pointsMin} to {s.pointsMax} scale, where {s.favorable === 'high' ? 'higher' : 'lower'} is
        better.
      </p>
      <div class="npcs-chart-pair">
        <div>
          <BarChart id={`${id}-chart`} title={`${s.label}: percent positive by group, with 95% confidence intervals`} rows={chartRows(s.rows)} min={0} max={100} ticks={PERCENT_TICKS} unit="%" />
        </div>
        <div>
          <DataTable id={`${id}-caption`} caption={`${s.label} by group`} columns={['Group', 'Respondents', 'Percent positive (95% CI)', 'Mean (95% CI)']}>
            {s.rows.map((r) => (
              <tr>
                <th scope="row" data-label="Group">
                  {r.label}
                </th>
                <NumberCells n={r.numbers} note={r.combinedWith ? `Combined with ${r.combinedWith}` : `Suppressed: ${r.note ?? 'too few respondents'}`} />
              </tr>
            ))}
          </DataTable>
        </div>
      </div>
      <h3>Against baseline and target</h3>
      <DataTable id={`${id}-baseline-caption`} caption={`${s.label} of ${jurisdictionName} against its baseline and target`} columns={['Measure', 'This wave', 'Baseline', 'Difference (95% CI)', 'Target', 'Status']}>
        <tr>
          <th scope="row" data-label="Measure">
            {s.comparison ? MEASURE_LABELS[s.comparison.measure] : s.label}
          </th>
          <td data-label="This wave">{s.comparison ? fixed(s.comparison.current, s.comparison.digits) : '—'}</td>
          <ComparisonCells c={s.comparison} />
        </tr>
      </DataTable>
      <h3>Trend across closed waves</h3>
      <div class="npcs-chart-pair">
        <div>
          <BarChart
            id={`${id}-trend`}
            title={`${s.label} of ${jurisdictionName}: percent positive by wave, oldest first`}
            rows={s.trend.map((t) => ({ label: `${t.title} (${t.closedOn})`, ...(t.numbers ? { estimate: t.numbers.percentPositive } : { note: t.note ?? 'suppressed' }) }))}
            min={0}
            max={100}
            ticks={PERCENT_TICKS}
            unit="%"
          />
        </div>
        <div>
          <DataTable id={`${id}-trend-caption`} caption={`${s.label} of ${jurisdictionName} by wave, oldest first`} columns={['Wave', 'Respondents', 'Percent positive (95% CI)', 'Mean (95% CI)']}>
            {s.trend.map((t) => (
              <tr>
                <th scope="row" data-label="Wave">
                  {t.title}
                  <span class="display-block text-base">
                    Closed {t.closedOn}
                    {t.current ? ' (this wave)' : ''}
                  </span>
                </th>
                <NumberCells n={t.numbers} note={`Suppressed: ${t.note ?? 'too few respondents'}`} />
              </tr>
            ))}
          </DataTable>
        </div>
      </div>
    </section>
  );
}

export function WaveResultsPage({ view }: { view: WaveResultsView }) {
  return (
    <>
      <p>
        <a class="usa-link" href="/survey-waves">
          Survey waves
        </a>
      </p>
      <h1>
        Results of {view.wave.title}
        <span class="display-block font-sans-md text-normal">{view.jurisdictionName}</span>
      </h1>
      <p class="usa-intro">
        The wave closed on {view.wave.closedOn}; its results were computed then and do not change. A group shows results only with at least {view.wave.minGroupSize} respondents; smaller units are
        combined with the group above them, and show no number.
      </p>
      <p>
        <a class="usa-button usa-button--outline" href={`/survey-waves/${encodeURIComponent(view.wave.waveId)}/results.csv`} download>
          Download these results (CSV)
        </a>
      </p>
      <section class="margin-top-4" aria-labelledby="groups-heading">
        <h2 id="groups-heading">Respondents</h2>
        <DataTable id="groups-caption" caption="Respondents and response rate by group" columns={['Group', 'Respondents', 'Staff invited', 'Response rate (95% CI)']}>
          {view.groups.map((g) => (
            <tr>
              <th scope="row" data-label="Group">
                {g.label}
              </th>
              {g.respondents !== undefined ? (
                <>
                  <td data-label="Respondents">{g.respondents}</td>
                  <td data-label="Staff invited">{g.staff ?? 'Not known (open link)'}</td>
                  <td data-label="Response rate (95% CI)">{g.responseRate ? estimateText(g.responseRate, '%') : 'Not known'}</td>
                </>
              ) : (
                <td data-label="Respondents" colSpan={3}>
                  <NoNumber text={g.combinedWith ? `Combined with ${g.combinedWith}` : 'Suppressed: too few respondents'} />
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      </section>
      {view.scales.map((s) => (
        <ScaleSection s={s} jurisdictionName={view.jurisdictionName} />
      ))}
    </>
  );
}


export function PartnershipResultsPage({ view, canManageTargets }: { view: PartnershipView; canManageTargets: boolean }) {
  return (
    <>
      <h1>Safety culture survey results</h1>
      <p class="usa-intro">
        Each jurisdiction's latest closed wave, at jurisdiction level only, against its baseline and the partnership's targets. A jurisdiction shows results only with at least {view.minGroupSize}{' '}
        respondents; the pool combines the jurisdictions that show results.
      </p>
      <p>
        <a class="usa-button usa-button--outline" href="/survey-results.csv" download>
          Download these results (CSV)
        </a>
        {canManageTargets ? (
          <a class="usa-link margin-left-2" href="/survey-targets">
            Set the baselines and targets
          </a>
        ) : null}
      </p>
      <section class="margin-top-4" aria-labelledby="waves-heading">
        <h2 id="waves-heading">Latest waves</h2>
        <DataTable id="waves-caption" caption="Each jurisdiction's latest closed wave" columns={['Jurisdiction', 'Wave', 'Respondents', 'Response rate (95% CI)']}>
          {view.jurisdictions.map((j) => (
            <tr>
              <th scope="row" data-label="Jurisdiction">
                {j.name}
              </th>
              <td data-label="Wave">{j.wave ? `${j.wave.title}, closed ${j.wave.closedOn}` : 'No closed wave with results yet'}</td>
              {j.status === 'shown' ? (
                <>
                  <td data-label="Respondents">{j.respondents ?? '—'}</td>
                  <td data-label="Response rate (95% CI)">{j.responseRate ? estimateText(j.responseRate, '%') : 'Not known'}</td>
                </>
              ) : (
                <td data-label="Respondents" colSpan={2}>
                  <NoNumber text={j.status === 'no_wave' ? '—' : 'Suppressed: too few respondents'} />
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      </section>
      {view.scales.map((s) => {
        const id = `scale-${s.scale}`;
        const rows = [...s.rows.filter((r) => r.status !== 'no_wave'), s.pool];
        return (
          <section class="margin-top-5" aria-labelledby={`${id}-heading`}>
            <h2 id={`${id}-heading`}>{s.label}</h2>
            <BarChart
              id={`${id}-chart`}
              title={`${s.label}: percent positive by jurisdiction in its latest wave, and the pool, with 95% confidence intervals`}
              rows={rows.map((r) => ({ label: r.name, ...(r.numbers ? { estimate: r.numbers.percentPositive } : { note: r.note ?? 'suppressed' }) }))}
              min={0}
              max={100}
              ticks={PERCENT_TICKS}
              unit="%"
            />
            <DataTable
              id={`${id}-caption`}
              caption={`${s.label} by jurisdiction against baseline and target`}
              columns={['Jurisdiction', 'Respondents', 'Percent positive (95% CI)', 'Mean (95% CI)', 'Baseline', 'Difference (95% CI)', 'Target', 'Status']}
            >
              {/* Jurisdictions without a closed wave are in the "Latest waves" table: one line there, not one per scale. */}
              {[...s.rows.filter((r) => r.status !== 'no_wave'), s.pool].map((r) => (
                <tr>
                  <th scope="row" data-label="Jurisdiction">
                    {r.name}
                  </th>
                  {r.status === 'no_wave' ? (
                    <td data-label="Results" colSpan={7}>
                      No closed wave with results yet
                    </td>
                  ) : (
                    <>
                      <NumberCells n={r.numbers} note={`Suppressed: ${r.note ?? 'too few respondents'}`} />
                      {r === s.pool ? <td data-label="Against baseline and target" colSpan={4}>Targets apply to each jurisdiction</td> : <ComparisonCells c={r.comparison} />}
                    </>
                  )}
                </tr>
              ))}
            </DataTable>
          </section>
        );
      })}
      <p class="usa-hint">Means are on each scale's points ({view.scales.map((s) => `${s.label}: ${pointTicks(s.pointsMin, s.pointsMax)[0]} to ${s.pointsMax}`).join('; ')}).</p>
    </>
  );
}
