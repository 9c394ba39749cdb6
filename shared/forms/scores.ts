/** Survey scale scores: mean of the keyed items (reverse-scored items flipped) and percent positive. */
import type { FormDefinition, LikertField, ScoreDefinition } from '#forms/types.ts';
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

interface Keyed {
  answered: number;
  sum: number;
  positive: number;
}

function keyedItems(def: FormDefinition, score: ScoreDefinition, answers: Readonly<Record<string, unknown>>): Keyed {
  const out: Keyed = { answered: 0, sum: 0, positive: 0 };
  for (const name of score.items) {
    const field = fieldIndex(def).get(name)?.field as LikertField | undefined;
    const value = answers[name];
    if (!field || !isInteger(value)) continue;
    const values = field.scale.points.map((p) => p.value);
    const low = Math.min(...values);
    const high = Math.max(...values);
    if (value < low || value > high) continue;
    const keyed = field.reverseScored ? low + high - value : value;
    const favorable = score.favorable === 'high' ? keyed >= field.scale.positiveMin : keyed <= low + high - field.scale.positiveMin;
    out.answered += 1;
    out.sum += keyed;
    if (favorable) out.positive += 1;
  }
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
