/**
 * The load bench's bookkeeping (bench/load.ts): what the clients sent and saw acknowledged, reconciled with what the
 * table holds afterwards. Every acknowledged write must be there exactly once. A write sent without a 2xx/3xx back
 * (in flight when the clock stopped, timed out, or answered with an error) may or may not have landed: counted apart,
 * never as lost or duplicated. Anything more is a duplicate.
 */

/** One record the load created and saw acknowledged (201). */
export interface AcknowledgedRecord {
  reviewId: string;
  /** The version of the last acknowledged write (create 1, then one per save and the submit). */
  ackedVersion: number;
  /** A write of this record was sent without an acknowledgement (no answer yet or ever, or an error). */
  unacknowledged: boolean;
  /** The submission id of the submit sent, if one was. */
  submissionId?: string;
  submitAcked: boolean;
}

export interface ClientLedger {
  /** Acknowledged records, by record id. */
  records: ReadonlyMap<string, AcknowledgedRecord>;
  /** Review ids of every create sent (one per create: the load's records are told apart by it). */
  createsSent: ReadonlySet<string>;
  /** Submission ids of every survey answer sent, and of those acknowledged (303). */
  surveySent: ReadonlySet<string>;
  surveyAcked: ReadonlySet<string>;
}

/** The load's items as read back from the table. */
export interface TableState {
  records: readonly { recordId: string; reviewId: string; version: number; status: string; submissionId?: string }[];
  /** Audit events of record writes (created, saved, submitted), by record id. */
  auditEvents: ReadonlyMap<string, number>;
  /** Submission ids of the receipts under each record. */
  receipts: ReadonlyMap<string, readonly string[]>;
  /** Submission ids of the wave's stored responses. */
  surveyResponses: readonly string[];
}

/** acked: what the clients were told was written (for audit events: one per write in the table); stored: found. */
export interface Tally {
  acked: number;
  stored: number;
  /** Acknowledged and not in the table. */
  lost: number;
  /** In the table twice, or with no request sent that could have written it. */
  extra: number;
  /** In the table from a request sent without an acknowledgement (the error, if any, is counted as one). */
  unacknowledged: number;
}

export interface Reconciliation {
  records: Tally;
  versions: Tally;
  submissions: Tally;
  audit: Tally;
  survey: Tally;
}

const tally = (): Tally => ({ acked: 0, stored: 0, lost: 0, extra: 0, unacknowledged: 0 });

export function reconcile(client: ClientLedger, table: TableState): Reconciliation {
  const out: Reconciliation = { records: tally(), versions: tally(), submissions: tally(), audit: tally(), survey: tally() };

  // Records: one per create at most, every acknowledged one there.
  const stored = new Map(table.records.map((r) => [r.recordId, r]));
  out.records.acked = client.records.size;
  out.records.stored = table.records.length;
  for (const recordId of client.records.keys()) if (!stored.has(recordId)) out.records.lost++;
  const createdUnacknowledged = new Set<string>();
  const byReviewId = new Map<string, TableState['records'][number][]>();
  for (const r of table.records) byReviewId.set(r.reviewId, [...(byReviewId.get(r.reviewId) ?? []), r]);
  for (const [reviewId, items] of byReviewId) {
    if (!client.createsSent.has(reviewId)) {
      out.records.extra += items.length; // no create sent it
      continue;
    }
    out.records.extra += items.length - 1; // one create, several records
    if (items.length === 1 && !client.records.has(items[0]!.recordId)) {
      out.records.unacknowledged++;
      createdUnacknowledged.add(items[0]!.recordId);
    }
  }

  for (const r of table.records) {
    const ledger = client.records.get(r.recordId);
    // Versions count the writes: each acknowledged one is in it; one more only if a write went unacknowledged. A
    // duplicated or phantom record is counted above, its writes with it.
    const ackedVersion = ledger?.ackedVersion ?? 0;
    const mayHaveLanded = ledger?.unacknowledged || createdUnacknowledged.has(r.recordId) ? 1 : 0;
    if (ledger || createdUnacknowledged.has(r.recordId)) {
      out.versions.acked += ackedVersion;
      out.versions.stored += r.version;
      out.versions.lost += Math.max(0, ackedVersion - r.version);
      out.versions.unacknowledged += Math.min(mayHaveLanded, Math.max(0, r.version - ackedVersion));
      out.versions.extra += Math.max(0, r.version - ackedVersion - mayHaveLanded);
    }

    // One audit event per write, in the write's own transaction.
    const events = table.auditEvents.get(r.recordId) ?? 0;
    out.audit.acked += r.version;
    out.audit.stored += events;
    out.audit.lost += Math.max(0, r.version - events);
    out.audit.extra += Math.max(0, events - r.version);

    // A submit: the record says submitted with the id sent, and holds that one receipt.
    const receipts = table.receipts.get(r.recordId) ?? [];
    out.submissions.stored += receipts.length;
    if (ledger?.submitAcked) {
      out.submissions.acked++;
      if (r.status !== 'submitted' || r.submissionId !== ledger.submissionId || !receipts.includes(ledger.submissionId!)) out.submissions.lost++;
      out.submissions.extra += Math.max(0, receipts.length - 1);
    } else if (ledger?.submissionId && receipts.length === 1 && receipts[0] === ledger.submissionId && ledger.unacknowledged) {
      out.submissions.unacknowledged++;
    } else {
      out.submissions.extra += receipts.length;
    }
  }

  // Survey responses are keyed by the page's submission id: exactly one per acknowledged answer.
  const answers = new Set(table.surveyResponses);
  out.survey.acked = client.surveyAcked.size;
  out.survey.stored = table.surveyResponses.length;
  for (const id of client.surveyAcked) if (!answers.has(id)) out.survey.lost++;
  for (const id of answers) {
    if (client.surveyAcked.has(id)) continue;
    if (client.surveySent.has(id)) out.survey.unacknowledged++;
    else out.survey.extra++;
  }
  return out;
}
