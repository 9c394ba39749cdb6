/**
 * What the issuer does with a published notice besides updating it through an amendment (docs/notices.md,
 * "Publication"): withdraw it, with a reason partners are told. One transaction: the withdrawn version, its history
 * entry and the audit event.
 */
import { auditPut, newAuditEvent } from '#shared/audit/store.ts';
import type { Actor } from '#shared/audit/model.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '#shared/errors.ts';
import { validationFailed } from '#shared/http/validation.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import type { PublishedNotice } from './model.ts';
import { currentPublication, withdrawalOf } from './published.ts';

/** The longest withdrawal reason kept (the same bound as a record's reasons). */
export const WITHDRAW_REASON_MAX = 2000;

export async function withdrawNotice(table: ScopedTable, actor: Actor, recordId: string, reason: string, now: Date = new Date()): Promise<PublishedNotice> {
  if (actor.jurisdictionId !== table.jurisdictionId) throw new ForbiddenError('You can only withdraw notices your own jurisdiction published.');
  const given = reason.trim();
  if (!given) throw validationFailed([{ field: 'reason', message: 'Say why the notice is withdrawn: partners are told' }]);
  if (given.length > WITHDRAW_REASON_MAX) throw validationFailed([{ field: 'reason', message: `Keep the reason to ${WITHDRAW_REASON_MAX.toLocaleString('en-US')} characters (it has ${given.length.toLocaleString('en-US')})` }]);
  const current = await currentPublication(table, recordId);
  if (!current) throw new NotFoundError('Your jurisdiction has published no notice with this id.');
  if (current.status === 'withdrawn') throw new ConflictError('This notice is withdrawn already.');
  const withdrawal = withdrawalOf(table, current, given, now);
  const event = newAuditEvent(actor, { action: 'notice.withdrawn', recordId }, now);
  try {
    await table.transactWrite([...withdrawal.items, auditPut(table, event)]);
  } catch (e) {
    if ((e as { name?: string }).name === 'TransactionCanceledException') throw new ConflictError('The notice changed at the same moment (an update or another withdrawal); reload it and try again.');
    throw e;
  }
  return withdrawal.notice;
}
