import type { PublishedNotice } from '#shared/notices/model.ts';

/** A published notice of ky-dcbs, version 1, active, with both deadlines (unit tests of distribution and follow-up). */
export const publishedNotice = (over: Partial<PublishedNotice> = {}): PublishedNotice => ({
  issuerId: 'ky-dcbs',
  recordId: '01JABCDEFGHJKMNPQRSTVWXYZ0',
  formVersion: 2,
  version: 1,
  status: 'active',
  firstPublishedAt: '2026-03-01T10:00:00.000Z',
  publishedAt: '2026-03-01T10:00:00.000Z',
  level: 'advisory',
  theme: 'safe_sleep',
  title: 'Safe sleep checks',
  noticeDate: '2026-03-01',
  systemicIssue: 'Home visits did not ask where the infant sleeps.',
  actions: ['Ask at each visit'],
  acknowledgeBy: '2026-03-20',
  actBy: '2026-06-30',
  audience: [],
  reviewBy: '2027-03-01',
  contactMailbox: 'team@ky.example.gov',
  ...over,
});
