import { contract } from '#shared/http/contract.ts';

export const dictionaryApi = {
  'GET /dictionary': contract({ responses: { 200: { description: 'The data dictionary of every form version', contentType: 'text/html' } } }),
  'GET /dictionary.csv': contract({ responses: { 200: { description: 'The data dictionary as CSV (REDCap-like columns)', contentType: 'text/csv' } } }),
  'GET /dictionary/changelog.csv': contract({ responses: { 200: { description: 'Changes between consecutive form versions', contentType: 'text/csv' } } }),
};
