/** Survey scale scores: mean of the keyed items (reverse-scored items flipped) and percent positive. */
import type { FormDefinition, LikertField, ScoreDefinition } from '#forms/types.ts';
import { SCALE_ANSWERED_SHARE } from '#shared/policy.ts';
import { fieldIndex } from './definition.ts';

export interface ScaleScore {
  name: string;
  label: string;
  construct: string;
  /** Mean of the answered items on the keyed scale; null when fewer than `minAnswered` items were answered. */
  mean: number | null;
  /** Share (0-100) of answered items that are on the favorable side; null like `mean`. */
  percentPositive: number | null;
  answered: number;
  items: number;
}

const isInteger = (value: unknown): value is number => Number.isInteger(value);

/**
 * Fewest answered items for a respondent to count in a wave's results: the scale's own `minAnswered`, and never below
 * SCALE_ANSWERED_SHARE (75%) of its items, the AHRQ SOPS rule. Per-response scores (exports) keep the form version's
 * own `minAnswered`: a published version's export columns never change meaning.
 */
export const scaleMinAnswered = (score: Pick<ScoreDefinition, 'minAnswered' | 'items'>): number =>
  Math.max(score.minAnswered, Math.ceil(SCALE_ANSWERED_SHARE * score.items.length));

/** One answered item of a scale, keyed (reverse-scored items flipped) and judged favorable or not. */
export interface KeyedItem {
  /** Index of the item in `score.items`. */
  index: number;
  keyed: number;
  positive: boolean;
}

/** How to key one scale's items: resolved once per form, then applied to every response. */
export interface ScaleKeying {
  score: ScoreDefinition;
  /** Per item of `score.items`: its points' range and positive threshold, or undefined when the form lacks it. */
  items: readonly ({ low: number; high: number; positiveMin: number; reverse: boolean } | undefined)[];
  /** The scale's lowest and highest point (from its first defined item; a scale's items share one response scale). */
  pointsMin: number;
  pointsMax: number;
  /** scaleMinAnswered(score): the wave results' counting rule. */
  minAnswered: number;
}

export function scaleKeying(def: FormDefinition, score: ScoreDefinition): ScaleKeying {
  const index = fieldIndex(def);
  const items = score.items.map((name) => {
    const field = index.get(name)?.field as LikertField | undefined;
    if (!field || field.type !== 'likert') return undefined;
    const values = field.scale.points.map((p) => p.value);
    return { low: Math.min(...values), high: Math.max(...values), positiveMin: field.scale.positiveMin, reverse: field.reverseScored === true };
  });
  const first = items.find((i) => i !== undefined);
  return { score, items, pointsMin: first?.low ?? 0, pointsMax: first?.high ?? 0, minAnswered: scaleMinAnswered(score) };
}

/**
 * The answered items of one response on one scale. Reverse-scored items are keyed as (min + max) - x; an item is
 * positive when keyed at or above the scale's positive threshold (agree, strongly agree) or, on a scale whose low
 * end is favorable (emotional exhaustion), at or below its mirror (disagree, strongly disagree).
 */
export function keyItems(keying: ScaleKeying, answers: Readonly<Record<string, unknown>>, visit: (item: KeyedItem) => void): void {
  const { score } = keying;
  for (let index = 0; index < score.items.length; index++) {
    const item = keying.items[index];
    const value = answers[score.items[index]!];
    if (!item || !isInteger(value) || value < item.low || value > item.high) continue;
    const keyed = item.reverse ? item.low + item.high - value : value;
    const positive = score.favorable === 'high' ? keyed >= item.positiveMin : keyed <= item.low + item.high - item.positiveMin;
    visit({ index, keyed, positive });
  }
}

interface Keyed {
  answered: number;
  sum: number;
  positive: number;
}

function keyedItems(def: FormDefinition, score: ScoreDefinition, answers: Readonly<Record<string, unknown>>): Keyed {
  const out: Keyed = { answered: 0, sum: 0, positive: 0 };
  keyItems(scaleKeying(def, score), answers, (k) => {
    out.answered += 1;
    out.sum += k.keyed;
    if (k.positive) out.positive += 1;
  });
  return out;
}

/** Scores of one response (answers as validated). Forms without scores give an empty object. */
export function computeScores(def: FormDefinition, answers: Readonly<Record<string, unknown>>): Record<string, ScaleScore> {
  const out: Record<string, ScaleScore> = {};
  for (const score of def.scores ?? []) {
    const k = keyedItems(def, score, answers);
    const enough = k.answered >= score.minAnswered;
    out[score.name] = {
      name: score.name,
      label: score.label,
      construct: score.construct,
      mean: enough ? k.sum / k.answered : null,
      percentPositive: enough ? (100 * k.positive) / k.answered : null,
      answered: k.answered,
      items: score.items.length,
    };
  }
  return out;
}

export interface GroupScore {
  name: string;
  label: string;
  /** Responses with a score. Reports must still apply the minimum group size before showing anything. */
  respondents: number;
  /** Mean of the respondents' scale means. */
  mean: number | null;
  /** Positive item answers over all item answers of scored respondents (pooled, as survey reports do). */
  percentPositive: number | null;
}

/** Scores of a group of responses (e.g. a unit in one survey wave). */
export function aggregateScores(
  def: FormDefinition,
  responses: readonly Readonly<Record<string, unknown>>[],
): Record<string, GroupScore> {
  const out: Record<string, GroupScore> = {};
  for (const score of def.scores ?? []) {
    let respondents = 0;
    let meanSum = 0;
    let answered = 0;
    let positive = 0;
    for (const answers of responses) {
      const k = keyedItems(def, score, answers);
      if (k.answered < score.minAnswered) continue;
      respondents += 1;
      meanSum += k.sum / k.answered;
      answered += k.answered;
      positive += k.positive;
    }
    out[score.name] = {
      name: score.name,
      label: score.label,
      respondents,
      mean: respondents > 0 ? meanSum / respondents : null,
      percentPositive: answered > 0 ? (100 * positive) / answered : null,
    };
  }
  return out;
}
