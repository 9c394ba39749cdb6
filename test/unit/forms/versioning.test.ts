import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORM_VERSIONS, safetyNoticeV1, safetyNoticeV2 } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { NotFoundError } from '#shared/errors.ts';
import { exportLayout, mergeLayouts } from '#shared/forms/export-columns.ts';
import { assertPlatformForms, createRegistry, formRegistry, getForm, latestVersion } from '#shared/forms/registry.ts';
import { sampleSafetyNotice, sampleSafetyNoticeV1 } from '#shared/forms/samples.ts';
import { validateSubmission } from '#shared/forms/validate.ts';
import {
  canonicalJson,
  checkCompatibility,
  compareVersions,
  definitionHash,
  extendLock,
  lockProblems,
  type LockFile,
} from '#shared/forms/versioning.ts';
import { TEST_CONTEXT } from './fixtures.ts';

const lock = JSON.parse(readFileSync(new URL('../../../forms/published.lock.json', import.meta.url), 'utf8')) as LockFile;

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type Def = Mutable<FormDefinition>;

/** A copy of the latest safety notice as a new version, edited by `edit`. */
function nextVersion(edit: (d: Def) => void, from: FormDefinition = safetyNoticeV2): FormDefinition {
  const def = structuredClone(from) as Def;
  def.version = from.version + 1;
  edit(def);
  return def as FormDefinition;
}
const fields = (d: Def) => d.sections.flatMap((s) => s.fields);
const field = (d: Def, name: string) => fields(d).find((f) => f.name === name) as Record<string, unknown>;
const removeField = (d: Def, name: string) => {
  for (const s of d.sections) s.fields = s.fields.filter((f) => f.name !== name);
};

describe('published versions are locked', () => {
  it('every published version matches its hash in forms/published.lock.json', () => {
    expect(lockProblems(formRegistry.all(), lock)).toStrictEqual([]);
  });

  it('detects a published version edited in place', () => {
    const edited = nextVersion((d) => {
      d.version = 2;
      field(d, 'title').label = 'Headline';
    });
    const problems = lockProblems([edited, ...FORM_VERSIONS.filter((d) => d !== safetyNoticeV2)], lock);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/safety_notice v2 was published and has changed/);
  });

  it('detects a published version that was removed, demoted or never locked', () => {
    const withoutLatest = FORM_VERSIONS.filter((d) => d !== safetyNoticeV2);
    expect(lockProblems(withoutLatest, lock)).toStrictEqual([
      'safety_notice v2 is locked but missing from the registry: published versions must stay readable',
    ]);
    const demoted = nextVersion((d) => {
      d.version = 2;
      d.status = 'draft';
    });
    expect(lockProblems([...withoutLatest, demoted], lock)).toStrictEqual(['safety_notice v2 is locked but no longer marked published']);
    const v3 = nextVersion((d) => void (d.status = 'published'));
    expect(lockProblems([...FORM_VERSIONS, v3], lock)).toStrictEqual([
      'safety_notice v3 is published but not locked: run npx tsx scripts/lock-forms.ts',
    ]);
  });

  it('extends the lock with new versions without rewriting existing entries', () => {
    const v3 = nextVersion((d) => void (d.status = 'published'));
    const tampered: LockFile = { forms: { ...lock.forms, safety_notice: { ...lock.forms.safety_notice, '1': 'sha256:old' } } };
    const { lock: next, added } = extendLock([...FORM_VERSIONS, v3], tampered);
    expect(added).toStrictEqual(['safety_notice v3']);
    expect(next.forms.safety_notice).toStrictEqual({ '1': 'sha256:old', '2': definitionHash(safetyNoticeV2), '3': definitionHash(v3) });
  });

  it('hashes content, not key order', () => {
    const reordered = Object.fromEntries(Object.entries(safetyNoticeV2).reverse()) as unknown as FormDefinition;
    expect(definitionHash(reordered)).toBe(definitionHash(safetyNoticeV2));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });
});

describe('compatibility between consecutive versions', () => {
  it('holds for every form in the registry', () => {
    for (const formId of formRegistry.formIds()) {
      const versions = formRegistry.versions(formId);
      for (let i = 1; i < versions.length; i++) {
        expect(checkCompatibility(versions[i - 1] as FormDefinition, versions[i] as FormDefinition).undeclared).toStrictEqual([]);
      }
    }
  });

  it('safety notice v2 declares that its list of actions replaces recommended_actions, and nothing else breaks', () => {
    const { breakingChanges: _declared, ...undeclared } = safetyNoticeV2;
    expect(checkCompatibility(safetyNoticeV1, undeclared as FormDefinition).undeclared.map((c) => [c.field, c.breaking])).toStrictEqual([
      ['recommended_actions', ['field removed']],
    ]);
    expect(safetyNoticeV2.breakingChanges.map((b) => b.field)).toStrictEqual(['recommended_actions']);
    expect(checkCompatibility(safetyNoticeV1, safetyNoticeV2)).toStrictEqual({ ok: true, undeclared: [] });
  });

  it('fails on a removed field unless the new version declares it', () => {
    const next = nextVersion((d) => removeField(d, 'title'));
    expect(checkCompatibility(safetyNoticeV2, next)).toMatchObject({
      ok: false,
      undeclared: [{ field: 'title', change: 'removed', breaking: ['field removed'] }],
    });
    const declared = nextVersion((d) => {
      removeField(d, 'title');
      d.breakingChanges = [{ field: 'title', reason: 'Titles duplicated the systemic issue' }];
    });
    expect(checkCompatibility(safetyNoticeV2, declared)).toStrictEqual({ ok: true, undeclared: [] });
  });

  it('fails on a changed choice code, a narrowed limit and a changed type', () => {
    const next = nextVersion((d) => {
      const type = field(d, 'notice_type');
      type.choices = [{ code: 'alert', label: 'Alert' }, { code: 'advisory', label: 'Advisory' }, { code: 'lesson', label: 'Lesson learned' }];
      field(d, 'systemic_issue').maxLength = 2000;
      field(d, 'title').type = 'email';
    });
    const { undeclared } = checkCompatibility(safetyNoticeV2, next);
    expect(undeclared.map((c) => [c.field, c.breaking])).toStrictEqual([
      ['notice_type', ['choice codes removed: lesson_learned']],
      ['title', ['type short_text -> email']],
      ['systemic_issue', ['narrowed maxLength: 4000 -> 2000']],
    ]);
  });

  it('accepts additions, widenings, new codes and wording changes', () => {
    const next = nextVersion((d) => {
      field(d, 'title').type = 'long_text';
      field(d, 'systemic_issue').maxLength = 8000;
      field(d, 'systemic_issue').label = 'What in the system made harm more likely';
      const audience = field(d, 'audience');
      audience.choices = [...(audience.choices as object[]), { code: 'courts', label: 'Courts' }];
      d.sections[0]?.fields.push({ type: 'yes_no_unknown', name: 'urgent', label: 'Urgent', tags: { sensitivity: 'none', deid: 'keep', role: 'dimension' } });
    });
    const result = checkCompatibility(safetyNoticeV2, next);
    expect(result).toStrictEqual({ ok: true, undeclared: [] });
    expect(compareVersions(safetyNoticeV2, next).map((c) => [c.field, c.change, c.details])).toStrictEqual([
      ['title', 'changed', ['type short_text -> long_text']],
      ['systemic_issue', 'changed', ['label: "Systemic issue" -> "What in the system made harm more likely"', 'maxLength: 4000 -> 8000']],
      ['audience', 'changed', ['choice codes added: courts']],
      ['urgent', 'added', []],
    ]);
  });
});

describe('registry', () => {
  it('gets a form version and the latest published version', () => {
    expect(getForm('safety_notice', 1)).toBe(safetyNoticeV1);
    expect(latestVersion('critical_incident_review')).toBe(1);
    expect(latestVersion('safety_notice')).toBe(2);
    expect(formRegistry.formIds()).toStrictEqual(['critical_incident_review', 'safety_culture_survey', 'safety_notice']);
  });

  it('throws NotFoundError with a clear message for an unknown form or version', () => {
    expect(() => getForm('incident_report', 1)).toThrow(NotFoundError);
    expect(() => getForm('incident_report', 1)).toThrow(
      'There is no form "incident_report". Known forms: critical_incident_review, safety_culture_survey, safety_notice',
    );
    expect(() => getForm('safety_notice', 7)).toThrow('Form "safety_notice" has no version 7. Versions: 1, 2');
  });

  it('keeps every version readable and exportable after a new one is published', () => {
    const v2 = nextVersion((d) => {
      d.status = 'draft';
      removeField(d, 'title');
      d.breakingChanges = [{ field: 'title', reason: 'Merged into the systemic issue' }];
      d.sections[0]?.fields.push({ type: 'yes_no_unknown', name: 'urgent', label: 'Urgent', tags: { sensitivity: 'none', deid: 'keep', role: 'dimension' } });
    }, safetyNoticeV1);
    const draftOnly = createRegistry([safetyNoticeV1, v2]);
    expect(draftOnly.latestVersion('safety_notice')).toBe(1);
    const registry = createRegistry([safetyNoticeV1, { ...v2, status: 'published' }]);
    expect(registry.latestVersion('safety_notice')).toBe(2);
    const old = registry.getForm('safety_notice', 1);
    expect(validateSubmission(old, sampleSafetyNoticeV1('ky'), TEST_CONTEXT).ok).toBe(true);
    const merged = mergeLayouts(registry.versions('safety_notice').map(exportLayout));
    const names = merged.main.columns.map((c) => c.name);
    expect(merged.formVersions).toStrictEqual([1, 2]);
    expect(names).toContain('title');
    expect(names).toContain('urgent');
  });

  it('new safety notices are written with v2, and notices stored with v1 stay valid and exportable with v1', () => {
    expect(formRegistry.latest('safety_notice')).toBe(safetyNoticeV2);
    expect(validateSubmission(safetyNoticeV2, sampleSafetyNotice('ky'), TEST_CONTEXT).ok).toBe(true);
    expect(validateSubmission(getForm('safety_notice', 1), sampleSafetyNoticeV1('ky'), TEST_CONTEXT).ok).toBe(true);
    // A v1 answer is not a v2 question: a v1 record is never read with v2.
    const asV2 = validateSubmission(safetyNoticeV2, sampleSafetyNoticeV1('ky'), TEST_CONTEXT);
    expect(asV2.ok ? [] : asV2.errors).toContainEqual({ field: 'recommended_actions', message: 'This is not a question on this form' });
    const merged = mergeLayouts(formRegistry.versions('safety_notice').map(exportLayout));
    expect(merged.formVersions).toStrictEqual([1, 2]);
    expect(merged.main.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['recommended_actions', 'evidence', 'acknowledge_by', 'act_by', 'contact_role']));
    expect(merged.repeating.find((t) => t.name === 'actions')?.columns.map((c) => c.name)).toContain('action');
  });

  it('refuses gaps in version numbers and unsound definitions', () => {
    expect(() => createRegistry([safetyNoticeV1, { ...safetyNoticeV1, version: 3 }])).toThrow(/versions 1, 2, 3/);
    const broken = nextVersion((d) => {
      d.version = 1;
      field(d, 'notice_date').condition = { field: 'contact_mailbox', answered: true };
    });
    expect(() => createRegistry([broken])).toThrow(/does not come earlier/);
  });

  it('the platform forms pass the checks the CDK app runs on every synth (the functions do not repeat them)', () => {
    expect(() => assertPlatformForms()).not.toThrow();
    expect(formRegistry.all()).toHaveLength(createRegistry(formRegistry.all()).all().length);
  });
});
