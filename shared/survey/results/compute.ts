/**
 * A wave's results, computed once when it closes: for the jurisdiction and each unit, per scale, the respondents,
 * the mean scale score and percent positive with 95% intervals, and the response rate; then protected (protection.ts)
 * so that only what may be shown is in the result. Pure: the caller reads the responses and stores the result.
 *
 * Responses stream through a `WaveAccumulator` into per-unit counts and sums, so memory does not grow with the
 * number of responses (freeze.ts feeds it page by page); `computeWaveResults` is the one-call form.
 */
import type { FormDefinition } from '#forms/types.ts';
import { keyItems, scaleKeying, type ScaleKeying } from '#shared/forms/scores.ts';
import { protect, type CountTree, type Decision } from './protection.ts';
import { sdFromSums, tInterval, wilson } from './stats.ts';
import type { FrozenWaveResults, GroupResult, Interval, ScaleCell, ScaleSums, ShownScale } from './types.ts';

export interface SurveyUnit {
  code: string;
  label: string;
  /** Unit code of the unit it belongs to; absent (or unknown) = directly under the jurisdiction. */
  parent?: string;
}

export interface WaveFacts {
  waveId: string;
  title: string;
  closedOn: string;
  formId: string;
  formVersion: number;
}

export interface ComputeInput {
  definition: FormDefinition;
  jurisdictionId: string;
  jurisdictionLabel: string;
  units: SurveyUnit[];
  /** Answers, each with `unit` (the unit code). Any iterable: an array, or a generator over pages. */
  responses: Iterable<Readonly<Record<string, unknown>>>;
  /** Staff per unit code (invitation mode): response rates and finite-population corrections. */
  staffCounts?: Readonly<Record<string, number>>;
  minGroupSize: number;
  wave: WaveFacts;
  computedAt: string;
}

/** One scale's running totals over some respondents. */
interface ScaleTotals {
  respondents: number;
  sum: number;
  sumSquares: number;
  positive: number;
  answers: number;
  /** Answers per item, among the scale's respondents (the per-item gate). */
  itemAnswers: number[];
}

const emptyTotals = (items: number): ScaleTotals => ({ respondents: 0, sum: 0, sumSquares: 0, positive: 0, answers: 0, itemAnswers: new Array<number>(items).fill(0) });

function addTotals(into: ScaleTotals, from: ScaleTotals): void {
  into.respondents += from.respondents;
  into.sum += from.sum;
  into.sumSquares += from.sumSquares;
  into.positive += from.positive;
  into.answers += from.answers;
  for (let i = 0; i < from.itemAnswers.length; i++) into.itemAnswers[i]! += from.itemAnswers[i]!;
}

interface Node {
  /** undefined for the jurisdiction (node 0). */
  unit?: SurveyUnit;
  parent: number;
  respondents: number;
  scales: ScaleTotals[];
}

/** The unit tree of a jurisdiction: node 0 is the jurisdiction, then its units in registry order. */
function buildTree(units: readonly SurveyUnit[], scaleItems: readonly number[]): { nodes: Node[]; byCode: Map<string, number> } {
  const byCode = new Map<string, number>();
  units.forEach((u, i) => {
    if (byCode.has(u.code)) throw new Error(`Survey unit ${u.code} is listed twice`);
    byCode.set(u.code, i + 1);
  });
  const fresh = () => scaleItems.map((items) => emptyTotals(items));
  const nodes: Node[] = [{ parent: -1, respondents: 0, scales: fresh() }];
  for (const unit of units) {
    const parent = unit.parent === undefined ? 0 : (byCode.get(unit.parent) ?? 0);
    nodes.push({ unit, parent, respondents: 0, scales: fresh() });
  }
  // A cycle would make a unit its own ancestor: no order of roll-ups exists, so refuse it.
  for (let i = 1; i < nodes.length; i++) {
    let at = nodes[i]!.parent;
    for (let steps = 0; at !== 0; steps++) {
      if (steps > nodes.length) throw new Error(`Survey units form a cycle at ${nodes[i]!.unit!.code}`);
      at = nodes[at]!.parent;
    }
  }
  return { nodes, byCode };
}

/**
 * Collects a wave's responses into per-unit totals (each response only in its own unit; responses whose unit is
 * not in the registry in the jurisdiction's own bucket), then computes the protected results.
 */
export class WaveAccumulator {
  private readonly keyings: ScaleKeying[];
  private readonly nodes: Node[];
  private readonly byCode: Map<string, number>;

  constructor(
    private readonly definition: FormDefinition,
    private readonly units: readonly SurveyUnit[],
  ) {
    this.keyings = (definition.scores ?? []).map((s) => scaleKeying(definition, s));
    ({ nodes: this.nodes, byCode: this.byCode } = buildTree(units, this.keyings.map((k) => k.score.items.length)));
  }

  add(answers: Readonly<Record<string, unknown>>): void {
    const unit = answers.unit;
    const node = this.nodes[(typeof unit === 'string' && this.byCode.get(unit)) || 0]!;
    node.respondents += 1;
    this.keyings.forEach((keying, s) => {
      let answered = 0;
      let sum = 0;
      let positive = 0;
      const items: number[] = [];
      keyItems(keying, answers, (k) => {
        answered += 1;
        sum += k.keyed;
        if (k.positive) positive += 1;
        items.push(k.index);
      });
      if (answered < keying.minAnswered) return;
      const totals = node.scales[s]!;
      const score = sum / answered;
      totals.respondents += 1;
      totals.sum += score;
      totals.sumSquares += score * score;
      totals.positive += positive;
      totals.answers += answered;
      for (const i of items) totals.itemAnswers[i]! += 1;
    });
  }

  addAll(responses: Iterable<Readonly<Record<string, unknown>>>): this {
    for (const answers of responses) this.add(answers);
    return this;
  }

  results(input: Omit<ComputeInput, 'definition' | 'units' | 'responses'>): FrozenWaveResults {
    const { minGroupSize, staffCounts, jurisdictionId } = input;
    if (!Number.isInteger(minGroupSize) || minGroupSize < 3) throw new Error('minGroupSize must be a whole number of at least 3');
    const n = this.nodes.length;
    // Subtree totals: a unit's respondents include its descendants'. The registry may list a child before its
    // parent, so add bottom-up by depth rather than in list order.
    const depth = this.nodes.map((_, i) => {
      let d = 0;
      for (let at = i; at !== 0; at = this.nodes[at]!.parent) d++;
      return d;
    });
    const order = [...this.nodes.keys()].sort((a, b) => depth[b]! - depth[a]!);
    const respondents = this.nodes.map((x) => x.respondents);
    const totals = this.nodes.map((x) => x.scales.map((t) => ({ ...t, itemAnswers: [...t.itemAnswers] })));
    const staffOwn = this.nodes.map((x, i) => (i === 0 ? 0 : (staffCounts?.[x.unit!.code] ?? 0)));
    // The jurisdiction's staff also counts staff listed under codes the registry no longer has.
    if (staffCounts) for (const [code, count] of Object.entries(staffCounts)) if (!this.byCode.has(code)) staffOwn[0]! += count;
    const staff = [...staffOwn];
    for (const i of order) {
      if (i === 0) continue;
      const p = this.nodes[i]!.parent;
      respondents[p]! += respondents[i]!;
      staff[p]! += staff[i]!;
      totals[i]!.forEach((t, s) => addTotals(totals[p]![s]!, t));
    }

    const tree: CountTree = {
      parent: this.nodes.map((x) => x.parent),
      respondents,
      scales: this.keyings.map((keying, s) => ({
        respondents: totals.map((t) => t[s]!.respondents),
        // Items the form does not define can never be answered: they do not gate the scale.
        fewestItemAnswers: totals.map((t) => Math.min(...t[s]!.itemAnswers.filter((_, i) => keying.items[i] !== undefined), Number.POSITIVE_INFINITY)),
      })),
    };
    const decided = protect(tree, minGroupSize);

    const groupIdOf = (i: number) => (i === 0 ? jurisdictionId : `${jurisdictionId}/${this.nodes[i]!.unit!.code}`);
    const groups: GroupResult[] = this.nodes.map((node, i) => {
      const base = {
        groupId: groupIdOf(i),
        level: i === 0 ? ('jurisdiction' as const) : ('unit' as const),
        label: i === 0 ? input.jurisdictionLabel : node.unit!.label,
        ...(i === 0 ? {} : { parentId: groupIdOf(node.parent) }),
      };
      const decision = decided.groups[i]!;
      if (!decision.shown) return { ...base, shown: false, reason: decision.reason, scales: [] };
      // Staff are known in invitation mode; a list smaller than the answers it got is not a population to correct by.
      const population = staffCounts && staff[i]! >= respondents[i]! && staff[i]! > 0 ? staff[i]! : undefined;
      return {
        ...base,
        shown: true,
        respondents: respondents[i]!,
        ...(population === undefined ? {} : responseRate(respondents[i]!, population)),
        scales: this.keyings.map((keying, s) => scaleCell(keying, totals[i]![s]!, decided.scales[s]![i]!, population)),
      };
    });
    const top = groups[0]!;
    const sums: ScaleSums[] | undefined = top.shown
      ? this.keyings.flatMap((keying, s) => {
          if (!decided.scales[s]![0]!.shown) return [];
          const t = totals[0]![s]!;
          return [{ scale: keying.score.name, respondents: t.respondents, sum: t.sum, sumSquares: t.sumSquares, positive: t.positive, answers: t.answers }];
        })
      : undefined;
    return {
      jurisdictionId,
      waveId: input.wave.waveId,
      waveTitle: input.wave.title,
      closedOn: input.wave.closedOn,
      formId: input.wave.formId,
      formVersion: input.wave.formVersion,
      minGroupSize,
      computedAt: input.computedAt,
      groups,
      ...(sums ? { sums } : {}),
    };
  }
}

const percent = (ci: Interval): Interval => ({ low: 100 * ci.low, high: 100 * ci.high });

/**
 * The response rate of a group whose staff are known. Everyone on the list either answered or not: the rate is
 * a census of the list, so its Wilson interval, finite-population corrected with n = N = staff, has zero width.
 * It is stored anyway so pages need no special case for it.
 */
function responseRate(respondents: number, population: number): Pick<GroupResult, 'staff' | 'responseRate' | 'responseRateCi'> {
  const rate = respondents / population;
  return { staff: population, responseRate: 100 * rate, responseRateCi: percent(wilson(rate, population, population)) };
}

/**
 * A shown scale cell from its totals. Percent positive pools the item answers of the scale's respondents (positive
 * answers over answers, as scores.ts does for a group); its Wilson interval takes n = respondents, not answers: a
 * person's answers to one scale move together, so counting each answer as independent would make it too narrow.
 */
export function shownScale(keying: ScaleKeying, t: Omit<ScaleTotals, 'itemAnswers'>, population: number | undefined): ShownScale {
  const mean = t.sum / t.respondents;
  const sd = sdFromSums(t.respondents, t.sum, t.sumSquares);
  const p = t.answers > 0 ? t.positive / t.answers : 0;
  return {
    shown: true,
    scale: keying.score.name,
    label: keying.score.label,
    respondents: t.respondents,
    mean,
    sd,
    meanCi: tInterval(mean, sd, t.respondents, population),
    pointsMin: keying.pointsMin,
    pointsMax: keying.pointsMax,
    percentPositive: 100 * p,
    percentPositiveCi: percent(wilson(p, t.respondents, population)),
    favorable: keying.score.favorable,
  };
}

function scaleCell(keying: ScaleKeying, t: ScaleTotals, decision: Decision, population: number | undefined): ScaleCell {
  if (!decision.shown) return { shown: false, scale: keying.score.name, label: keying.score.label, reason: decision.reason };
  return shownScale(keying, t, population);
}

/** A wave's protected results from its responses (all in memory or streamed by an iterable). */
export function computeWaveResults(input: ComputeInput): FrozenWaveResults {
  return new WaveAccumulator(input.definition, input.units).addAll(input.responses).results(input);
}
