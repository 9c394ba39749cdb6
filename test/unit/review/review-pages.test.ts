import { describe, expect, it } from 'vitest';
import type { RecordSummary } from '#shared/records/model.ts';
import type { ReviewHistoryItem } from '#shared/review/history.ts';
import type { OpenReview } from '#shared/review/open-reviews.ts';
import { byUrgency, isOverdue } from '#shared/review/open-reviews.ts';
import { describeStep } from '#shared/records/web/review-history.tsx';
import { byDueDate, dueWords } from '#shared/site/home-page.tsx';

const NOW = new Date('2026-03-10T12:00:00Z');
const open = (recordId: string, due: string): OpenReview => ({ recordId, formId: 'critical_incident_review', waitingFor: 'decision', author: 'a', openedAt: '2026-03-01T00:00:00Z', since: '2026-03-01T00:00:00Z', due, reminders: 0, escalated: false });
const summary = (recordId: string, submittedAt: string) => ({ recordId, formId: 'critical_incident_review', status: 'submitted', submittedAt, updatedAt: submittedAt }) as RecordSummary;

describe('due dates of open reviews', () => {
  it('is overdue only once the due time has passed', () => {
    expect(isOverdue(open('r', '2026-03-10T11:59:59Z'), NOW)).toBe(true);
    expect(isOverdue(open('r', '2026-03-10T12:00:00Z'), NOW)).toBe(false);
  });

  it('says how long a review is overdue, in whole days, or when it is due', () => {
    expect(dueWords(open('r', '2026-03-07T12:00:00Z'), NOW)).toBe('Overdue by 3 days (due 2026-03-07)');
    expect(dueWords(open('r', '2026-03-09T11:00:00Z'), NOW)).toBe('Overdue by 1 day (due 2026-03-09)');
    expect(dueWords(open('r', '2026-03-10T08:00:00Z'), NOW)).toBe('Overdue since today (due 2026-03-10)');
    expect(dueWords(open('r', '2026-03-12T08:00:00Z'), NOW)).toBe('Due 2026-03-12');
  });

  it('lists reviews by due time, earliest (most overdue) first, then records whose review has not started waiting, oldest first', () => {
    const due = new Map([open('b', '2026-03-08T00:00:00Z'), open('a', '2026-03-12T00:00:00Z')].map((o) => [o.recordId, o]));
    const items = [summary('a', '2026-03-01T00:00:00Z'), summary('new2', '2026-03-10T11:00:00Z'), summary('b', '2026-03-02T00:00:00Z'), summary('new1', '2026-03-10T10:00:00Z')];
    expect(byDueDate(items, due).map((r) => r.recordId)).toEqual(['b', 'a', 'new1', 'new2']);
    expect(byUrgency([open('x', '2026-03-09T00:00:00Z'), open('w', '2026-03-09T00:00:00Z'), open('v', '2026-03-01T00:00:00Z')]).map((o) => o.recordId)).toEqual(['v', 'w', 'x']);
  });
});

describe('the review history in words', () => {
  const step = (s: Partial<Extract<ReviewHistoryItem, { kind: 'step' }>>) => describeStep({ kind: 'step', event: 'requested', at: '', version: 2, emailed: 2, ...s } as ReviewHistoryItem);

  it('names the workflow as the actor of its steps, and says how many people were emailed or why nobody was', () => {
    expect(step({})).toEqual({ what: 'Review requested; emailed 2 reviewers', who: 'Review workflow' });
    expect(step({ resubmitted: true, emailed: 1 }).what).toBe('Resubmitted: review requested again; emailed 1 reviewer');
    expect(step({ emailed: 0 }).what).toBe('Review requested; nobody could be emailed: no reviewer has signed in yet');
    expect(step({ event: 'reminded', reminder: 2, waitingFor: 'decision' }).what).toBe('Reminder 2 to the reviewers; emailed 2 reviewers');
    expect(step({ event: 'reminded', reminder: 1, waitingFor: 'resubmission', emailed: 1 }).what).toBe('Reminder 1 to the author to resubmit; emailed 1 author');
    expect(step({ event: 'escalated', reminder: 2, emailed: 1 }).what).toBe('Escalated to the jurisdiction admin after 2 reminders; emailed 1 admin');
    expect(step({ event: 'author_told', decision: 'approved', emailed: 1 }).what).toBe('Author told it was approved');
    expect(step({ event: 'author_told', decision: 'returned', emailed: 0 }).what).toMatch(/^Author told it was returned \(not emailed/);
  });

  it('names who decided, by name and role, and from where', () => {
    const decision = (via: 'web' | 'api' | 'email-link' | 'email-reply', name?: string) =>
      describeStep({ kind: 'decision', at: '', version: 3, to: 'approved', by: { name, role: 'reviewer' }, via });
    expect(decision('email-link', 'Riley Haddad')).toEqual({ what: 'Approved from an email link', who: 'Riley Haddad (Reviewer (agency review lead))' });
    expect(decision('email-reply').who).toBe('Reviewer (agency review lead)');
    expect(decision('api').what).toBe('Approved through the API');
    expect(describeStep({ kind: 'decision', at: '', version: 3, to: 'returned', by: { role: 'reviewer' }, via: 'web' }).what).toBe('Returned for changes on the record page');
  });
});
