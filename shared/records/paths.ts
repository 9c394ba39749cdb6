/** The web paths of a record's pages (the record pages link to them, and so do the home page and the audit log). */
export const recordPath = (recordId: string) => `/records/${encodeURIComponent(recordId)}`;
export const amendPath = (recordId: string) => `${recordPath(recordId)}/amend`;
export const historyPath = (recordId: string) => `${recordPath(recordId)}/history`;
export const sectionPath = (recordId: string, sectionId: string) => `${recordPath(recordId)}/sections/${encodeURIComponent(sectionId)}`;
