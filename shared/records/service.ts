/**
 * The record service: create, autosave, submit, read, list, move through the review life cycle, amend.
 *
 * Every operation takes the scoped table of the caller's jurisdiction (the only way to reach the table) and the
 * Actor. Every mutation writes its item(s) and one audit event in ONE TransactWriteItems, guarded by the version
 * it read (optimistic concurrency); when the guard fails the operation reads again and reports precisely
 * (stale version, locked, already submitted...), or replays an idempotent request. Authorization (which role may
 * approve) is the caller's; this layer enforces the life cycle and the jurisdiction.
 */
import { cancellationCodes } from '#shared/storage/cancellation.ts';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditEventFromItem, auditPut, newAuditEvent, writeAuditEvent } from '#shared/audit/store.ts';
import { actorSchema, type Actor, type AuditAction, type AuditFacts } from '#shared/audit/model.ts';
import { openCursor, scopeDigest, sealCursor, INVALID_CURSOR_MESSAGE } from '#shared/audit/cursor.ts';
import { boundMs, idBounds, timeSortableId, TIME_SORTABLE_ID } from '#shared/audit/ids.ts';
import { BadRequestError, ForbiddenError } from '#shared/errors.ts';
import { validationFailed } from '#shared/http/validation.ts';
import { FORM_POLICIES, formPolicy, SESSION_ABSOLUTE_HOURS } from '#shared/policy.ts';
// The engine's modules directly, not its index: a handler bundle must not pull in the dictionary renderer.
import { fieldIndex } from '#shared/forms/definition.ts';
import { formRegistry, type FormRegistry } from '#shared/forms/registry.ts';
import type { FormDefinition } from '#forms/types.ts';
import type { Answers, FormContext } from '#shared/forms/types.ts';
import { assertDraft, assertSubmission } from '#shared/forms/validate.ts';
import { logger } from '#shared/logger.ts';
import { NOTICE_FORM_ID } from '#shared/notices/model.ts';
import { publicationOf } from '#shared/notices/published.ts';
import type { Expression, Item, ScopedTable, ScopedTransactItem } from '#shared/storage/scoped-table.ts';
import { keys, partitions, RECORD_SK_PREFIX, VERSION_SK_PREFIX } from '#shared/storage/keys.ts';
import { changedFieldNames } from './diff.ts';
import { normalizeSearch } from './naming.ts';
import {
  alreadySubmitted,
  busy,
  illegalTransition,
  locked,
  notApproved,
  notEditable,
  recordNotFound,
  staleVersion,
} from './errors.ts';
import {
  amendInputSchema,
  createDraftInputSchema,
  EDITABLE_STATUSES,
  fromItem,
  isEditable,
  keptVersionFromItem,
  keptVersionItem,
  listQuerySchema,
  named,
  SEARCH_ATTRIBUTE,
  parseInput,
  REASON_REQUIRED,
  saveDraftInputSchema,
  submitInputSchema,
  SUMMARY_ATTRIBUTES,
  summaryFromItem,
  toItem,
  TRANSITIONS,
  transitionInputSchema,
  type AmendInput,
  type KeptVersion,
  type CreateDraftInput,
  type ListQuery,
  type RecordStatus,
  type RecordSummary,
  type RecordView,
  type SaveDraftInput,
  type SubmitInput,
  type TransitionInput,
} from './model.ts';

export interface RecordServiceOptions {
  /** Seals list cursors (e.g. the CURSOR_SECRET env var); at least 32 bytes. */
  cursorSecret: string;
  /** Clock and id source; tests pin them. */
  now?: () => Date;
  newId?: (now: Date) => string;
  /** Lookup lists (units...) the form engine validates against, per jurisdiction. */
  formContext?: (jurisdictionId: string) => FormContext | Promise<FormContext>;
  /** Forms whose reads are audited. @default the forms whose policy says so (FORM_POLICIES in shared/policy.ts) */
  auditReadsOf?: readonly string[];
  /** @default the platform's form registry */
  forms?: Pick<FormRegistry, 'getForm' | 'latestVersion'>;
  /** Attempts when concurrent writers collide before the operation reports "busy". @default 4 */
  maxAttempts?: number;
}

export interface Written {
  record: RecordView;
  /** True when this was a retry of a request that had already succeeded: nothing new was written. */
  replayed: boolean;
}

/** One change of a record, as its version history shows it (no values: field NAMES, mapped to labels by the page). */
export interface HistoryEntry {
  /** The record's version after the change. */
  version: number;
  at: string;
  /** The subject of who made it, and their role then. */
  by: string;
  role: string;
  /** Their name from the identity provider as their session held it (events written before names were kept: none). */
  name?: string;
  action: AuditAction;
  toStatus?: RecordStatus;
  changedFields: string[];
  /** Why it was returned or amended. */
  reason?: string;
}

export interface RecordPage {
  items: RecordSummary[];
  nextCursor?: string;
}

const RETRY = Symbol('retry');
type Attempt<T> = Promise<T | typeof RETRY>;
/** A retry key for creates, not a fact: the record and its audit event stay; the receipt may go after a week. */
const CREATE_RECEIPT_TTL_S = 7 * 24 * 3600;
/** Query calls one page may take when filters skip many records; the page then ends early with a cursor. */
const MAX_QUERIES_PER_PAGE = 8;
const FILTERED_QUERY_LIMIT = 100;
/** A session's read marker outlives the longest session (absolute expiry); TTL then removes it. */
const READ_MARKER_TTL_S = 2 * SESSION_ABSOLUTE_HOURS * 3600;
/** Query calls (up to 1 MB each) the history reads of the jurisdiction's audit trail after the record's creation. */
const MAX_HISTORY_QUERIES = 20;


/**
 * Whether a move of the review life cycle may be made on the record as it is: the rules the records service applies,
 * and the review hand-off checks before it claims a decision (typed errors: 409 for the state, 422 for no reason).
 */
export function checkMove(current: RecordView, move: { to: RecordStatus; expectedVersion: number; reason?: string | undefined }): void {
  if (current.status === 'approved') throw locked();
  const allowed = TRANSITIONS[current.status];
  if (!allowed.includes(move.to)) throw illegalTransition(current.status, move.to, allowed);
  if (current.version !== move.expectedVersion) throw staleVersion(current.version, move.expectedVersion);
  if (REASON_REQUIRED.includes(move.to) && !move.reason) {
    throw validationFailed([{ field: 'reason', message: 'Say what needs to change, so the person who submitted it knows' }]);
  }
}

const versionGuard = (version: number, statuses: readonly RecordStatus[]): Expression => ({
  expression: `#v = :v AND #st IN (${statuses.map((_, i) => `:st${i}`).join(', ')})`,
  names: { '#v': 'version', '#st': 'status' },
  values: { ':v': version, ...Object.fromEntries(statuses.map((s, i) => [`:st${i}`, s])) },
});
const absent: Expression = { expression: 'attribute_not_exists(pk)' };

export class RecordService {
  private readonly now: () => Date;
  private readonly newId: (now: Date) => string;
  private readonly forms: Pick<FormRegistry, 'getForm' | 'latestVersion'>;
  private readonly auditReadsOf: ReadonlySet<string>;
  private readonly maxAttempts: number;

  constructor(private readonly options: RecordServiceOptions) {
    if (Buffer.byteLength(options.cursorSecret ?? '') < 32) throw new Error('RecordService needs a cursorSecret of at least 32 bytes');
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? ((now) => timeSortableId(now));
    this.forms = options.forms ?? formRegistry;
    this.auditReadsOf = new Set(options.auditReadsOf ?? Object.keys(FORM_POLICIES).filter((f) => formPolicy(f).auditedReads));
    this.maxAttempts = options.maxAttempts ?? 4;
  }

  /** A new draft, answers checked as a partial save (422 with field errors, nothing written, when invalid). */
  async createDraft(table: ScopedTable, actor: Actor, input: CreateDraftInput): Promise<Written> {
    this.checkActor(table, actor);
    const i = parseInput(createDraftInputSchema, input);
    const def = this.forms.getForm(i.formId, i.formVersion ?? this.forms.latestVersion(i.formId));
    if (def.status !== 'published') {
      throw validationFailed([{ field: 'formVersion', message: `Version ${def.version} of this form is not published yet` }]);
    }
    // Validated answers hold no undefined, so the per-form type narrows to the stored shape.
    const answers = assertDraft(def, withServerAnswers(def, table.jurisdictionId, i.answers ?? {}), await this.context(table)) as Answers;
    const receipt = i.clientRequestId ? keys.createReceipt(digest(actor.subject, i.clientRequestId)) : undefined;
    return this.attempt(async (): Attempt<Written> => {
      const now = this.now();
      const at = now.toISOString();
      const record: RecordView = named({
        jurisdictionId: table.jurisdictionId,
        recordId: this.newId(now),
        formId: def.formId,
        formVersion: def.version,
        status: 'draft',
        version: 1,
        answers,
        createdBy: actor.subject,
        createdAt: at,
        updatedBy: actor.subject,
        updatedAt: at,
      });
      const items: ScopedTransactItem[] = [{ put: { key: keys.record(record.recordId), attributes: toItem(record), condition: absent } }];
      if (receipt) {
        items.push({
          put: {
            key: receipt,
            attributes: { kind: 'create_receipt', recordId: record.recordId, formId: def.formId, createdAt: at, expiresAt: Math.floor(now.getTime() / 1000) + CREATE_RECEIPT_TTL_S },
            condition: absent,
          },
        });
      }
      const event = this.event(actor, now, { action: 'record.created', ...refsOf(record), toStatus: 'draft', changedFields: changedFieldNames({}, answers) });
      const codes = await this.commit(table, [...items, auditPut(table, event)]);
      if (!codes) {
        logger.debug('Record created', { jurisdictionId: table.jurisdictionId, recordId: record.recordId, formId: def.formId });
        return { record, replayed: false };
      }
      if (receipt && codes[1] === 'ConditionalCheckFailed') {
        const found = await table.get(receipt, { consistent: true });
        if (!found) return RETRY;
        if (found.formId !== def.formId) throw validationFailed([{ field: 'clientRequestId', message: 'This request id was already used for another form' }]);
        return { record: await this.load(table, String(found.recordId)), replayed: true };
      }
      return RETRY;
    });
  }

  /** Autosave of a draft or returned record; a no-op (no write, no audit event) when nothing changed. */
  async saveDraft(table: ScopedTable, actor: Actor, recordId: string, input: SaveDraftInput): Promise<RecordView> {
    this.checkActor(table, actor);
    const i = parseInput(saveDraftInputSchema, input);
    return this.attempt(async (): Attempt<RecordView> => {
      const current = await this.load(table, recordId);
      this.assertEditable(current, i.expectedVersion);
      const def = this.forms.getForm(current.formId, current.formVersion);
      const answers = assertDraft(def, withServerAnswers(def, table.jurisdictionId, i.answers, current.answers), await this.context(table)) as Answers;
      const changed = changedFieldNames(current.answers, answers);
      if (changed.length === 0) return current;
      const now = this.now();
      const next = named({ ...current, answers, version: current.version + 1, updatedBy: actor.subject, updatedAt: now.toISOString() });
      const event = this.event(actor, now, { action: 'record.saved', ...refsOf(next), changedFields: changed });
      const codes = await this.commit(table, [this.replace(next, versionGuard(current.version, EDITABLE_STATUSES)), auditPut(table, event)]);
      return codes ? RETRY : next;
    });
  }

  /**
   * Full validation (hidden answers dropped), then draft/returned -> submitted. Idempotent per submissionId:
   * a retry or a double click with the same id returns the record and writes nothing more; the receipt item
   * (`SUBMISSION#<id>`, conditional put in the same transaction) makes concurrent duplicates lose cleanly.
   */
  async submit(table: ScopedTable, actor: Actor, recordId: string, input: SubmitInput): Promise<Written> {
    this.checkActor(table, actor);
    const i = parseInput(submitInputSchema, input);
    return this.attempt(async (): Attempt<Written> => {
      const current = await this.load(table, recordId);
      if (current.submissionId === i.submissionId) return { record: current, replayed: true };
      const receipt = keys.submission(current.recordId, i.submissionId);
      if (!isEditable(current.status) || current.version !== i.expectedVersion) {
        // An earlier submission with this id may have succeeded before later changes: that is a replay.
        if (await table.get(receipt, { consistent: true })) return { record: current, replayed: true };
        if (current.status === 'approved') throw locked();
        if (!isEditable(current.status)) throw alreadySubmitted(current.status);
        throw staleVersion(current.version, i.expectedVersion);
      }
      const def = this.forms.getForm(current.formId, current.formVersion);
      // Stored answers are the server's own: an issuer kept from before it was server-set is replaced, not refused.
      const answers = assertSubmission(def, withServerAnswers(def, table.jurisdictionId, current.answers, current.answers), await this.context(table)) as Answers;
      const now = this.now();
      const at = now.toISOString();
      const next: RecordView = named({
        ...current,
        answers,
        status: 'submitted',
        version: current.version + 1,
        submittedAt: at,
        submissionId: i.submissionId,
        statusReason: undefined,
        updatedBy: actor.subject,
        updatedAt: at,
      });
      const event = this.event(actor, now, {
        action: 'record.submitted',
        ...refsOf(next),
        fromStatus: current.status,
        toStatus: 'submitted',
        changedFields: changedFieldNames(current.answers, answers),
      });
      const codes = await this.commit(table, [
        this.replace(next, versionGuard(current.version, EDITABLE_STATUSES)),
        { put: { key: receipt, attributes: { kind: 'submission', recordId: current.recordId, submissionId: i.submissionId, version: next.version, submittedAt: at, submittedBy: actor.subject }, condition: absent } },
        auditPut(table, event),
      ]);
      if (codes) return RETRY;
      logger.debug('Record submitted', { jurisdictionId: table.jurisdictionId, recordId: next.recordId, version: next.version });
      return { record: next, replayed: false };
    });
  }

  /**
   * One record, to show; NotFoundError alike for a missing id and any other jurisdiction's. A read of an audited
   * form by someone other than its author is audited once per session (`readerSession`, an opaque digest of the
   * session; without one, every such read), before the record is returned.
   */
  async get(table: ScopedTable, actor: Actor, recordId: string, opts: { readerSession?: string | undefined } = {}): Promise<RecordView> {
    this.checkActor(table, actor);
    const record = await this.load(table, recordId);
    if (!this.readIsAudited(actor, record)) return record;
    const event = this.event(actor, this.now(), { action: 'record.read', ...refsOf(record) });
    if (opts.readerSession === undefined) {
      await writeAuditEvent(table, event);
      return record;
    }
    // The session's read marker and the event in one transaction: the first read of the session writes both, later ones neither.
    const marker: ScopedTransactItem = {
      put: {
        key: keys.readMarker(record.recordId, opts.readerSession),
        attributes: { kind: 'read_marker', recordId: record.recordId, expiresAt: Math.floor(this.now().getTime() / 1000) + READ_MARKER_TTL_S },
        condition: absent,
      },
    };
    try {
      await table.transactWrite([marker, auditPut(table, event)]);
    } catch (error) {
      if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
    }
    return record;
  }

  /**
   * The record as a change reads it, to decide: never a read event. A rejected change shows the record again only
   * when `readInSession` says this session's read of it is already audited (or needs no audit).
   */
  async current(table: ScopedTable, actor: Actor, recordId: string): Promise<RecordView> {
    this.checkActor(table, actor);
    return this.load(table, recordId);
  }

  /** Whether showing the record to this reader needs no new audit event: their own record, a form without audited reads, or already audited in this session. */
  async readInSession(table: ScopedTable, actor: Actor, record: RecordView, readerSession: string | undefined): Promise<boolean> {
    this.checkActor(table, actor);
    if (!this.readIsAudited(actor, record)) return true;
    if (readerSession === undefined) return false;
    return (await table.get(keys.readMarker(record.recordId, readerSession), { consistent: true })) !== undefined;
  }

  private readIsAudited(actor: Actor, record: RecordView): boolean {
    return this.auditReadsOf.has(record.formId) && record.createdBy !== actor.subject;
  }

  /**
   * Summaries (no answers), newest first by creation. `from`/`to` bound createdAt (inclusive; a date-only value
   * is a whole UTC day) through the record ids, which sort by creation time: a key range of one Query.
   * formId, status and the search (a substring of the stored normalized name) are filters on that Query.
   */
  async list(table: ScopedTable, actor: Actor, query: ListQuery = {}): Promise<RecordPage> {
    this.checkActor(table, actor);
    const q = parseInput(listQuerySchema, query);
    const fromMs = q.from ? boundMs(q.from, 'from') : 0;
    const toMs = q.to ? boundMs(q.to, 'to') : Number.MAX_SAFE_INTEGER;
    if (fromMs > toMs) throw validationFailed([{ field: 'from', message: 'From must not be after to' }]);
    const statuses = q.status === undefined ? undefined : [...new Set([q.status].flat())].sort();
    const needle = q.search === undefined ? undefined : normalizeSearch(q.search);
    const scope = `records:${table.jurisdictionId}:${scopeDigest([q.formId ?? null, statuses ?? null, q.from ?? null, q.to ?? null, needle ?? null])}`;
    let startKey: Item | undefined = q.cursor ? openCursor(this.options.cursorSecret, scope, q.cursor) : undefined;
    if (startKey && (startKey.pk !== table.pk(partitions.records) || !String(startKey.sk).startsWith(RECORD_SK_PREFIX))) {
      throw new BadRequestError(INVALID_CURSOR_MESSAGE);
    }
    const [low, high] = idBounds(fromMs, toMs);
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (q.formId) {
      names['#f'] = 'formId';
      values[':f'] = q.formId;
      filters.push('#f = :f');
    }
    if (statuses) {
      names['#st'] = 'status';
      statuses.forEach((s, i) => (values[`:st${i}`] = s));
      filters.push(`#st IN (${statuses.map((_, i) => `:st${i}`).join(', ')})`);
    }
    if (needle) {
      // A substring of the stored normalized name, under this jurisdiction's partition only (docs/records.md).
      names['#sn'] = SEARCH_ATTRIBUTE;
      values[':sn'] = needle;
      filters.push('contains(#sn, :sn)');
    }
    const filter = filters.length ? { expression: filters.join(' AND '), names, values } : undefined;

    const found: Item[] = [];
    for (let calls = 1; ; calls++) {
      // One more than the page, so the last page carries no cursor to an empty page.
      const wanted = q.limit + 1 - found.length;
      const page = await table.query({
        partition: partitions.records,
        sk: { between: [`${RECORD_SK_PREFIX}${low}`, `${RECORD_SK_PREFIX}${high}`] },
        forward: false,
        limit: filter ? Math.max(wanted, FILTERED_QUERY_LIMIT) : wanted,
        startKey,
        attributes: SUMMARY_ATTRIBUTES,
        filter,
      });
      found.push(...page.items);
      if (found.length > q.limit) {
        const last = found[q.limit - 1]!;
        return { items: found.slice(0, q.limit).map(summaryFromItem), nextCursor: this.seal(scope, { pk: last.pk, sk: last.sk }) };
      }
      if (!page.lastKey) return { items: found.map(summaryFromItem) };
      if (calls >= MAX_QUERIES_PER_PAGE) return { items: found.map(summaryFromItem), nextCursor: this.seal(scope, page.lastKey) };
      startKey = page.lastKey;
    }
  }

  /** A move of the review life cycle (submitted -> in_review -> returned/approved); returning needs a reason. */
  async transition(table: ScopedTable, actor: Actor, recordId: string, input: TransitionInput): Promise<RecordView> {
    this.checkActor(table, actor);
    const i = parseInput(transitionInputSchema, input);
    return this.attempt(async (): Attempt<RecordView> => {
      const current = await this.load(table, recordId);
      checkMove(current, i);
      const now = this.now();
      const next: RecordView =
        i.to === 'returned'
          ? this.handBack(current, actor, now, i.reason!)
          : {
              ...current,
              status: i.to,
              version: current.version + 1,
              statusReason: i.reason,
              updatedBy: actor.subject,
              updatedAt: now.toISOString(),
              // The first approval dates the record for the reports; a re-approval after an amendment keeps it.
              ...(i.to === 'approved' && current.approvedAt === undefined ? { approvedAt: now.toISOString() } : {}),
            };
      const event = this.event(actor, now, { action: 'record.status_changed', ...refsOf(next), fromStatus: current.status, toStatus: i.to });
      // A return keeps the answers as returned, so the resubmission can be compared with them.
      const kept: ScopedTransactItem[] =
        i.to === 'returned' ? [this.keep({ recordId, version: next.version, kind: 'returned', answers: current.answers, at: next.updatedAt, by: actor.subject, reason: i.reason! })] : [];
      // An approved safety notice is published to every partner in the same transaction (docs/notices.md).
      const publication = i.to === 'approved' && current.formId === NOTICE_FORM_ID ? await publicationOf(table, next, now) : undefined;
      const published = publication ? [...publication.items, auditPut(table, this.event(actor, now, { action: publication.action, ...refsOf(next) }))] : [];
      const codes = await this.commit(table, [this.replace(next, versionGuard(current.version, [current.status])), ...kept, auditPut(table, event), ...published]);
      if (codes) return RETRY;
      logger.debug('Record status changed', { jurisdictionId: table.jurisdictionId, recordId, from: current.status, to: i.to });
      return next;
    });
  }

  /**
   * Amends an approved (locked) record in place: a new version, status `returned` with the reason, so that its
   * author edits it and it goes through review again. The approved version's answers are kept first as an immutable
   * `VERSION#` item (the review page compares the resubmission with it). One transaction with the audit event.
   */
  async amend(table: ScopedTable, actor: Actor, recordId: string, input: AmendInput): Promise<RecordView> {
    this.checkActor(table, actor);
    const i = parseInput(amendInputSchema, input);
    return this.attempt(async (): Attempt<RecordView> => {
      const current = await this.load(table, recordId);
      if (current.status !== 'approved') throw notApproved(current.status);
      if (current.version !== i.expectedVersion) throw staleVersion(current.version, i.expectedVersion);
      const now = this.now();
      const next = this.handBack(current, actor, now, i.reason, { amends: { version: current.version }, amendReason: i.reason });
      const kept: KeptVersion = { recordId, version: current.version, kind: 'amended', answers: current.answers, at: now.toISOString(), by: actor.subject, reason: i.reason };
      const event = this.event(actor, now, { action: 'record.amended', ...refsOf(next), fromStatus: current.status, toStatus: next.status });
      const codes = await this.commit(table, [this.replace(next, versionGuard(current.version, ['approved'])), this.keep(kept), auditPut(table, event)]);
      if (codes) return RETRY;
      logger.debug('Record amended', { jurisdictionId: table.jurisdictionId, recordId, version: next.version });
      return next;
    });
  }

  /** The latest version a reviewer handed back (returned or amended), or undefined: what a resubmission is compared with. */
  async lastHandedBack(table: ScopedTable, actor: Actor, recordId: string): Promise<KeptVersion | undefined> {
    this.checkActor(table, actor);
    if (!TIME_SORTABLE_ID.test(recordId)) throw recordNotFound();
    const page = await table.query({ partition: partitions.record(recordId), sk: { beginsWith: VERSION_SK_PREFIX }, forward: false, limit: 1 });
    return page.items[0] ? keptVersionFromItem(page.items[0]) : undefined;
  }

  /**
   * The record's history, oldest first: one entry per change from the audit trail (who, when, what, the names of
   * the changed fields; reads left out), with the reasons of returns and amendments from the kept versions.
   */
  async history(table: ScopedTable, actor: Actor, recordId: string): Promise<HistoryEntry[]> {
    this.checkActor(table, actor);
    const record = await this.load(table, recordId);
    const reasons = new Map<number, string>();
    let versionsStart: Item | undefined;
    do {
      const page = await table.query({ partition: partitions.record(recordId), sk: { beginsWith: VERSION_SK_PREFIX }, startKey: versionsStart });
      for (const item of page.items) {
        const kept = keptVersionFromItem(item);
        // A return keeps the returned version; an amendment keeps the approved one and makes the next.
        reasons.set(kept.kind === 'amended' ? kept.version + 1 : kept.version, kept.reason);
      }
      versionsStart = page.lastKey;
    } while (versionsStart);
    const entries: HistoryEntry[] = [];
    let startKey: Item | undefined;
    for (let calls = 0; calls < MAX_HISTORY_QUERIES; calls++) {
      // The audit partition is sorted by time: start where the record was created, keep this record's changes.
      const page = await table.query({
        partition: partitions.audit,
        sk: { between: [record.createdAt, '~'] },
        startKey,
        filter: { expression: '#r = :r AND #a <> :read', names: { '#r': 'recordId', '#a': 'action' }, values: { ':r': recordId, ':read': 'record.read' } },
      });
      for (const item of page.items) {
        const e = auditEventFromItem(item);
        if (e.recordVersion === undefined) continue;
        entries.push({
          version: e.recordVersion,
          at: e.at,
          by: e.actor.subject,
          role: e.actor.role,
          ...(e.actor.displayName ? { name: e.actor.displayName } : {}),
          action: e.action,
          ...(e.toStatus ? { toStatus: e.toStatus as RecordStatus } : {}),
          changedFields: e.changedFields ?? [],
          ...(reasons.has(e.recordVersion) ? { reason: reasons.get(e.recordVersion)! } : {}),
        });
      }
      startKey = page.lastKey;
      if (!startKey) return entries.sort((a, b) => a.version - b.version);
    }
    logger.warn('Record history cut short', { jurisdictionId: table.jurisdictionId, recordId });
    return entries.sort((a, b) => a.version - b.version);
  }

  /** The next version of a record handed back to its author (returned, or reopened to amend), with the reason. */
  private handBack(current: RecordView, actor: Actor, now: Date, reason: string, extra: Partial<RecordView> = {}): RecordView {
    return { ...current, ...extra, status: 'returned', version: current.version + 1, statusReason: reason, updatedBy: actor.subject, updatedAt: now.toISOString() };
  }

  private keep(kept: KeptVersion): ScopedTransactItem {
    return { put: { key: keys.version(kept.recordId, kept.version), attributes: keptVersionItem(kept), condition: absent } };
  }

  // -------------------------------------------------------------------------------------------------

  private checkActor(table: ScopedTable, actor: Actor): void {
    actorSchema.parse(actor);
    if (actor.jurisdictionId !== table.jurisdictionId) throw new ForbiddenError('You can only work on records of your own jurisdiction.');
  }

  private async context(table: ScopedTable): Promise<FormContext> {
    return (await this.options.formContext?.(table.jurisdictionId)) ?? {};
  }

  /** The record, read strongly consistent (decisions are made on it). */
  private async load(table: ScopedTable, recordId: string): Promise<RecordView> {
    if (typeof recordId !== 'string' || !TIME_SORTABLE_ID.test(recordId)) throw recordNotFound();
    const item = await table.get(keys.record(recordId), { consistent: true });
    if (!item) throw recordNotFound();
    return fromItem(item);
  }

  private assertEditable(current: RecordView, expectedVersion: number): void {
    if (current.status === 'approved') throw locked();
    if (!isEditable(current.status)) throw notEditable(current.status);
    if (current.version !== expectedVersion) throw staleVersion(current.version, expectedVersion);
  }

  private replace(next: RecordView, guard: Expression): ScopedTransactItem {
    return { put: { key: keys.record(next.recordId), attributes: toItem(next), condition: guard } };
  }

  private event(actor: Actor, now: Date, facts: AuditFacts) {
    return newAuditEvent(actor, facts, now, this.newId(now));
  }

  private seal(scope: string, key: Item): string {
    return sealCursor(this.options.cursorSecret, scope, { pk: String(key.pk), sk: String(key.sk) });
  }

  /**
   * Runs the transaction; undefined when written, the cancellation codes when a condition or a concurrent
   * transaction stopped it (nothing was written). The audit put is always last: if IT failed, its key was taken,
   * which must never happen, so that is an error rather than a retry.
   */
  private async commit(table: ScopedTable, items: ScopedTransactItem[]): Promise<string[] | undefined> {
    try {
      await table.transactWrite(items);
      return undefined;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[items.length - 1] === 'ConditionalCheckFailed') {
        logger.error('Audit event key already taken; transaction cancelled, nothing written', { jurisdictionId: table.jurisdictionId });
        throw new Error('Audit event key already taken; nothing was written', { cause: error });
      }
      return codes;
    }
  }

  /** Re-runs read-decide-write after a lost race; the fresh read then names the conflict or replays. */
  private async attempt<T>(run: () => Attempt<T>): Promise<T> {
    for (let n = 1; n <= this.maxAttempts; n++) {
      const result = await run();
      if (result !== RETRY) return result;
      if (n < this.maxAttempts) await sleep(Math.round((5 + Math.random() * 20) * n));
    }
    logger.warn('Record contention: attempts exhausted', { attempts: this.maxAttempts });
    throw busy();
  }
}

/**
 * The answers with those the server sets (FormPolicy.serverAnswers, e.g. a notice's issuer = the record's
 * jurisdiction) put in. A given value must be the server's, or the one already stored (a client sending back what it
 * read); any other is a 422, never applied.
 */
function withServerAnswers(def: FormDefinition, jurisdictionId: string, answers: Record<string, unknown>, stored: Record<string, unknown> = {}): Record<string, unknown> {
  const set = FORM_POLICIES[def.formId]?.serverAnswers;
  if (!set) return answers;
  const out = { ...answers };
  const fields = fieldIndex(def);
  for (const [name, source] of Object.entries(set)) {
    if (!fields.has(name)) continue; // a version without the question
    const value = source === 'record_jurisdiction' ? jurisdictionId : undefined;
    const given = out[name];
    const unanswered = given === undefined || given === null || given === '';
    if (!unanswered && given !== value && !(Object.hasOwn(stored, name) && given === stored[name])) {
      throw validationFailed([{ field: name, message: `This answer is set by the platform to the record's jurisdiction (${jurisdictionId}); it cannot be chosen.` }]);
    }
    out[name] = value;
  }
  return out;
}

function refsOf(r: RecordView) {
  return { recordId: r.recordId, formId: r.formId, formVersion: r.formVersion, recordVersion: r.version };
}

/** Receipt keys never carry the subject or the client's token as such. */
function digest(subject: string, token: string): string {
  return createHash('sha256').update(`${subject}\n${token}`).digest('base64url').slice(0, 32);
}
