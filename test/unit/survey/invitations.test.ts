import { describe, expect, it } from 'vitest';
import { mailEventKey } from '#shared/mail/once.ts';
import { parseMailMessage } from '#shared/mail/message.ts';
import { surveyInvitationMail } from '#shared/mail/templates/survey.tsx';
import { invitationIdOf, invitationToken, isPersonalToken, tokenDigest, waveIdOfToken } from '#shared/survey/invitations/tokens.ts';
import { PERSONAL_TOKEN, surveyLink, tokenOf } from '#shared/survey/model.ts';

const WAVE = '01JABCDEFGHJKMNPQRSTVWXYZ0';
const SECRET = 'a-test-secret-of-enough-length-0123456789';

describe('personal invitation tokens', () => {
  it('are the wave id and 128 derived bits; stable for one invitation, different across invitations, waves, jurisdictions and keys', () => {
    const id = invitationIdOf(SECRET, 'import-1', 'jane@agency.example.gov');
    expect(id).toBe(invitationIdOf(SECRET, 'import-1', 'jane@agency.example.gov'));
    expect(id).not.toBe(invitationIdOf(SECRET, 'import-2', 'jane@agency.example.gov'));
    const token = invitationToken(SECRET, 'ky-dcbs', WAVE, id);
    expect(token).toMatch(PERSONAL_TOKEN);
    expect(isPersonalToken(token)).toBe(true);
    expect(waveIdOfToken(token)).toBe(WAVE);
    expect(token.length).toBe(48);
    expect(new Set([token, invitationToken(SECRET, 'oh-franklin-fccs', WAVE, id), invitationToken(SECRET, 'ky-dcbs', '01JABCDEFGHJKMNPQRSTVWXYZ1', id), invitationToken(`${SECRET}x`, 'ky-dcbs', WAVE, id)]).size).toBe(4);
    // What the table keeps is a digest, from which the token cannot be read back.
    expect(tokenDigest(token)).not.toContain(token.slice(26));
    expect(tokenDigest(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a pasted whole link gives its token; the link puts the token after #', () => {
    const link = surveyLink('https://npcs.example.org', 'ky-dcbs', 'tok');
    expect(link).toBe('https://npcs.example.org/survey/ky-dcbs#tok');
    expect(tokenOf(` ${link} `)).toBe('tok');
    expect(tokenOf('tok')).toBe('tok');
  });
});

describe('survey email markers', () => {
  it('are keyed by the invitation id and round, never by the address', () => {
    const occasion = { survey: { waveId: WAVE, invitationId: 'inv_1' }, round: 0 };
    expect(mailEventKey('survey_invitation', occasion, 'jane@agency.example.gov')).toBe('inv_1#survey_invitation');
    expect(mailEventKey('survey_reminder', { ...occasion, round: 2 }, 'jane@agency.example.gov')).toBe('inv_1#survey_reminder-2');
    expect(mailEventKey('survey_invitation', occasion, 'other@agency.example.gov')).toBe('inv_1#survey_invitation');
    expect(() => mailEventKey('survey_reminder', occasion, 'x@y.example.org')).toThrow();
    expect(() => mailEventKey('survey_invitation', { day: '2027-01-01' }, 'x@y.example.org')).toThrow();
    expect(() => mailEventKey('review_request', occasion, 'x@y.example.org')).toThrow();
  });
});

describe('the invitation email', () => {
  const token = invitationToken(SECRET, 'ky-dcbs', WAVE, 'inv_1');
  const data = { jurisdictionName: 'Kentucky DCBS', waveTitle: 'Spring 2027', closesOn: '2027-04-30', link: surveyLink('https://npcs.example.org', 'ky-dcbs', token), code: token, round: 0 };

  it('carries the link, the code, the closing date and how answers stay anonymous, in HTML and text', () => {
    const mail = surveyInvitationMail(data);
    expect(parseMailMessage({ kind: 'survey_invitation', to: 'jane@agency.example.gov', ...mail })).toBeTruthy();
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(data.link);
      expect(part).toContain(token);
      expect(part).toContain('April 30, 2027');
      expect(part).toContain('Your answers are anonymous');
    }
    expect(mail.subject).not.toMatch(/^Reminder/);
    expect(surveyInvitationMail({ ...data, round: 1 }).subject).toMatch(/^Reminder: /);
  });

  it('refuses a link that is not http(s) and a code that is not one', () => {
    expect(() => surveyInvitationMail({ ...data, link: 'javascript:alert(1)' })).toThrow();
    expect(() => surveyInvitationMail({ ...data, code: 'x y' })).toThrow();
  });
});
