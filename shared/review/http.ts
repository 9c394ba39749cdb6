import { recordService } from '#shared/records/http.ts';
import { ReviewHandoff, sendTaskSuccess } from './handoff.ts';

let handoff: Promise<ReviewHandoff> | undefined;

/** The review hand-off of this container (decision routes), created on first use with the container's record service. */
export function reviewHandoff(tableName: string): Promise<ReviewHandoff> {
  handoff ??= recordService(tableName).then((records) => new ReviewHandoff(records, sendTaskSuccess));
  handoff.catch(() => (handoff = undefined));
  return handoff;
}
