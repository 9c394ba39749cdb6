/**
 * The partnership's survey baselines and targets (docs/survey.md, "Baselines and targets"): one partnership-wide item
 * that platform admins set, per scale of the latest survey form: which wave of each jurisdiction is its baseline, the
 * measure (percent positive or mean) and the change sought. Every change is audited with the values before and
 * after (shared/audit/partnership.ts), in the same transaction; expectedVersion guards concurrent edits.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import type { FormDefinition, LikertField } from '#forms/types.ts';
import { listPartnershipAudit, newPartnershipAuditEvent, partnershipAuditPut, type PartnershipActor, type PartnershipAuditEvent } from '#shared/audit/partnership.ts';
import { ConflictError, type FieldError } from '#shared/errors.ts';
import { fieldIndex } from '#shared/forms/definition.ts';
import { cancellationCodes } from '#shared/storage/cancellation.ts';
import { keys } from '#shared/storage/keys.ts';
import type { ScaleTarget } from './results/types.ts';

/** A scale a target can be set for, with its range (a change of the mean cannot exceed it). */
export interface TargetScale {
  scale: string;
  label: string;
  pointsMin: number;
  pointsMax: number;
  favorable: 'high' | 'low';
}

/** The scales of a survey form version, in the form's order. */
export function targetScales(definition: FormDefinition): TargetScale[] {
  const fields = fieldIndex(definition);
  return (definition.scores ?? []).map((score) => {
    const values = score.items.flatMap((name) => (fields.get(name)?.field as LikertField | undefined)?.scale.points.map((p) => p.value) ?? []);
    return { scale: score.name, label: score.label, pointsMin: Math.min(...values), pointsMax: Math.max(...values), favorable: score.favorable };
  });
}

export const MEASURES = ['percent_positive', 'mean'] as const;
export const MEASURE_LABELS: Record<ScaleTarget['measure'], string> = { percent_positive: 'Percent positive', mean: 'Mean score' };

const waveIdSchema = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/));
export const scaleTargetSchema = z.lazy(() => z.object({
  scale: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/)),
  baseline: z.discriminatedUnion('kind', [z.object({ kind: z.literal('first_closed') }), z.object({ kind: z.literal('chosen'), waves: z.record(z.string(), waveIdSchema) })]),
  measure: z.enum(MEASURES),
  change: z.number(),
}));
const storedSchema = z.lazy(() => z.object({ targets: z.array(scaleTargetSchema), version: z.number().check(z.int(), z.minimum(1)) }));

/** A jurisdiction's closed waves, which a chosen baseline may name. */
export interface BaselineChoices {
  jurisdictionId: string;
  name: string;
  waves: readonly { waveId: string; title: string; closedOn: string }[];
}

/** What the form posts per scale, as typed (the page shows it again on a 422). */
export interface TargetFormRow {
  measure: string;
  change: string;
  baseline: string;
  /** Chosen baseline wave per jurisdiction id ('' = none). */
  waves: Record<string, string>;
}
export type TargetFormValues = Record<string, TargetFormRow>;

/** Form field names: the page and the parser agree through these. */
export const targetField = {
  measure: (scale: string) => `${scale}.measure`,
  change: (scale: string) => `${scale}.change`,
  baseline: (scale: string) => `${scale}.baseline`,
  wave: (scale: string, jurisdictionId: string) => `${scale}.wave.${jurisdictionId}`,
};
/** The id of a field's control (the error summary links to it). */
export const targetFieldId = (name: string) => `t-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/** The form's values of stored targets (an untracked scale: measure "none"). */
export function formValuesOf(targets: readonly ScaleTarget[], scales: readonly TargetScale[]): TargetFormValues {
  return Object.fromEntries(
    scales.map((s) => {
      const t = targets.find((x) => x.scale === s.scale);
      return [s.scale, { measure: t?.measure ?? 'none', change: t ? String(t.change) : '', baseline: t?.baseline.kind ?? 'first_closed', waves: t?.baseline.kind === 'chosen' ? { ...t.baseline.waves } : {} }];
    }),
  );
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? ''));

/** The typed values of a posted form (only the fields of the known scales and jurisdictions). */
export function formValuesFrom(posted: Readonly<Record<string, string | string[]>>, scales: readonly TargetScale[], choices: readonly BaselineChoices[]): TargetFormValues {
  return Object.fromEntries(
    scales.map((s) => [
      s.scale,
      {
        measure: one(posted[targetField.measure(s.scale)]),
        change: one(posted[targetField.change(s.scale)]).trim(),
        baseline: one(posted[targetField.baseline(s.scale)]),
        waves: Object.fromEntries(choices.map((c) => [c.jurisdictionId, one(posted[targetField.wave(s.scale, c.jurisdictionId)])])),
      },
    ]),
  );
}

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * The targets of the typed values, or one error per problem (the field named by its input id's field name):
 * percent positive changes are points from -100 to 100; a mean's change stays within the scale's range.
 */
export function targetsFrom(values: TargetFormValues, scales: readonly TargetScale[], choices: readonly BaselineChoices[]): { ok: true; targets: ScaleTarget[] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const targets: ScaleTarget[] = [];
  const measureSchema = z.enum(['none', ...MEASURES], { error: 'Choose percent positive, mean score or not tracked' });
  for (const s of scales) {
    const row = values[s.scale]!;
    const err = (field: string, message: string) => errors.push({ field, message: `${s.label}: ${message}` });
    const measure = z.safeParse(measureSchema, row.measure);
    if (!measure.success) {
      err(targetField.measure(s.scale), measure.error.issues[0]!.message);
      continue;
    }
    if (measure.data === 'none') continue;
    const span = s.pointsMax - s.pointsMin;
    const range = measure.data === 'percent_positive' ? { low: -100, high: 100, unit: 'percentage points' } : { low: -span, high: span, unit: `points of the ${s.pointsMin} to ${s.pointsMax} scale` };
    const changeSchema = z.string().check(
      z.regex(NUMBER, `enter the change sought as a number, such as ${measure.data === 'percent_positive' ? '10' : '0.3'}`),
      z.refine((v) => Number(v) >= range.low && Number(v) <= range.high, `the change sought is from ${range.low} to ${range.high} ${range.unit}`),
      z.refine((v) => Number(v) !== 0, 'a change of 0 is no target: enter the change sought, or choose "not tracked"'),
    );
    const change = z.safeParse(changeSchema, row.change);
    if (row.change === '') err(targetField.change(s.scale), 'enter the change sought');
    else if (!change.success) err(targetField.change(s.scale), change.error.issues[0]!.message);
    let baseline: ScaleTarget['baseline'] | undefined;
    if (row.baseline === 'first_closed') baseline = { kind: 'first_closed' };
    else if (row.baseline === 'chosen') {
      const waves: Record<string, string> = {};
      for (const c of choices) {
        const waveId = row.waves[c.jurisdictionId] ?? '';
        if (waveId === '') continue;
        if (!c.waves.some((w) => w.waveId === waveId)) err(targetField.wave(s.scale, c.jurisdictionId), `${c.name}: choose one of its closed waves`);
        else waves[c.jurisdictionId] = waveId;
      }
      if (Object.keys(waves).length === 0 && !errors.some((e) => e.field.startsWith(`${s.scale}.wave.`))) {
        err(targetField.baseline(s.scale), 'choose the baseline wave of at least one jurisdiction, or use each jurisdiction\'s first closed wave');
      }
      baseline = { kind: 'chosen', waves };
    } else err(targetField.baseline(s.scale), "choose each jurisdiction's first closed wave, or chosen waves");
    if (change.success && baseline && row.change !== '') targets.push({ scale: s.scale, baseline, measure: measure.data, change: Number(row.change) });
  }
  return errors.length ? { ok: false, errors } : { ok: true, targets };
}

const conditionFailed = (e: unknown) => cancellationCodes(e)?.[0] === 'ConditionalCheckFailed';

/** The one item of targets; version 0 before anything was set. */
export class SurveyTargets {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async get(): Promise<{ targets: ScaleTarget[]; version: number }> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.surveyTargets, ConsistentRead: true }));
    if (!out.Item) return { targets: [], version: 0 };
    const stored = storedSchema.parse(out.Item);
    return { targets: stored.targets, version: stored.version };
  }

  /** Replaces the targets (audited with before and after); ConflictError when someone saved since `expectedVersion`. */
  async set(actor: PartnershipActor, targets: readonly ScaleTarget[], expectedVersion: number): Promise<{ version: number; changed: boolean }> {
    const current = await this.get();
    if (current.version !== expectedVersion) throw new ConflictError('Someone else changed the targets after you opened this page.');
    if (JSON.stringify(current.targets) === JSON.stringify(targets)) return { version: current.version, changed: false };
    const now = this.clock();
    const version = expectedVersion + 1;
    const event = newPartnershipAuditEvent(actor, { action: 'survey.targets_set', before: current.targets, after: targets }, now);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.surveyTargets, kind: 'survey_targets', targets, version, updatedAt: now.toISOString() },
                ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
                ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
              },
            },
            partnershipAuditPut(this.tableName, event),
          ],
        }),
      );
    } catch (e) {
      if (conditionFailed(e)) throw new ConflictError('Someone else changed the targets at the same moment.');
      throw e;
    }
    return { version, changed: true };
  }

  /** The latest changes, newest first. */
  changes(limit = 10): Promise<PartnershipAuditEvent[]> {
    return listPartnershipAudit(this.client, this.tableName, 'survey.targets_set', limit);
  }
}
