/** A record's name (review id or title, or "Untitled ...") with its system id beside it, as every page shows it. */
import { recordDisplayName } from '#shared/records/naming.ts';

export function RecordName({ record }: { record: { formId: string; recordId: string; reference?: string | undefined } }) {
  const { name, secondaryId } = recordDisplayName(record);
  return (
    <>
      {name} <span class="npcs-record-id text-base">{secondaryId}</span>
    </>
  );
}
