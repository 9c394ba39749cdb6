/** Cancellation reason codes of a cancelled TransactWriteItems (one per item, in order); undefined for any other failure. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (typeof error !== 'object' || error === null || (error as { name?: string }).name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}
