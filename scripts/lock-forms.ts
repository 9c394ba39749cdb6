/**
 * Locks newly published form versions: adds their content hash to forms/published.lock.json.
 * Refuses (exit 1) when a locked version changed or vanished, or when a version to lock has undeclared
 * breaking changes against the previous one. `--check` only reports (for CI): exit 1 if the lock is stale.
 *   npx tsx scripts/lock-forms.ts [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertPlatformForms, formRegistry } from '#shared/forms/registry.ts';
import { checkCompatibility, extendLock, lockProblems, type LockFile } from '#shared/forms/versioning.ts';

const lockPath = fileURLToPath(new URL('../forms/published.lock.json', import.meta.url));
const checkOnly = process.argv.includes('--check');

const current: LockFile = existsSync(lockPath) ? (JSON.parse(readFileSync(lockPath, 'utf8')) as LockFile) : { forms: {} };
assertPlatformForms();
const defs = formRegistry.all();

const fatal = lockProblems(defs, current).filter((p) => !p.includes('not locked'));
for (const formId of formRegistry.formIds()) {
  const versions = formRegistry.versions(formId);
  for (let i = 1; i < versions.length; i++) {
    const prev = versions[i - 1];
    const next = versions[i];
    if (!prev || !next || next.status !== 'published') continue;
    for (const change of checkCompatibility(prev, next).undeclared) {
      fatal.push(`${formId} v${next.version}: undeclared breaking change to ${change.field} (${change.breaking.join('; ')}); declare it in breakingChanges`);
    }
  }
}
if (fatal.length > 0) {
  console.error(`Not locking:\n- ${fatal.join('\n- ')}`);
  process.exit(1);
}

const { lock, added } = extendLock(defs, current);
if (added.length === 0 && existsSync(lockPath)) {
  console.log(`${lockPath}: up to date (${Object.values(lock.forms).reduce((n, v) => n + Object.keys(v).length, 0)} published versions)`);
} else if (checkOnly) {
  console.error(`${lockPath} is missing published versions: ${added.join(', ')}. Run npx tsx scripts/lock-forms.ts`);
  process.exit(1);
} else {
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`${lockPath}: locked ${added.join(', ')}`);
}
