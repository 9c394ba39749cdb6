/** Which answers changed, by variable name only: what the audit trail may say about a change. */
import type { Answers } from '#shared/forms/types.ts';

// Not `import ... from 'node:util'`: an ES import of a builtin makes Node build its whole namespace, which loads
// node:util's lazy parts (parseArgs, diff, MIMEType...) at cold start: ~10 M instructions of module init.
const { isDeepStrictEqual } = process.getBuiltinModule('node:util');

const isEntry = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A list of entries, i.e. a repeating group's answer (an empty list has no entries, so it counts either way). */
const isGroup = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && v.every(isEntry);

/**
 * Sorted names of the variables whose answers differ (added, removed or changed). A changed repeating group
 * contributes its own name and the names of its fields that differ in any entry (field names are unique in a
 * form, group fields included, so they are the data dictionary's variable names).
 */
export function changedFieldNames(before: Answers, after: Answers): string[] {
  const names = new Set<string>();
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a: unknown = before[name];
    const b: unknown = after[name];
    if (isDeepStrictEqual(a, b)) continue;
    names.add(name);
    // Anything but a group stands for no entries, so two other values compare nothing here.
    const left = isGroup(a) ? a : [];
    const right = isGroup(b) ? b : [];
    // Stryker disable next-line EqualityOperator: `<=` only adds an index past both ends, two empty entries
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const x = left[i] ?? {};
      const y = right[i] ?? {};
      for (const field of new Set([...Object.keys(x), ...Object.keys(y)])) if (!isDeepStrictEqual(x[field], y[field])) names.add(field);
    }
  }
  return [...names].sort();
}
