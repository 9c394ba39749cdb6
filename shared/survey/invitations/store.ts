/**
 * A wave's staff list and its personal invitations, all in the wave's staff list partition
 * (`<jurisdiction>#SURVEY#<wave>#STAFF`, keys.ts), which is deleted whole when the wave closes:
 * - `IMPORT#<import>#<n>`: a validated upload waiting to be written (chunks; removed once written);
 * - `MEMBER#<email>`: who is on the list (what makes a second list add new people only);
 * - `INVITE#<token digest>`: an unused invitation: email, unit, the opaque invitation id, whether it was sent and
 *   how many reminders went out. Deleted when it is used;
 * - `USED#<token digest>`: a used link (no email, no unit): a second try says "already used";
 * - `SENT#<invitation id>#<kind>`: the exactly-once markers of the invitation emails (shared/mail/once.ts).
 *
 * Answering with a personal link is one transaction: delete the invitation, put the used marker, put the response
 * under a random id with the invitation's unit, count it on the wave. Nothing stored afterwards ties the response to
 * the person: the response has no time, no token, no invitation id, and the invitation is gone.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Answers } from '#shared/forms/index.ts';
import { ConflictError, GoneError } from '#shared/errors.ts';
import { cancellationCodes } from '#shared/storage/cancellation.ts';
import { INVITE_SK_PREFIX, IMPORT_SK_PREFIX, keys, MEMBER_SK_PREFIX, partitions } from '#shared/storage/keys.ts';
import type { Item, ScopedTable, ScopedTransactItem } from '#shared/storage/scoped-table.ts';
import { acceptsAnswers, todayUtc, type SurveyWave } from '#shared/survey/model.ts';
import { storedWave } from '#shared/survey/store.ts';
import type { StaffRow } from './csv.ts';
import { invitationIdOf, invitationToken, isPersonalToken, tokenDigest, waveIdOfToken } from './tokens.ts';

/** A second import waits for the first; a lock older than this (its workflow died) no longer holds. */
export const IMPORT_LOCK_MINUTES = 15;
/** Bytes of rows per import chunk item (DynamoDB items hold 400 KB). */
const CHUNK_BYTES = 300_000;
/** Rows per transaction when invitations are written (two items a row; a transaction takes 100). */
const ROWS_PER_TRANSACTION = 50;

/** The wave is closed (or past its date): the link answers 410. */
export class InvitationClosedError extends GoneError {
  override readonly code = 'survey_closed';
}
/** The personal link was used already: 410 with "this link was already used". */
export class InvitationUsedError extends GoneError {
  override readonly code = 'survey_link_used';
}

export interface StagedImport {
  importId: string;
  /** People added (new on the list). */
  added: number;
  /** People already on the wave's list, left out. */
  alreadyListed: number;
}

/** What an unused personal link resolves to. */
export interface Invitation {
  wave: SurveyWave;
  digest: string;
  unit: string;
}

export interface PendingInvitation {
  digest: string;
  invitationId: string;
  email: string;
  unit: string;
  importId: string;
  sent: boolean;
  reminders: number;
}

const invitationOf = (item: Item): PendingInvitation => ({
  digest: String(item.sk).slice(INVITE_SK_PREFIX.length),
  invitationId: String(item.invitationId),
  email: String(item.email),
  unit: String(item.unit),
  importId: String(item.importId),
  sent: item.sent === true,
  reminders: Number(item.reminders ?? 0),
});

async function inBatches<T>(items: readonly T[], size: number, run: (batch: T[]) => Promise<void>, concurrency = 4): Promise<void> {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await run(batches[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
}

export class StaffLists {
  constructor(
    private readonly table: ScopedTable,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private async wave(waveId: string): Promise<SurveyWave | undefined> {
    const item = await this.table.get(keys.surveyWave(waveId), { consistent: true });
    return item ? storedWave(item, this.table.jurisdictionId) : undefined;
  }

  /** Every item of a staff list partition whose sort key starts with `prefix` (paged to the end). */
  private async all(waveId: string, prefix: string, attributes?: readonly string[]): Promise<Item[]> {
    const out: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.table.query({ partition: partitions.surveyStaff(waveId), sk: { beginsWith: prefix }, consistent: true, ...(attributes ? { attributes } : {}), ...(startKey ? { startKey } : {}) });
      out.push(...page.items);
      startKey = page.lastKey;
    } while (startKey);
    return out;
  }

  /**
   * Stores a validated list for the sending workflow, all or nothing: the wave is locked for this import first, the
   * rows are written in chunks under a new import id, and only then does the wave point at the import. A failure on
   * the way leaves chunks no one reads (deleted with the list at close) and releases the lock; nothing is half-imported.
   * People already on the wave's list are left out (a second list adds new people only).
   */
  async stage(waveId: string, rows: readonly StaffRow[]): Promise<StagedImport> {
    const now = this.clock();
    const wave = await this.wave(waveId);
    if (!wave || wave.mode !== 'invitations') throw new ConflictError('This wave does not send personal invitations.');
    if (!acceptsAnswers(wave, todayUtc(now))) throw new InvitationClosedError('This wave is closed: it takes no staff list.');
    const listed = new Set(
      (await this.all(waveId, MEMBER_SK_PREFIX, ['importId']))
        .filter((m) => wave.imports.includes(String(m.importId)))
        .map((m) => String(m.sk).slice(MEMBER_SK_PREFIX.length)),
    );
    const fresh = rows.filter((r) => !listed.has(r.email));
    const importId = randomBytes(12).toString('base64url');
    const result = { importId, added: fresh.length, alreadyListed: rows.length - fresh.length };
    if (fresh.length === 0) return result;

    const lock = { ':id': importId, ':until': now.getTime() + IMPORT_LOCK_MINUTES * 60_000, ':now': now.getTime(), ':open': 'open', ':mode': 'invitations' };
    try {
      await this.table.update({
        key: keys.surveyWave(waveId),
        update: { expression: 'SET importing = :id, importingUntil = :until', values: lock },
        condition: { expression: '#s = :open AND #m = :mode AND (attribute_not_exists(importing) OR importingUntil < :now)', names: { '#s': 'status', '#m': 'mode' }, values: lock },
      });
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new ConflictError('A staff list for this wave is being imported right now. Wait until its invitations are sent (reload this page), then add more people.');
      }
      throw error;
    }
    try {
      const chunks: [string, string][][] = [[]];
      let bytes = 0;
      for (const r of fresh) {
        const size = r.email.length + r.unit.length + 8;
        if (bytes + size > CHUNK_BYTES) {
          chunks.push([]);
          bytes = 0;
        }
        chunks.at(-1)!.push([r.email, r.unit]);
        bytes += size;
      }
      const perUnit: Record<string, number> = { ...(wave.staffCounts ?? {}) };
      for (const r of fresh) perUnit[r.unit] = (perUnit[r.unit] ?? 0) + 1;
      await Promise.all(
        chunks.map((rowsOfChunk, i) =>
          this.table.put({ key: keys.surveyImportChunk(waveId, importId, i), attributes: { kind: 'survey_import', rows: rowsOfChunk }, condition: { expression: 'attribute_not_exists(pk)' } }),
        ),
      );
      // The pointer last: only now does the sending workflow know of this import.
      await this.table.update({
        key: keys.surveyWave(waveId),
        update: { expression: 'SET pendingImport = :pending', values: { ':pending': { importId, chunks: chunks.length, count: fresh.length, staffCounts: perUnit } } },
        condition: { expression: 'importing = :id', values: { ':id': importId } },
      });
    } catch (error) {
      await this.releaseLock(waveId, importId).catch(() => undefined);
      throw error;
    }
    return result;
  }

  async releaseLock(waveId: string, importId: string): Promise<void> {
    await this.table.update({
      key: keys.surveyWave(waveId),
      update: { expression: 'REMOVE importing, importingUntil, pendingImport' },
      condition: { expression: 'importing = :id', values: { ':id': importId } },
    });
  }

  /**
   * Writes the invitations of one chunk of an import, from row `offset`, at most `maxRows` of them (idempotent: the
   * invitation id is derived from the import and the address, so a retried step writes the same items again).
   * Returns where to go on, or undefined when the chunk does not exist (all chunks written).
   */
  async writeInvitations(secret: string, waveId: string, importId: string, chunk: number, offset: number, maxRows: number): Promise<{ chunk: number; offset: number } | undefined> {
    const item = await this.table.get(keys.surveyImportChunk(waveId, importId, chunk), { consistent: true });
    if (!item) return undefined;
    const rows = (item.rows as [string, string][]).slice(offset, offset + maxRows);
    await inBatches(rows, ROWS_PER_TRANSACTION, async (batch) => {
      const items: ScopedTransactItem[] = batch.flatMap(([email, unit]) => {
        const invitationId = invitationIdOf(secret, importId, email);
        const digest = tokenDigest(invitationToken(secret, this.table.jurisdictionId, waveId, invitationId));
        return [
          { put: { key: keys.surveyMember(waveId, email), attributes: { kind: 'survey_member', unit, importId } } },
          { put: { key: keys.surveyInvitation(waveId, digest), attributes: { kind: 'survey_invitation', invitationId, email, unit, importId } } },
        ];
      });
      await this.table.transactWrite(items);
    });
    const done = offset + rows.length;
    return done >= (item.rows as unknown[]).length ? { chunk: chunk + 1, offset: 0 } : { chunk, offset: done };
  }

  /** Makes an import's invitations count (the pointer switch), then removes its chunks. Idempotent. */
  async commitImport(waveId: string, importId: string): Promise<void> {
    const item = await this.table.get(keys.surveyWave(waveId), { consistent: true });
    const pending = item?.pendingImport as { importId: string; chunks: number; count: number; staffCounts: Record<string, number> } | undefined;
    if (pending?.importId === importId) {
      try {
        await this.table.update({
          key: keys.surveyWave(waveId),
          update: {
            expression: 'SET imports = list_append(if_not_exists(imports, :none), :ids), staffCounts = :counts REMOVE importing, importingUntil, pendingImport ADD invited :n',
            values: { ':none': [], ':ids': [importId], ':counts': pending.staffCounts, ':n': pending.count, ':id': importId },
          },
          condition: { expression: 'pendingImport.importId = :id', values: { ':id': importId } },
        });
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    const chunks = await this.all(waveId, `${IMPORT_SK_PREFIX}${importId}#`, []);
    await Promise.all(chunks.map((c) => this.table.delete({ key: { partition: partitions.surveyStaff(waveId), sk: String(c.sk) } })));
  }

  /** A page of unused invitations, from a cursor. */
  async invitations(waveId: string, limit: number, startKey?: Item): Promise<{ items: PendingInvitation[]; next?: Item }> {
    const page = await this.table.query({ partition: partitions.surveyStaff(waveId), sk: { beginsWith: INVITE_SK_PREFIX }, limit, consistent: true, ...(startKey ? { startKey } : {}) });
    return { items: page.items.map(invitationOf), ...(page.lastKey ? { next: page.lastKey } : {}) };
  }

  /** Notes that an invitation's email went out, and counts it, once (a used or already-noted invitation: nothing). */
  async markSent(waveId: string, digest: string): Promise<boolean> {
    return this.countOnce([
      { update: { key: keys.surveyInvitation(waveId, digest), update: { expression: 'SET sent = :t', values: { ':t': true } }, condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(sent)' } } },
      { update: { key: keys.surveyWave(waveId), update: { expression: 'ADD #sent :one', names: { '#sent': 'sent' }, values: { ':one': 1 } } } },
    ]);
  }

  /** Notes reminder `round` (1 or 2) of an invitation, and counts it, once. */
  async markReminded(waveId: string, digest: string, round: number): Promise<boolean> {
    return this.countOnce([
      {
        update: {
          key: keys.surveyInvitation(waveId, digest),
          update: { expression: 'SET reminders = :round', values: { ':round': round } },
          condition: { expression: 'attribute_exists(pk) AND (attribute_not_exists(reminders) OR reminders < :round)', values: { ':round': round } },
        },
      },
      { update: { key: keys.surveyWave(waveId), update: { expression: 'ADD reminded :one', values: { ':one': 1 } } } },
    ]);
  }

  private async countOnce(items: ScopedTransactItem[]): Promise<boolean> {
    try {
      await this.table.transactWrite(items);
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /** Deletes up to `limit` items of the staff list partition; false when it is empty. */
  async deleteSome(waveId: string, limit: number): Promise<boolean> {
    const page = await this.table.query({ partition: partitions.surveyStaff(waveId), limit, consistent: true, attributes: [] });
    if (page.items.length === 0) return false;
    await inBatches(page.items, 1, async ([i]) => this.table.delete({ key: { partition: partitions.surveyStaff(waveId), sk: String(i!.sk) } }), 16);
    return true;
  }

  /** Whether anything is left of a wave's staff list (emails, digests, markers). */
  async isEmpty(waveId: string): Promise<boolean> {
    return (await this.table.query({ partition: partitions.surveyStaff(waveId), limit: 1, consistent: true, attributes: [] })).items.length === 0;
  }

  async markStaffListDeleted(waveId: string): Promise<void> {
    await this.table.update({ key: keys.surveyWave(waveId), update: { expression: 'SET staffListDeletedAt = if_not_exists(staffListDeletedAt, :at)', values: { ':at': this.clock().toISOString() } } });
  }

  /**
   * The invitation behind a personal token: its wave (open), the token's digest and the unit. A closed wave:
   * InvitationClosedError; a used link: InvitationUsedError; anything else (forged, mistyped, another wave or
   * jurisdiction): undefined.
   */
  async resolve(token: string): Promise<Invitation | undefined> {
    if (!isPersonalToken(token)) return undefined;
    const wave = await this.wave(waveIdOfToken(token));
    if (!wave || wave.mode !== 'invitations') return undefined;
    const digest = tokenDigest(token);
    if (!acceptsAnswers(wave, todayUtc(this.clock()))) throw new InvitationClosedError('This survey is closed.');
    const [invitation, used] = await Promise.all([
      this.table.get(keys.surveyInvitation(wave.waveId, digest), { consistent: true }),
      this.table.get(keys.surveyUsedLink(wave.waveId, digest), { consistent: true }),
    ]);
    if (used) throw new InvitationUsedError('This link was already used.');
    if (!invitation || !wave.imports.includes(String(invitation.importId))) return undefined;
    return { wave, digest, unit: String(invitation.unit) };
  }

  /**
   * Answers with a personal link, in one transaction: the invitation is deleted (it must exist: unused), the used
   * marker put, the response put under a random id with the invitation's unit, and the wave counts it (it must be
   * open and not past its date). A second try: InvitationUsedError, nothing stored.
   */
  async respond(invitation: Invitation, answers: Answers): Promise<void> {
    const { wave, digest } = invitation;
    const today = todayUtc(this.clock());
    if (!acceptsAnswers(wave, today)) throw new InvitationClosedError('This survey is closed.');
    try {
      await this.table.transactWrite([
        { delete: { key: keys.surveyInvitation(wave.waveId, digest), condition: { expression: 'attribute_exists(pk)' } } },
        { put: { key: keys.surveyUsedLink(wave.waveId, digest), attributes: { kind: 'survey_used_link' }, condition: { expression: 'attribute_not_exists(pk)' } } },
        {
          put: {
            // Random, not derived from the token, the invitation or the time: nothing leads from one to the other.
            key: keys.surveyResponse(wave.waveId, randomUUID()),
            attributes: { kind: 'survey_response', formId: wave.formId, formVersion: wave.formVersion, answers: { ...answers, unit: invitation.unit } },
            condition: { expression: 'attribute_not_exists(pk)' },
          },
        },
        {
          update: {
            key: keys.surveyWave(wave.waveId),
            update: { expression: 'ADD answered :one, responseCount :one', values: { ':one': 1 } },
            condition: { expression: '#s = :open AND closesOn >= :today', names: { '#s': 'status' }, values: { ':open': 'open', ':today': today } },
          },
        },
      ]);
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed' || codes?.[1] === 'ConditionalCheckFailed') throw new InvitationUsedError('This link was already used.');
      if (codes?.[3] === 'ConditionalCheckFailed') throw new InvitationClosedError('This survey is closed.');
      throw error;
    }
  }
}
