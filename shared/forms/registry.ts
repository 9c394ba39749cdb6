/**
 * The registry of form versions: every version of every form stays here, so records of any version can be
 * read, validated and exported with the definition they were written with.
 */
import { NotFoundError } from '#shared/errors.ts';
import { FORM_VERSIONS } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { assertValidDefinition } from './check-definition.ts';

export interface FormRegistry {
  /** One version of a form; NotFoundError for an unknown form or version. */
  getForm(formId: string, version: number): FormDefinition;
  /** The newest published version number; NotFoundError if the form has none. */
  latestVersion(formId: string): number;
  /** The newest published version. */
  latest(formId: string): FormDefinition;
  /** All versions of a form, oldest first. */
  versions(formId: string): FormDefinition[];
  formIds(): string[];
  /** Every version of every form. */
  all(): FormDefinition[];
}

/** Builds a registry, refusing unsound definitions, duplicate versions and gaps in the version numbers. */
export function createRegistry(definitions: readonly FormDefinition[]): FormRegistry {
  for (const def of definitions) assertValidDefinition(def);
  return indexDefinitions(definitions);
}

/** Refuses (throws) if one of the platform's form definitions is unsound. */
export function assertPlatformForms(): void {
  for (const def of FORM_VERSIONS) assertValidDefinition(def);
}

function indexDefinitions(definitions: readonly FormDefinition[]): FormRegistry {
  const byForm = new Map<string, FormDefinition[]>();
  for (const def of definitions) byForm.set(def.formId, [...(byForm.get(def.formId) ?? []), def]);
  for (const [formId, defs] of byForm) {
    defs.sort((a, b) => a.version - b.version);
    defs.forEach((d, i) => {
      if (d.version !== i + 1) throw new Error(`Form ${formId} must have versions 1, 2, 3...; found ${defs.map((x) => x.version).join(', ')}`);
    });
  }
  const known = (): string => [...byForm.keys()].sort().join(', ');
  const versionsOf = (formId: string): FormDefinition[] => {
    const defs = byForm.get(formId);
    if (!defs) throw new NotFoundError(`There is no form "${formId}". Known forms: ${known()}`);
    return defs;
  };
  const latest = (formId: string): FormDefinition => {
    const published = versionsOf(formId).filter((d) => d.status === 'published');
    const last = published[published.length - 1];
    if (!last) throw new NotFoundError(`Form "${formId}" has no published version yet`);
    return last;
  };
  return {
    getForm(formId, version) {
      const defs = versionsOf(formId);
      const def = defs.find((d) => d.version === version);
      if (!def) {
        throw new NotFoundError(
          `Form "${formId}" has no version ${String(version)}. Versions: ${defs.map((d) => d.version).join(', ')}`,
        );
      }
      return def;
    },
    latestVersion: (formId) => latest(formId).version,
    latest,
    versions: (formId) => [...versionsOf(formId)],
    formIds: () => [...byForm.keys()].sort(),
    all: () => [...byForm.values()].flat(),
  };
}

/**
 * The platform's forms. Their definitions are static, so their soundness is checked where the bundles are built
 * (assertPlatformForms() on every CDK synth: a broken definition cannot be deployed) and by the unit tests, not
 * again at the cold start of every function that bundles them (1.5 ms and 6 KB of checks there).
 */
export const formRegistry: FormRegistry = indexDefinitions(FORM_VERSIONS);

export const getForm = (formId: string, version: number): FormDefinition => formRegistry.getForm(formId, version);
export const latestVersion = (formId: string): number => formRegistry.latestVersion(formId);
