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
import { auditPut, newAuditEvent, writeAuditEvent } from '#shared/audit/store.ts';
import { actorSchema, type Actor, type AuditFacts } from '#shared/audit/model.ts';
import { openCursor, scopeDigest, sealCursor, INVALID_CURSOR_MESSAGE } from '#shared/audit/cursor.ts';
import { boundMs, idBounds, timeSortableId, TIME_SORTABLE_ID } from '#shared/audit/ids.ts';
import { BadRequestError, ForbiddenError, ValidationError } from '#shared/errors.ts';
// The engine's modules directly, not its index: a handler bundle must not pull in the dictionary renderer.
import { formRegistry, type FormRegistry } from '#shared/forms/registry.ts';
import type { Answers, FormContext } from '#shared/forms/types.ts';
import { assertDraft, assertSubmission } from '#shared/forms/validate.ts';
import { logger } from '#shared/logger.ts';
import type { Expression, Item, ScopedTable, ScopedTransactItem } from '#shared/storage/scoped-table.ts';
import { keys, partitions, RECORD_SK_PREFIX } from '#shared/storage/keys.ts';
import { changedFieldNames } from './diff.ts';
import {
  alreadyAmended,
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
  listQuerySchema,
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
  /** Forms whose every read is audited. @default ['critical_incident_review'] */
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
    this.auditReadsOf = new Set(options.auditReadsOf ?? ['critical_incident_review']);
    this.maxAttempts = options.maxAttempts ?? 4;
  }

  /** A new draft, answers checked as a partial save (422 with field errors, nothing written, when invalid). */
  async createDraft(table: ScopedTable, actor: Actor, input: CreateDraftInput): Promise<Written> {
    this.checkActor(table, actor);
    const i = parseInput(createDraftInputSchema, input);
    const def = this.forms.getForm(i.formId, i.formVersion ?? this.forms.latestVersion(i.formId));
    if (def.status !== 'published') {
      throw new ValidationError('1 value needs attention', [{ field: 'formVersion', message: `Version ${def.version} of this form is not published yet` }]);
    }
    // Validated answers hold no undefined, so the per-form type narrows to the stored shape.
    const answers = assertDraft(def, i.answers ?? {}, await this.context(table)) as Answers;
    const receipt = i.clientRequestId ? keys.createReceipt(digest(actor.subject, i.clientRequestId)) : undefined;
    return this.attempt(async (): Attempt<Written> => {
      const now = this.now();
      const at = now.toISOString();
      const record: RecordView = {
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
      };
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
        if (found.formId !== def.formId) throw new ValidationError('This request id was already used', [{ field: 'clientRequestId', message: 'This request id was already used for another form' }]);
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
      const answers = assertDraft(def, i.answers, await this.context(table)) as Answers;
      const changed = changedFieldNames(current.answers, answers);
      if (changed.length === 0) return current;
      const now = this.now();
      const next: RecordView = { ...current, answers, version: current.version + 1, updatedBy: actor.subject, updatedAt: now.toISOString() };
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
      const answers = assertSubmission(def, current.answers, await this.context(table)) as Answers;
      const now = this.now();
      const at = now.toISOString();
      const next: RecordView = {
        ...current,
        answers,
        status: 'submitted',
        version: current.version + 1,
        submittedAt: at,
        submissionId: i.submissionId,
        statusReason: undefined,
        updatedBy: actor.subject,
        updatedAt: at,
      };
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

  /** One record; NotFoundError alike for a missing id and any other jurisdiction's. Reads of audited forms are logged in the audit trail. */
  async get(table: ScopedTable, actor: Actor, recordId: string): Promise<RecordView> {
    this.checkActor(table, actor);
    const record = await this.load(table, recordId);
    if (this.auditReadsOf.has(record.formId)) {
      // Written before the record is returned: no unaudited read of a review leaves the service.
      await writeAuditEvent(table, this.event(actor, this.now(), { action: 'record.read', ...refsOf(record) }));
    }
    return record;
  }

  /**
   * Summaries (no answers), newest first by creation. `from`/`to` bound createdAt (inclusive; a date-only value
   * is a whole UTC day) through the record ids, which sort by creation time: a key range of one Query.
   * formId and status are filters on that Query.
   */
  async list(table: ScopedTable, actor: Actor, query: ListQuery = {}): Promise<RecordPage> {
    this.checkActor(table, actor);
    const q = parseInput(listQuerySchema, query);
    const fromMs = q.from ? boundMs(q.from, 'from') : 0;
    const toMs = q.to ? boundMs(q.to, 'to') : Number.MAX_SAFE_INTEGER;
    if (fromMs > toMs) throw new ValidationError('1 value needs attention', [{ field: 'from', message: 'From must not be after to' }]);
    const statuses = q.status === undefined ? undefined : [...new Set([q.status].flat())].sort();
    const scope = `records:${table.jurisdictionId}:${scopeDigest([q.formId ?? null, statuses ?? null, q.from ?? null, q.to ?? null])}`;
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
      if (current.status === 'approved') throw locked();
      const allowed = TRANSITIONS[current.status];
      if (!allowed.includes(i.to)) throw illegalTransition(current.status, i.to, allowed);
      if (current.version !== i.expectedVersion) throw staleVersion(current.version, i.expectedVersion);
      if (REASON_REQUIRED.includes(i.to) && !i.reason) {
        throw new ValidationError('1 value needs attention', [{ field: 'reason', message: 'Say what needs to change, so the person who submitted it knows' }]);
      }
      const now = this.now();
      const next: RecordView = { ...current, status: i.to, version: current.version + 1, statusReason: i.reason, updatedBy: actor.subject, updatedAt: now.toISOString() };
      const event = this.event(actor, now, { action: 'record.status_changed', ...refsOf(next), fromStatus: current.status, toStatus: i.to });
      const codes = await this.commit(table, [this.replace(next, versionGuard(current.version, [current.status])), auditPut(table, event)]);
      if (codes) return RETRY;
      logger.debug('Record status changed', { jurisdictionId: table.jurisdictionId, recordId, from: current.status, to: i.to });
      return next;
    });
  }

  /**
   * Amends an approved (locked) record: a NEW draft record (new id) with the same form version and answers,
   * `amends: {recordId, version}` and the reason. The approved record is not touched; an `AMENDED` claim item in
   * its own partition allows one amendment per approved record and links forward to it.
   */
  async amend(table: ScopedTable, actor: Actor, recordId: string, input: AmendInput): Promise<RecordView> {
    this.checkActor(table, actor);
    const i = parseInput(amendInputSchema, input);
    return this.attempt(async (): Attempt<RecordView> => {
      const old = await this.load(table, recordId);
      if (old.status !== 'approved') throw notApproved(old.status);
      const now = this.now();
      const at = now.toISOString();
      const record: RecordView = {
        jurisdictionId: table.jurisdictionId,
        recordId: this.newId(now),
        formId: old.formId,
        formVersion: old.formVersion,
        status: 'draft',
        version: 1,
        answers: old.answers,
        createdBy: actor.subject,
        createdAt: at,
        updatedBy: actor.subject,
        updatedAt: at,
        amends: { recordId: old.recordId, version: old.version },
        amendReason: i.reason,
      };
      const event = this.event(actor, now, { action: 'record.amended', ...refsOf(record), toStatus: 'draft', amends: record.amends });
      const codes = await this.commit(table, [
        { conditionCheck: { key: keys.record(old.recordId), condition: versionGuard(old.version, ['approved']) } },
        { put: { key: keys.amendment(old.recordId), attributes: { kind: 'amendment', recordId: old.recordId, amendmentId: record.recordId, amendedAt: at, amendedBy: actor.subject }, condition: absent } },
        { put: { key: keys.record(record.recordId), attributes: toItem(record), condition: absent } },
        auditPut(table, event),
      ]);
      if (!codes) return record;
      if (codes[1] === 'ConditionalCheckFailed') {
        const claim = await table.get(keys.amendment(old.recordId), { consistent: true });
        if (claim) throw alreadyAmended(String(claim.amendmentId));
      }
      return RETRY;
    });
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

function refsOf(r: RecordView) {
  return { recordId: r.recordId, formId: r.formId, formVersion: r.formVersion, recordVersion: r.version };
}

/** Receipt keys never carry the subject or the client's token as such. */
function digest(subject: string, token: string): string {
  return createHash('sha256').update(`${subject}\n${token}`).digest('base64url').slice(0, 32);
}
