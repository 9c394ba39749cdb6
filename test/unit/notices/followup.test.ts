import { describe, expect, it } from 'vitest';
import type { Person } from '#shared/auth/people.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import type { NoticeAnswer } from '#shared/notices/answers.ts';
import { followupOn, hasSomethingDue, NOTICE_REMINDER_DAYS } from '#shared/notices/followup.ts';
import type { PublishedNotice } from '#shared/notices/model.ts';
import { digestNotices, escalateNotices, NOTICE_ANSWER_ROLES, noticesDue, noticeUrl } from '#shared/notices/reminders.ts';
import type { MarkerTable } from '#shared/mail/once.ts';
import type { ScopedKey } from '#shared/storage/scoped-table.ts';
import { publishedNotice } from '../../support/notice-fixtures.ts';

const notice = publishedNotice;
const PARTNER = { id: 'oh-franklin', active: true };
const answer = (status: NoticeAnswer['status'], jurisdictionId = PARTNER.id): NoticeAnswer => ({
  jurisdictionId,
  issuerId: 'ky-dcbs',
  recordId: '01JABCDEFGHJKMNPQRSTVWXYZ0',
  status,
  acknowledgedAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  steps: [],
});

describe('what a notice asks of a partner day by day (shared/notices/followup.ts)', () => {
  it('without an answer: nothing until the reminder window, a reminder on each of its days and on the deadline, then overdue every day', () => {
    expect(NOTICE_REMINDER_DAYS).toBe(3);
    const on = (today: string) => followupOn(notice(), PARTNER, undefined, today);
    expect(on('2026-03-01')).toBeUndefined();
    expect(on('2026-03-16')).toBeUndefined(); // four days before
    expect(on('2026-03-17')).toEqual({ deadline: 'acknowledgement', due: '2026-03-20', daysOverdue: 0, overdue: false });
    expect(on('2026-03-19')).toEqual({ deadline: 'acknowledgement', due: '2026-03-20', daysOverdue: 0, overdue: false });
    expect(on('2026-03-20')).toEqual({ deadline: 'acknowledgement', due: '2026-03-20', daysOverdue: 0, overdue: false });
    expect(on('2026-03-21')).toEqual({ deadline: 'acknowledgement', due: '2026-03-20', daysOverdue: 1, overdue: true });
    // Overdue for acknowledgement while unanswered, even past the action deadline (as the status table counts it).
    expect(on('2026-07-10')).toEqual({ deadline: 'acknowledgement', due: '2026-03-20', daysOverdue: 112, overdue: true });
  });

  it('acknowledged or in progress: the action deadline, with the same window; the acknowledgement deadline no longer counts', () => {
    for (const status of ['acknowledged', 'in_progress'] as const) {
      const on = (today: string) => followupOn(notice(), PARTNER, answer(status), today);
      expect(on('2026-03-25')).toBeUndefined(); // past the acknowledgement deadline, but acknowledged
      expect(on('2026-06-26')).toBeUndefined();
      expect(on('2026-06-27')).toEqual({ deadline: 'action', due: '2026-06-30', daysOverdue: 0, overdue: false });
      expect(on('2026-06-30')).toEqual({ deadline: 'action', due: '2026-06-30', daysOverdue: 0, overdue: false });
      expect(on('2026-07-02')).toEqual({ deadline: 'action', due: '2026-06-30', daysOverdue: 2, overdue: true });
    }
  });

  it('completed or not applicable: nothing, ever', () => {
    for (const status of ['completed', 'not_applicable'] as const) {
      for (const today of ['2026-03-19', '2026-03-25', '2026-06-30', '2026-07-10']) expect(followupOn(notice(), PARTNER, answer(status), today)).toBeUndefined();
    }
  });

  it('a withdrawn notice asks nothing, on any day and of any answer', () => {
    const withdrawn = notice({ status: 'withdrawn', version: 2 });
    for (const a of [undefined, answer('acknowledged'), answer('in_progress')]) {
      for (const today of ['2026-03-18', '2026-03-20', '2026-03-21', '2026-06-30', '2026-07-10']) expect(followupOn(withdrawn, PARTNER, a, today)).toBeUndefined();
    }
    expect(hasSomethingDue(withdrawn, '2026-03-21')).toBe(false);
  });

  it('past its review or expiry date, the issuer itself, a jurisdiction that left: nothing', () => {
    expect(followupOn(notice({ reviewBy: '2026-07-01' }), PARTNER, undefined, '2026-07-01')).toMatchObject({ overdue: true });
    expect(followupOn(notice({ reviewBy: '2026-07-01' }), PARTNER, undefined, '2026-07-02')).toBeUndefined();
    expect(followupOn(notice(), { id: 'ky-dcbs', active: true }, undefined, '2026-03-21')).toBeUndefined();
    expect(followupOn(notice(), { id: 'oh-franklin', active: false }, undefined, '2026-03-21')).toBeUndefined();
  });

  it('a step without its deadline (a version 1 notice) asks nothing day by day', () => {
    const { acknowledgeBy: _a, actBy: _b, ...rest } = notice();
    expect(followupOn(rest as PublishedNotice, PARTNER, undefined, '2026-03-21')).toBeUndefined();
    expect(followupOn(notice({ actBy: undefined }), PARTNER, answer('acknowledged'), '2026-07-10')).toBeUndefined();
    expect(hasSomethingDue(rest as PublishedNotice, '2026-03-21')).toBe(false);
  });

  it('a notice has something due from the first day of a reminder window on', () => {
    expect(hasSomethingDue(notice(), '2026-03-16')).toBe(false);
    expect(hasSomethingDue(notice(), '2026-03-17')).toBe(true);
    expect(hasSomethingDue(notice(), '2026-05-01')).toBe(true); // the unanswered are overdue
    expect(hasSomethingDue(notice({ acknowledgeBy: undefined }), '2026-06-26')).toBe(false);
    expect(hasSomethingDue(notice({ acknowledgeBy: undefined }), '2026-06-27')).toBe(true);
  });
});

describe('the daily run of notices (shared/notices/reminders.ts)', () => {
  const far = notice({ recordId: '01JABCDEFGHJKMNPQRSTVWXYZ1', acknowledgeBy: '2026-05-01', actBy: '2026-08-01', title: 'Not yet' });
  const passed = notice({ recordId: '01JABCDEFGHJKMNPQRSTVWXYZ2', title: 'Passed' });
  const JURISDICTIONS = [
    { id: 'ky-dcbs', active: true },
    { id: 'oh-franklin', active: true },
    { id: 'tn-dcs', active: true },
    { id: 'ga-left', active: false },
  ];

  it('reads answers only of the notices with something due, and says what each active partner has due', async () => {
    const asked: string[] = [];
    const source = {
      active: async () => [far, passed],
      answersTo: async (_issuer: string, recordId: string) => (asked.push(recordId), [answer('completed', 'tn-dcs')]),
    };
    const due = await noticesDue(source, JURISDICTIONS, '2026-03-22');
    expect(asked).toEqual([passed.recordId]);
    expect([...due.keys()]).toEqual(['oh-franklin']);
    expect(due.get('oh-franklin')).toEqual([{ notice: passed, followup: { deadline: 'acknowledgement', due: '2026-03-20', daysOverdue: 2, overdue: true } }]);
  });

  it('the digest entries name the issuer and link to the notice page', () => {
    const entries = digestNotices([{ notice: passed, followup: { deadline: 'acknowledgement', due: '2026-03-20', daysOverdue: 2, overdue: true } }], new Map([['ky-dcbs', 'Kentucky DCBS']]), 'https://safety.example.org/ignored/path');
    expect(entries).toEqual([{ issuerName: 'Kentucky DCBS', title: 'Passed', deadline: 'acknowledgement', dueDate: '2026-03-20', links: { open: `https://safety.example.org/notices/ky-dcbs/${passed.recordId}` } }]);
    expect(noticeUrl('https://safety.example.org', { issuerId: 'a-b', recordId: 'x y' })).toBe('https://safety.example.org/notices/a-b/x%20y');
  });

  it('the answering roles are the reviewers and admins', () => {
    expect([...NOTICE_ANSWER_ROLES].sort()).toEqual(['jurisdiction_admin', 'reviewer']);
  });

  it('escalates an overdue notice once to each admin of the jurisdiction, not a reminder; a rerun sends nothing', async () => {
    const markers = new Map<string, string>();
    const table = (jid: string): MarkerTable => ({
      get: async (k: ScopedKey) => (markers.has(`${jid}|${k.sk}`) ? { state: markers.get(`${jid}|${k.sk}`) } : undefined),
      update: async (u) => {
        const id = `${jid}|${u.key.sk}`;
        if (u.update.expression.startsWith('SET #kind')) {
          if (markers.get(id) === 'sent') throw Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' });
          markers.set(id, 'sending');
        } else markers.set(id, 'sent');
        return {};
      },
    });
    const admins: Record<string, Person[]> = {
      'oh-franklin': [
        { subject: 'a1', role: 'jurisdiction_admin', email: 'admin1@oh.example.gov', lastSignInAt: '' },
        { subject: 'a2', role: 'jurisdiction_admin', email: 'admin2@oh.example.gov', lastSignInAt: '' },
      ],
    };
    const sent: MailMessage[] = [];
    const deps = {
      people: { withRole: async (jid: string) => admins[jid] ?? [] },
      table,
      send: async (m: MailMessage) => (sent.push(m), { kind: m.kind, messageId: `<${sent.length}@x>` }),
      appOrigin: 'https://safety.example.org',
    };
    const due = new Map([
      ['oh-franklin', [
        { notice: passed, followup: { deadline: 'acknowledgement' as const, due: '2026-03-20', daysOverdue: 2, overdue: true } },
        { notice: far, followup: { deadline: 'acknowledgement' as const, due: '2026-05-01', daysOverdue: 0, overdue: false } },
      ]],
      // No admin has signed in: nothing sent, nothing fails.
      ['tn-dcs', [{ notice: passed, followup: { deadline: 'acknowledgement' as const, due: '2026-03-20', daysOverdue: 2, overdue: true } }]],
    ]);
    const names = new Map([['ky-dcbs', 'Kentucky DCBS'], ['oh-franklin', 'Franklin County']]);
    expect(await escalateNotices(deps, due, names, '2026-03-22')).toBe(2);
    expect(sent.map((m) => [m.kind, m.to])).toEqual([
      ['notice_escalation', 'admin1@oh.example.gov'],
      ['notice_escalation', 'admin2@oh.example.gov'],
    ]);
    expect(sent[0]!.text).toContain('Passed');
    expect(sent[0]!.text).toContain('Days past: 2 days');
    expect([...markers.keys()].every((k) => k.startsWith('oh-franklin|SENT#NOTICE#ky-dcbs#') && k.includes('#DEADLINE#acknowledgement#2026-03-20#notice_escalation#'))).toBe(true);
    // The next day's run: the same deadline, escalated already.
    expect(await escalateNotices(deps, due, names, '2026-03-23')).toBe(0);
    expect(sent).toHaveLength(2);
  });
});
