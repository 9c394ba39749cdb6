/**
 * SQL over the warehouse's dataset files with DuckDB, the local stand-in for Athena (docs/warehouse.md, "Querying
 * locally"):
 *   npm run warehouse -- "SELECT ... FROM critical_incident_review_v1 ..."   runs a query
 *   npm run warehouse                                                         lists the views and their columns
 *   npm run warehouse -- --demo 2000                                          writes a demo release of synthetic reviews
 *   npm run warehouse -- --pull                                               copies the running platform's release (npm start)
 * The folder is WAREHOUSE_DIR (default .local/warehouse), laid out as the exports bucket.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_WAREHOUSE_DIR, formatTable, openWarehouse, pullLocalRelease, writeDatasetObjects } from '#local/warehouse.ts';
import { demoReleaseFiles, syntheticReviews } from '#local/warehouse-demo.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { demo: { type: 'string' }, pull: { type: 'boolean' } } });
const dir = path.resolve(process.env.WAREHOUSE_DIR || DEFAULT_WAREHOUSE_DIR);

if (values.pull) {
  // The S3 emulator's port: the one `npm start` uses (LOCAL_PORT_BASE + 1, or 4569), as README's table says.
  const base = Number(process.env.LOCAL_PORT_BASE || 0);
  const endpoint = `http://127.0.0.1:${base ? base + 1 : 4569}`;
  const { bucket, files } = await pullLocalRelease(dir, endpoint);
  console.log(`copied ${files} warehouse files of ${bucket} (${endpoint}) under ${dir}`);
}

if (values.demo !== undefined) {
  const count = Number(values.demo);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--demo takes a number of reviews (got "${values.demo}").`);
  const releaseId = `demo-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
  const objects = demoReleaseFiles(syntheticReviews(count), releaseId);
  writeDatasetObjects(dir, objects);
  console.log(`wrote release ${releaseId} (${count} synthetic reviews, ${objects.length} files) under ${dir}`);
}

const warehouse = await openWarehouse(dir);
try {
  for (const v of warehouse.views) {
    if (v.releases.length > 1) console.error(`warning: ${v.name} has files of ${v.releases.length} releases (${v.releases.join(', ')}): each record is counted once per release.`);
  }
  const [sql] = positionals;
  if (sql) {
    // A mistyped query is the user's to fix: DuckDB's message says where, a stack trace would not help.
    const result = await warehouse.query(sql).catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
      return undefined;
    });
    if (result) console.log(formatTable(result.columns, result.rows));
  } else if (values.demo === undefined && !values.pull) {
    if (warehouse.views.length === 0) console.log(`No dataset files under ${dir}. Write a demo release with: npm run warehouse -- --demo 2000`);
    for (const v of warehouse.views) {
      const { rows } = await warehouse.query(`DESCRIBE "${v.name}"`);
      console.log(`${v.name} (${v.formId} version ${v.version}, ${v.files} files): ${rows.map((r) => `${r.column_name} ${r.column_type}`).join(', ')}\n`);
    }
  }
} finally {
  warehouse.close();
}
