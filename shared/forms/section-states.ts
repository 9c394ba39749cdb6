/** Where each section of a form stands for a set of answers: what the step indicator and "Continue" go by. */
import type { FormDefinition } from '#forms/types.ts';
import { isAnswered, resolveVisibility } from './conditions.ts';
import { fieldIndex } from './definition.ts';
import type { FormContext } from './types.ts';
import { validateDraft, validateSubmission } from './validate.ts';

export const SECTION_STATES = ['not_started', 'in_progress', 'complete', 'has_errors'] as const;
export type SectionState = (typeof SECTION_STATES)[number];

export interface SectionStatus {
  id: string;
  /** False when the answers hide the section (branching): it is neither asked nor counted. */
  shown: boolean;
  state: SectionState;
}

const topName = (path: string) => path.replace(/[[.].*$/, '');

/**
 * Each section's state, in form order, from the same rules as submission:
 * - has_errors: an answer in the section breaks a rule (a draft rule, or a submission rule on an answered field);
 * - complete: submitting would find nothing to fix in the section;
 * - in_progress: something is answered, but a required question is still open;
 * - not_started: nothing answered and something required open.
 * Hidden sections are `shown: false` and have no answers (hidden answers are dropped), so they read not_started.
 */
export function sectionStates(def: FormDefinition, answers: unknown, ctx?: FormContext): SectionStatus[] {
  const { visibility, answers: kept } = resolveVisibility(def, answers);
  const bag = (kept ?? {}) as Record<string, unknown>;
  const index = fieldIndex(def);
  const sectionOf = (path: string) => index.get(topName(path))?.section.id;
  const invalid = new Set<string>();
  const open = new Set<string>();
  const draft = validateDraft(def, answers, ctx);
  if (!draft.ok) for (const e of draft.errors) invalid.add(sectionOf(e.field) ?? '');
  const full = validateSubmission(def, answers, ctx);
  if (!full.ok) {
    for (const e of full.errors) {
      const id = sectionOf(e.field) ?? '';
      // A missing answer leaves the section open; a rule broken by a given answer is an error to fix.
      if (isAnswered(valueAt(bag, e.field))) invalid.add(id);
      else open.add(id);
    }
  }
  return def.sections.map((section) => {
    const shown = visibility.sections[section.id] === true;
    const touched = section.fields.some((f) => isAnswered(bag[f.name]));
    const state: SectionState = invalid.has(section.id) ? 'has_errors' : !open.has(section.id) ? 'complete' : touched ? 'in_progress' : 'not_started';
    return { id: section.id, shown, state };
  });
}

/** The value at an error path: `field`, `group[2]` or `group[2].field`. */
function valueAt(answers: Record<string, unknown>, path: string): unknown {
  const m = /^([^[]+)(?:\[(\d+)\](?:\.(.+))?)?$/.exec(path);
  if (!m) return undefined;
  const top = answers[m[1]!];
  if (m[2] === undefined) return top;
  const entry = Array.isArray(top) ? (top[Number(m[2])] as unknown) : undefined;
  if (m[3] === undefined) return entry;
  return typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[m[3]] : undefined;
}

/** The first shown section that is not complete (where "Continue" reopens a draft); undefined when all are. */
export function firstOpenSection(states: readonly SectionStatus[]): string | undefined {
  return states.find((s) => s.shown && s.state !== 'complete')?.id;
}
