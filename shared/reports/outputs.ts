/**
 * The files of a release (docs/reports.md, "Outputs"): each table as CSV, JSON and Parquet in one long layout (a row
 * per jurisdiction and category, totals included), the document the pages render (`report.json`), the report's HTML
 * fragment, and a manifest that lists every file with its row count and SHA-256, the rules applied and the form
 * versions read. A suppressed cell has no count in any format: an empty CSV cell, `null`, a Parquet null.
 */
import { createHash } from 'node:crypto';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { toCsv } from '#shared/csv.ts';
import type { ReleaseCell, ReleaseDocument, ReleaseTable } from './model.ts';
import { CONTENT_TYPES, type ReleaseFile } from './store.ts';

/** One row of a table file. */
export interface TableFileRow {
  period_id: string;
  span: string;
  jurisdiction_id: string;
  jurisdiction: string;
  category: string;
  category_label: string;
  count: number | null;
  /** '' when shown; `primary` or `secondary` when suppressed. */
  suppressed: string;
}

export const TABLE_FILE_COLUMNS = ['period_id', 'span', 'jurisdiction_id', 'jurisdiction', 'category', 'category_label', 'count', 'suppressed'] as const;

export function tableRows(doc: ReleaseDocument, table: ReleaseTable): TableFileRow[] {
  const row = (jurisdictionId: string, jurisdiction: string, category: string, label: string, cell: ReleaseCell): TableFileRow => ({
    period_id: doc.period.id,
    span: table.span,
    jurisdiction_id: jurisdictionId,
    jurisdiction,
    category,
    category_label: label,
    count: cell.shown ? cell.value : null,
    suppressed: cell.shown ? '' : cell.suppression,
  });
  return table.rows.flatMap((r) => [
    ...r.cells.map((cell, i) => row(r.key, r.label, table.columns[i]!.key, table.columns[i]!.label, cell)),
    row(r.key, r.label, 'total', 'Total', r.total),
  ]);
}

export interface OutputFile {
  name: string;
  body: Uint8Array;
  contentType: string;
  rows?: number;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The three formats of one table. */
export function tableFiles(doc: ReleaseDocument, table: ReleaseTable): OutputFile[] {
  const rows = tableRows(doc, table);
  const csv = toCsv(rows.map((r) => ({ ...r, count: r.count ?? '' })), TABLE_FILE_COLUMNS);
  const json = JSON.stringify({ table: table.id, title: table.title, counts: table.counts, threshold: table.threshold, rows }, null, 2);
  const text = (name: keyof TableFileRow) => rows.map((r) => String(r[name]));
  const parquet = parquetWriteBuffer({
    columnData: [
      { name: 'period_id', data: text('period_id'), type: 'STRING' },
      { name: 'span', data: text('span'), type: 'STRING' },
      { name: 'jurisdiction_id', data: text('jurisdiction_id'), type: 'STRING' },
      { name: 'jurisdiction', data: text('jurisdiction'), type: 'STRING' },
      { name: 'category', data: text('category'), type: 'STRING' },
      { name: 'category_label', data: text('category_label'), type: 'STRING' },
      { name: 'count', data: rows.map((r) => r.count), type: 'INT32' },
      { name: 'suppressed', data: text('suppressed'), type: 'STRING' },
    ],
  });
  return [
    { name: `tables/${table.id}.csv`, body: utf8(csv), contentType: CONTENT_TYPES.csv, rows: rows.length },
    { name: `tables/${table.id}.json`, body: utf8(json), contentType: CONTENT_TYPES.json, rows: rows.length },
    { name: `tables/${table.id}.parquet`, body: new Uint8Array(parquet), contentType: CONTENT_TYPES.parquet, rows: rows.length },
  ];
}

export const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

export interface ManifestRules {
  /** Per dataset: counts 1..threshold suppressed, and the width every suppressed count's interval keeps. */
  protection: Record<string, { threshold: number; minIntervalWidth: number }> | 'none';
  /** What a suppressed cell's interval was audited against. */
  audit?: { primaries: number; secondaries: number; linearPrograms: number; narrowestInterval: number | null; ledgerReleases: number; revisedCells: number };
  timelinessStandardDays: number;
}

export interface Manifest {
  release: { cadence: string; periodId: string; runId: string; generatedAt: string; audience: string };
  jurisdictions: { id: string; name: string; state: string; joinedYear: number }[];
  formVersions: Record<string, number[]>;
  rules: ManifestRules;
  files: ReleaseFile[];
}

/** Every file of one audience's report, the manifest last (it lists the others with their checksums). */
export function releaseFiles(doc: ReleaseDocument, html: string, formVersions: Record<string, number[]>, rules: ManifestRules): { files: OutputFile[]; manifest: Manifest } {
  const files: OutputFile[] = [
    ...doc.tables.flatMap((t) => tableFiles(doc, t)),
    { name: 'report.json', body: utf8(JSON.stringify(doc)), contentType: CONTENT_TYPES.json },
    { name: 'report.html', body: utf8(html), contentType: CONTENT_TYPES.html },
  ];
  const manifest: Manifest = {
    release: {
      cadence: doc.period.cadence,
      periodId: doc.period.id,
      runId: doc.runId,
      generatedAt: doc.generatedAt,
      audience: doc.audience.kind === 'partnership' ? 'partnership' : doc.audience.jurisdictionId,
    },
    jurisdictions: doc.jurisdictions,
    formVersions,
    rules,
    files: files.map((f) => ({ name: f.name, contentType: f.contentType, bytes: f.body.byteLength, sha256: sha256(f.body), ...(f.rows !== undefined ? { rows: f.rows } : {}) })),
  };
  files.push({ name: 'manifest.json', body: utf8(JSON.stringify(manifest, null, 2)), contentType: CONTENT_TYPES.json });
  return { files, manifest };
}
