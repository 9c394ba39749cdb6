/**
 * The shared data dictionary, generated from the definitions: REDCap's dictionary columns plus the
 * version a variable was added and last changed, its privacy tags, and a changelog between versions.
 */
import { toCsv } from '#shared/csv.ts';
import type { Field, FormDefinition, Item } from '#forms/types.ts';
import { describeCondition, effectiveCondition } from './conditions.ts';
import { choicesOf, fieldIndex, type FieldEntry } from './definition.ts';
import { FLAG_SEPARATOR } from './export-columns.ts';
import { canonicalJson, compareVersions } from './versioning.ts';

export interface DictionaryRow {
  form_id: string;
  form_name: string;
  form_version: number;
  version_status: string;
  variable_name: string;
  section_header: string;
  /** The repeating group (long-format export table) the variable belongs to, if any. */
  repeating_group: string;
  field_type: string;
  field_label: string;
  field_note: string;
  /** `code, label | code, label` as in REDCap. */
  choices: string;
  validation: string;
  branching_logic: string;
  required_field: 'y' | '';
  identifier: 'y' | '';
  sensitivity: string;
  deid_rule: string;
  aggregation_role: string;
  construct: string;
  reverse_scored: 'y' | '';
  /** Export columns of the variable (several for a multiple choice). */
  export_columns: string;
  version_added: number;
  /** The latest version in which the variable's definition changed; empty if never. */
  version_changed: number | '';
}

export const DICTIONARY_COLUMNS: readonly (keyof DictionaryRow)[] = [
  'form_id',
  'form_name',
  'form_version',
  'version_status',
  'variable_name',
  'section_header',
  'repeating_group',
  'field_type',
  'field_label',
  'field_note',
  'choices',
  'validation',
  'branching_logic',
  'required_field',
  'identifier',
  'sensitivity',
  'deid_rule',
  'aggregation_role',
  'construct',
  'reverse_scored',
  'export_columns',
  'version_added',
  'version_changed',
];

export interface ChangelogRow {
  form_id: string;
  from_version: number | '';
  to_version: number;
  variable_name: string;
  change: 'published' | 'added' | 'removed' | 'changed';
  details: string;
  breaking: 'y' | '';
  /** The reason the new version gives for a breaking change it declares. */
  declared_reason: string;
}

export const CHANGELOG_COLUMNS: readonly (keyof ChangelogRow)[] = [
  'form_id',
  'from_version',
  'to_version',
  'variable_name',
  'change',
  'details',
  'breaking',
  'declared_reason',
];

function validationText(field: Item): string {
  switch (field.type) {
    case 'short_text':
      return [`text, up to ${field.maxLength} characters`, field.minLength ? `at least ${field.minLength}` : '', field.pattern?.message ?? '']
        .filter(Boolean)
        .join('; ');
    case 'long_text':
      return `text, up to ${field.maxLength} characters${field.minLength ? `, at least ${field.minLength}` : ''}`;
    case 'email':
      return `email address, up to ${field.maxLength} characters`;
    case 'integer':
      return `whole number ${field.min} to ${field.max}`;
    case 'decimal':
      return `number ${field.min} to ${field.max}, up to ${field.decimals} decimals`;
    case 'date':
      return [
        'date YYYY-MM-DD',
        field.min ? `from ${field.min}` : '',
        field.max ? `until ${field.max}` : '',
        field.notInFuture ? 'not in the future' : '',
        field.notBefore ? `not before ${field.notBefore.field}` : '',
      ]
        .filter(Boolean)
        .join('; ');
    case 'year':
      return [`year from ${field.min}${field.max ? ` to ${field.max}` : ''}`, field.notInFuture ? 'not in the future' : '']
        .filter(Boolean)
        .join('; ');
    case 'multiple_choice': {
      const alone = field.choices.filter((c) => c.exclusive).map((c) => c.code);
      return [
        'one or more codes',
        field.minSelected ? `at least ${field.minSelected}` : '',
        field.maxSelected ? `at most ${field.maxSelected}` : '',
        alone.length > 0 ? `${alone.join(', ')} cannot be combined with others` : '',
      ]
        .filter(Boolean)
        .join('; ');
    }
    case 'likert': {
      const values = field.scale.points.map((p) => p.value);
      return `${Math.min(...values)} to ${Math.max(...values)} (${field.scale.id}); positive from ${field.scale.positiveMin}${field.reverseScored ? '; reverse-scored' : ''}`;
    }
    case 'rating':
      return '0 to 3';
    case 'lookup':
      return `a code from the "${field.lookup}" list (set per jurisdiction)`;
    case 'group':
      return `repeats ${field.minItems} to ${field.maxItems} times`;
    default:
      return 'one code';
  }
}

function choicesText(field: Item): string {
  if (field.type === 'likert') return field.scale.points.map((p) => `${p.value}, ${p.label}`).join(' | ');
  if (field.type === 'rating') return field.anchors.map((label, i) => `${i}, ${label}`).join(' | ');
  if (field.type === 'lookup') return `(run-time list: ${field.lookup})`;
  return (choicesOf(field) ?? []).map((c) => `${c.code}, ${c.label}`).join(' | ');
}

function exportColumnsText(field: Item, group: string): string {
  if (field.type === 'group') return `table ${field.name} (record_id, instance, ...)`;
  const table = group ? `${group}.` : '';
  if (field.type === 'multiple_choice') return field.choices.map((c) => `${table}${field.name}${FLAG_SEPARATOR}${c.code}`).join(' ');
  return `${table}${field.name}`;
}

function fingerprint(entry: FieldEntry): string {
  const { fields: _fields, ...own } = entry.field as Item & { fields?: unknown };
  return canonicalJson({ own, section: entry.section.id, group: entry.group?.name ?? null });
}

function scoreFingerprint(def: FormDefinition, name: string): string | undefined {
  const score = def.scores?.find((s) => s.name === name);
  return score ? canonicalJson(score) : undefined;
}

/** Version added and last changed, per variable, for one version of a form given all its versions. */
function history(
  versions: readonly FormDefinition[],
  at: number,
  print: (def: FormDefinition) => string | undefined,
): { added: number; changed: number | '' } {
  let added = at;
  let changed: number | '' = '';
  for (let i = versions.findIndex((d) => d.version === at); i > 0; i--) {
    const current = versions[i] as FormDefinition;
    const previous = print(versions[i - 1] as FormDefinition);
    if (previous === undefined) break;
    if (changed === '' && previous !== print(current)) changed = current.version;
    added = (versions[i - 1] as FormDefinition).version;
  }
  return { added, changed };
}

function fieldRow(def: FormDefinition, versions: readonly FormDefinition[], entry: FieldEntry): DictionaryRow {
  const field = entry.field;
  const leaf = field.type === 'group' ? undefined : (field as Field);
  const condition = effectiveCondition(def, field.name);
  const { added, changed } = history(versions, def.version, (d) => {
    const e = fieldIndex(d).get(field.name);
    return e ? fingerprint(e) : undefined;
  });
  const group = entry.group?.name ?? '';
  return {
    form_id: def.formId,
    form_name: def.title,
    form_version: def.version,
    version_status: def.status,
    variable_name: field.name,
    section_header: entry.section.title,
    repeating_group: field.type === 'group' ? field.name : group,
    field_type: field.type,
    field_label: field.label,
    field_note: field.help ?? '',
    choices: choicesText(field),
    validation: validationText(field),
    branching_logic: condition ? describeCondition(def, condition) : '',
    required_field: leaf?.required ? 'y' : '',
    identifier: field.tags.sensitivity === 'direct_identifier' ? 'y' : '',
    sensitivity: field.tags.sensitivity,
    deid_rule: field.tags.deid === 'band' ? `band at ${field.tags.bands?.join(', ')}` : field.tags.deid,
    aggregation_role: field.tags.role,
    construct: leaf?.construct ?? '',
    reverse_scored: leaf?.type === 'likert' && leaf.reverseScored ? 'y' : '',
    export_columns: exportColumnsText(field, group),
    version_added: added,
    version_changed: changed,
  };
}

function scoreRows(def: FormDefinition, versions: readonly FormDefinition[]): DictionaryRow[] {
  return (def.scores ?? []).flatMap((score) => {
    const { added, changed } = history(versions, def.version, (d) => scoreFingerprint(d, score.name));
    const reversed = score.items.filter((n) => {
      const f = fieldIndex(def).get(n)?.field;
      return f?.type === 'likert' && f.reverseScored;
    });
    const items = `${score.items.join(', ')}${reversed.length > 0 ? `; reverse-scored: ${reversed.join(', ')}` : ''}`;
    const common = {
      form_id: def.formId,
      form_name: def.title,
      form_version: def.version,
      version_status: def.status,
      section_header: 'Computed scores',
      repeating_group: '',
      field_type: 'computed',
      field_note: '',
      choices: '',
      branching_logic: '',
      required_field: '' as const,
      identifier: '' as const,
      sensitivity: 'none',
      deid_rule: 'keep',
      aggregation_role: 'measure',
      construct: score.construct,
      reverse_scored: '' as const,
      version_added: added,
      version_changed: changed,
    };
    const favorable = score.favorable === 'high' ? 'at or above' : 'at or below the mirror of';
    return [
      {
        ...common,
        variable_name: `${score.name}_mean`,
        field_label: `${score.label}: scale mean`,
        validation: `mean of answered items (${items}); empty when fewer than ${score.minAnswered} answered`,
        export_columns: `${score.name}_mean`,
      },
      {
        ...common,
        variable_name: `${score.name}_pct_positive`,
        field_label: `${score.label}: percent positive`,
        validation: `percent of answered items ${favorable} the scale's positive point after reverse-scoring (favorable: ${score.favorable}); empty when fewer than ${score.minAnswered} answered`,
        export_columns: `${score.name}_pct_positive`,
      },
    ];
  });
}

function byForm(definitions: readonly FormDefinition[]): Map<string, FormDefinition[]> {
  const forms = new Map<string, FormDefinition[]>();
  for (const def of definitions) forms.set(def.formId, [...(forms.get(def.formId) ?? []), def]);
  for (const defs of forms.values()) defs.sort((a, b) => a.version - b.version);
  return new Map([...forms.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** One row per variable (and computed score) of every version of every form. */
export function dictionaryRows(definitions: readonly FormDefinition[]): DictionaryRow[] {
  const rows: DictionaryRow[] = [];
  for (const versions of byForm(definitions).values()) {
    for (const def of versions) {
      for (const entry of fieldIndex(def).values()) rows.push(fieldRow(def, versions, entry));
      rows.push(...scoreRows(def, versions));
    }
  }
  return rows;
}

/** What changed from each version of a form to the next (and when each form was first published). */
export function changelogRows(definitions: readonly FormDefinition[]): ChangelogRow[] {
  const rows: ChangelogRow[] = [];
  for (const versions of byForm(definitions).values()) {
    versions.forEach((def, i) => {
      const prev = versions[i - 1];
      if (!prev) {
        rows.push({
          form_id: def.formId,
          from_version: '',
          to_version: def.version,
          variable_name: '',
          change: 'published',
          details: `first version: ${fieldIndex(def).size} variables, ${def.scores?.length ?? 0} computed scores`,
          breaking: '',
          declared_reason: '',
        });
        return;
      }
      const declared = new Map((def.breakingChanges ?? []).map((b) => [b.field, b.reason]));
      for (const c of compareVersions(prev, def)) {
        rows.push({
          form_id: def.formId,
          from_version: prev.version,
          to_version: def.version,
          variable_name: c.field,
          change: c.change,
          details: [...c.breaking, ...c.details].join('; '),
          breaking: c.breaking.length > 0 ? 'y' : '',
          declared_reason: declared.get(c.field) ?? '',
        });
      }
    });
  }
  return rows;
}

export function dictionaryCsv(rows: readonly DictionaryRow[]): string {
  return toCsv(rows, DICTIONARY_COLUMNS);
}

export function changelogCsv(rows: readonly ChangelogRow[]): string {
  return toCsv(rows, CHANGELOG_COLUMNS);
}
