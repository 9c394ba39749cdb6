/**
 * Personal invitation tokens. The table never holds a usable token: an invitation is stored under the SHA-256 of its
 * token, and the token is derived when an email is composed, as HMAC-SHA-256(secret, jurisdiction, wave,
 * invitation id) cut to 128 bits, with a key that lives in Secrets Manager (SURVEY_INVITE_SECRET, shared/secrets.ts).
 * So the reminder can carry the same working link as the invitation without the link ever being stored, and
 * someone who reads the table (or a backup of it) cannot answer in anyone's name.
 *
 * The token starts with the wave id (not secret): a link of a wave that has closed can then say "closed" rather than
 * "no such link", after the wave's staff list is gone.
 */
import { createHash, createHmac } from 'node:crypto';
import { PERSONAL_TOKEN } from '#shared/survey/model.ts';

export const INVITE_SECRET_NAME = 'SURVEY_INVITE_SECRET';

const mac = (secret: string, ...parts: string[]) => createHmac('sha256', secret).update(parts.join('\n'), 'utf8').digest();

/**
 * The opaque id of one invitation: derived from the import and the address, so a retried import writes the same
 * invitation again instead of a second one. It names no one (the exactly-once email markers are keyed by it).
 */
export const invitationIdOf = (secret: string, importId: string, email: string): string => mac(secret, 'survey-invitation-id', importId, email).subarray(0, 16).toString('base64url');

/** The personal token of an invitation: `<wave id><22 characters>`. */
export const invitationToken = (secret: string, jurisdictionId: string, waveId: string, invitationId: string): string =>
  `${waveId}${mac(secret, 'survey-invitation-token', jurisdictionId, waveId, invitationId).subarray(0, 16).toString('base64url')}`;

/** What the table keeps of a token. */
export const tokenDigest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');

export const isPersonalToken = (token: string): boolean => PERSONAL_TOKEN.test(token);
export const waveIdOfToken = (token: string): string => token.slice(0, 26);
