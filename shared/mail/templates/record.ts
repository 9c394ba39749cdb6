/**
 * The MailRecord of a stored record: the only fields an email may show, picked by name (the answers never pass),
 * with the form's title from the version the record was written with. Kept apart from the templates because it
 * loads the form registry, which a function may already have (the records service) or not need.
 */
import { getForm } from '#shared/forms/registry.ts';
import type { MailRecord } from './model.ts';

export function mailRecordOf(record: { recordId: string; formId: string; formVersion: number; reference?: string | undefined }, dueDate: string): MailRecord {
  const formTitle = getForm(record.formId, record.formVersion).title;
  return { recordId: record.recordId, formId: record.formId, formTitle, ...(record.reference ? { reference: record.reference } : {}), dueDate };
}
