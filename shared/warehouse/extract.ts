/**
 * One jurisdiction's part of a warehouse release (docs/warehouse.md, "The pipeline"): its approved critical incident
 * reviews and safety notices whose first approval falls in its consent window, as the rows of their own form
 * version (exportRecord), streamed through paged Queries of `<jid>#RECORDS` through its scoped table handle.
 * A record reopened by an amendment carries the answers it was approved with until it is approved again; then the
 * amended answers (approvedContent). Nothing here is de-identified yet: the rows go to the run's staging folder,
 * which only the warehouse tasks read, and the publish step de-identifies every record of a form version together.
 */
import { formRegistry } from '#shared/forms/registry.ts';
import { exportRecord, type ExportedRecord } from '#shared/forms/export-columns.ts';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import { approvedContent } from '#shared/records/approved.ts';
import { RECORD_FORMS } from '#shared/records/model.ts';
import { partitions, RECORD_SK_PREFIX } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';
import { approvedInWindow, type WarehouseWindow } from './consent.ts';
import type { RecordJurisdiction } from './deidentify.ts';

export interface StagedRecord {
  recordId: string;
  formId: string;
  formVersion: number;
  rows: ExportedRecord;
}

/** What the publish step reads of one jurisdiction: who it is (for geography) and its records. */
export interface StagedJurisdiction {
  jurisdiction: RecordJurisdiction;
  /** Items the Queries returned (after the filter), for the run's log. */
  itemsRead: number;
  records: StagedRecord[];
}

/** Items a page reads (see DEFAULT_PAGE_SIZE in shared/reports/aggregate.ts for why a Limit is set). */
export const EXTRACT_PAGE_SIZE = 250;

export const recordJurisdiction = (j: Pick<Jurisdiction, 'id' | 'state' | 'type' | 'county'>): RecordJurisdiction => ({
  id: j.id,
  state: j.state,
  type: j.type,
  ...(j.county !== undefined ? { county: j.county } : {}),
});

/** Extracts the jurisdiction's records approved within the window. */
export async function extractJurisdiction(
  table: ScopedTable,
  jurisdiction: Pick<Jurisdiction, 'id' | 'state' | 'type' | 'county'>,
  window: WarehouseWindow,
  pageSize = EXTRACT_PAGE_SIZE,
): Promise<StagedJurisdiction> {
  if (table.jurisdictionId !== jurisdiction.id) throw new Error(`The table handle is of ${table.jurisdictionId}, not of ${jurisdiction.id}`);
  const staged: StagedJurisdiction = { jurisdiction: recordJurisdiction(jurisdiction), itemsRead: 0, records: [] };
  if (!window.shares) return staged;
  const query = {
    partition: partitions.records,
    sk: { beginsWith: RECORD_SK_PREFIX },
    limit: pageSize,
    // Cuts what travels, not what is read: approvedInWindow decides again for every item. Instants written
    // YYYY-MM-DDThh... order as strings against the window's days.
    filter: {
      expression: '#f IN (:review, :notice) AND (#st = :approved OR attribute_exists(#am)) AND ((#ap >= :from AND #ap < :until) OR (attribute_not_exists(#ap) AND #up >= :from AND #up < :until))',
      names: { '#f': 'formId', '#st': 'status', '#am': 'amends', '#ap': 'approvedAt', '#up': 'updatedAt' },
      values: { ':review': RECORD_FORMS[0], ':notice': RECORD_FORMS[1], ':approved': 'approved', ':from': window.from, ':until': window.until },
    },
  };
  let lastKey: Item | undefined;
  do {
    const page: { items: Item[]; lastKey?: Item } = await table.query(lastKey ? { ...query, startKey: lastKey } : query);
    lastKey = page.lastKey;
    for (const item of page.items) {
      staged.itemsRead++;
      const content = await approvedContent(table, item);
      if (!content || !approvedInWindow(window, content.approvedAt)) continue;
      const recordId = String(item.recordId);
      const form = formRegistry.getForm(String(item.formId), Number(item.formVersion));
      staged.records.push({ recordId, formId: form.formId, formVersion: form.version, rows: exportRecord(form, recordId, content.answers) });
    }
  } while (lastKey);
  return staged;
}
