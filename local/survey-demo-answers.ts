/**
 * Plausible, reproducible survey answers for the demo data and the bench: each unit has its own climate, each
 * person their own leaning, and people skip a few items. Driven by the form definition (its scales and their items),
 * so a new survey version needs no change here. Not random per run: the same seed gives the same answers.
 */
import { choicesOf, fieldIndex, leafFields } from '#shared/forms/definition.ts';
import type { FormDefinition, LikertField } from '#forms/types.ts';

/** mulberry32: a tiny seeded generator; Math.random cannot be seeded, and demo data must not change per start. */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353), (h = (h << 13) | (h >>> 19));
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoAnswersOptions {
  definition: FormDefinition;
  /** Unit code -> number of respondents. */
  unitSizes: Readonly<Record<string, number>>;
  seed: string;
  /** Added to every unit's climate (in points of a 5-point scale): a later wave that improved. */
  shift?: number;
  /** Share of items a person skips (default 0.04). */
  skipRate?: number;
}

/** Answers of every respondent, each with its `unit`, in unit order. */
export function demoAnswers(options: DemoAnswersOptions): Record<string, unknown>[] {
  const { definition, unitSizes, seed, shift = 0, skipRate = 0.04 } = options;
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const fields = fieldIndex(definition);
  const contextFields = leafFields(definition).filter((f) => f.tags.role === 'dimension' && f.type === 'single_choice');
  const out: Record<string, unknown>[] = [];
  for (const [unit, size] of Object.entries(unitSizes)) {
    // Climate per unit and scale, on a 0-1 position within the scale (0.6 = a little above the middle).
    const climate = new Map((definition.scores ?? []).map((s) => [s.name, 0.58 + 0.12 * normal() + shift / 4]));
    for (let n = 0; n < size; n++) {
      const answers: Record<string, unknown> = { unit };
      for (const field of contextFields) answers[field.name] = pick(choicesOf(field) ?? []).code;
      const leaning = 0.1 * normal();
      for (const score of definition.scores ?? []) {
        const position = (climate.get(score.name) ?? 0.6) + leaning;
        for (const name of score.items) {
          if (random() < skipRate) continue;
          const field = fields.get(name)?.field as LikertField;
          const values = field.scale.points.map((p) => p.value);
          const low = Math.min(...values);
          const high = Math.max(...values);
          // A good position means a high keyed value on 'high' scales and a low one on 'low' scales (exhaustion).
          const keyed = score.favorable === 'high' ? position : 1 - position;
          const raw = Math.round(low + (high - low) * Math.min(1, Math.max(0, keyed + 0.18 * normal())));
          answers[name] = field.reverseScored ? low + high - raw : raw;
        }
      }
      out.push(answers);
    }
  }
  return out;
}
