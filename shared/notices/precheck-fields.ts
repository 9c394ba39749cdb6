/**
 * Which text of a safety notice the pre-publication check reads (docs/notices.md, "Pre-publication check"): every
 * free-text answer (`short_text` and `long_text`) of the notice's own form version, group entries included, in form
 * order, with the label the author saw. Taken from the definition, so a new form version needs no change here.
 */
import type { FormDefinition } from '#forms/types.ts';

export interface NoticeText {
  /** The answer's path: `systemic_issue`, or `actions[0].action` inside a repeating group. */
  field: string;
  label: string;
  text: string;
}

const TEXT_TYPES: ReadonlySet<string> = new Set(['short_text', 'long_text']);

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const answered = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

export function noticeTexts(def: FormDefinition, answers: Readonly<Record<string, unknown>>): NoticeText[] {
  const texts: NoticeText[] = [];
  for (const section of def.sections) {
    for (const item of section.fields) {
      if (item.type !== 'group') {
        const value = answers[item.name];
        if (TEXT_TYPES.has(item.type) && answered(value)) texts.push({ field: item.name, label: item.label, text: value });
        continue;
      }
      const entries = Array.isArray(answers[item.name]) ? (answers[item.name] as unknown[]) : [];
      entries.forEach((entry, index) => {
        const values = (entry ?? {}) as Record<string, unknown>;
        const noun = `${capitalize(item.itemNoun.one)} ${index + 1}`;
        for (const field of item.fields) {
          const value = values[field.name];
          if (!TEXT_TYPES.has(field.type) || !answered(value)) continue;
          // "Action 1" rather than "Action 1: Action" when the entry's one field is named like the entry.
          const label = field.label.toLowerCase() === item.itemNoun.one.toLowerCase() ? noun : `${noun}: ${field.label}`;
          texts.push({ field: `${item.name}[${index}].${field.name}`, label, text: value });
        }
      });
    }
  }
  return texts;
}
