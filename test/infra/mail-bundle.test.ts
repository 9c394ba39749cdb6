import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '#infra/constructs/bundling.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'npcs-mail-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A function that sends the review emails, bundled as every function is (infra/constructs/bundling.ts): the entry
 * imports sendMail, sendOnce and the templates statically, as a workflow task would.
 */
function bundleMailTask() {
  const dir = join(work, 'src');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'handler.ts');
  writeFileSync(
    entry,
    [
      `import { sendMail } from '${join(root, 'shared/mail/send.ts')}';`,
      `import { sendOnce } from '${join(root, 'shared/mail/once.ts')}';`,
      `import { approvedMail } from '${join(root, 'shared/mail/templates/messages.tsx')}';`,
      'export const handler = async (event: { table: never; to: string }) => sendOnce({ table: event.table, occasion: { recordId: "R", submissionId: "S-000001" }, send: sendMail, message: { kind: "approved", to: event.to, ...approvedMail(event as never) } });',
    ].join('\n'),
  );
  const out = join(work, 'out');
  const { metafile } = bundleFunction(entry, out);
  const outputs = metafile.outputs;
  const index = Object.keys(outputs).find((k) => k.endsWith('out/index.mjs'))!;
  const coldStart = new Set<string>();
  const pending = [index];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (coldStart.has(file)) continue;
    coldStart.add(file);
    for (const i of outputs[file]!.imports) if (i.kind === 'import-statement' && !i.external) pending.push(i.path);
  }
  const inputsOf = (files: Iterable<string>) => [...files].flatMap((f) => Object.keys(outputs[f]!.inputs));
  const lazy = Object.keys(outputs).filter((f) => f.endsWith('.mjs') && !coldStart.has(f));
  return { coldStartModules: inputsOf(coldStart), lazy, outputs, inputsOf, rootDir: work };
}

describe('a function that sends mail: what its cold start loads', () => {
  const bundle = bundleMailTask();

  it('the templates, sendOnce and sendMail load at cold start; nodemailer and the SES client only on the first send', () => {
    expect(bundle.coldStartModules).toContain('shared/mail/send.ts');
    expect(bundle.coldStartModules).toContain('shared/mail/once.ts');
    expect(bundle.coldStartModules).toContain('shared/mail/templates/messages.tsx');
    expect(bundle.coldStartModules.filter((m) => m.includes('node_modules/nodemailer/'))).toEqual([]);
    // The SES client is the runtime's (not bundled), and imported with import(): never at cold start.
    const index = Object.entries(bundle.outputs).find(([k]) => k.endsWith('out/index.mjs'))![1];
    expect(index.imports.filter((i) => i.path.startsWith('@aws-sdk/client-sesv2') && i.kind === 'import-statement')).toEqual([]);
    const nodemailerChunk = bundle.lazy.filter((f) => bundle.inputsOf([f]).some((m) => m.includes('node_modules/nodemailer/')));
    expect(nodemailerChunk).toHaveLength(1);
  });

  it('nodemailer costs the first send about 100 KB of gzipped code at most', () => {
    const lazyBytes = bundle.lazy.map((f) => readFileSync(join(root, f))).reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
    expect(lazyBytes).toBeLessThan(100_000);
  });
}, 60_000);

describe('the mail errors a workflow retries by name keep their names in a minified bundle', () => {
  it('MailTransportError and MailInFlightError (Lambda reports error.name as the errorType Step Functions matches)', async () => {
    const dir = join(work, 'names');
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'handler.ts');
    writeFileSync(
      entry,
      [
        `import { MailTransportError } from '${join(root, 'shared/mail/mailer.ts')}';`,
        `import { MailInFlightError } from '${join(root, 'shared/mail/once.ts')}';`,
        'export const handler = async () => [new MailTransportError("approved", "ESOCKET", undefined).name, new MailInFlightError("approved").name];',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    bundleFunction(entry, out);
    const { handler } = (await import(join(out, 'index.mjs'))) as { handler: () => Promise<string[]> };
    expect(await handler()).toEqual(['MailTransportError', 'MailInFlightError']);
  });
});
