/**
 * A published safety notice (docs/notices.md, "Publication"): the de-identified, read-only copy of an approved notice
 * that every partner jurisdiction reads. It carries what partners act on and nothing of the issuer's review: no
 * draft, no history of the record, no reviewer or reviewer note, no author. Made from the approved answers of
 * either form version (v1's single `recommended_actions` text becomes one action).
 */
import type { RecordView } from '#shared/records/model.ts';

/** The form of safety notices (a record form: shared/records/model.ts RECORD_FORMS). */
export const NOTICE_FORM_ID = 'safety_notice';

export const NOTICE_STATUSES = ['active', 'withdrawn'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export interface PublishedNotice {
  issuerId: string;
  recordId: string;
  formVersion: number;
  /** 1 at the first publication; each update (an amended notice approved again) or withdrawal adds one. */
  version: number;
  status: NoticeStatus;
  firstPublishedAt: string;
  /** When this version was published. */
  publishedAt: string;
  /** Why this version differs from the one before (the amendment's or the withdrawal's reason); absent on version 1. */
  changeReason?: string;
  level: string;
  theme: string;
  title: string;
  noticeDate: string;
  systemicIssue: string;
  evidence?: string;
  actions: string[];
  acknowledgeBy?: string;
  actBy?: string;
  audience: string[];
  reviewBy: string;
  contactRole?: string;
  contactMailbox: string;
}

/** The parts of a publication that come from the record's approved answers. */
export type NoticeContent = Omit<PublishedNotice, 'issuerId' | 'recordId' | 'version' | 'status' | 'firstPublishedAt' | 'publishedAt' | 'changeReason'>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const optionalText = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const codes = (v: unknown): string[] => (Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : []);

/** What partners read of an approved notice's answers (validated by its form version when it was submitted). */
export function noticeContent(record: Pick<RecordView, 'formVersion' | 'answers'>): NoticeContent {
  const a = record.answers as Record<string, unknown>;
  const grouped = Array.isArray(a.actions) ? a.actions.map((entry) => optionalText((entry as Record<string, unknown> | null)?.action)).filter((x): x is string => x !== undefined) : [];
  const actions = grouped.length > 0 ? grouped : [optionalText(a.recommended_actions)].filter((x): x is string => x !== undefined);
  const content: NoticeContent = {
    formVersion: record.formVersion,
    level: text(a.notice_type),
    theme: text(a.theme),
    title: text(a.title),
    noticeDate: text(a.notice_date),
    systemicIssue: text(a.systemic_issue),
    actions,
    audience: codes(a.audience),
    reviewBy: text(a.review_by_date),
    contactMailbox: text(a.contact_mailbox),
  };
  const optional = { evidence: optionalText(a.evidence), acknowledgeBy: optionalText(a.acknowledge_by), actBy: optionalText(a.act_by), contactRole: optionalText(a.contact_role) };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (content as unknown as Record<string, unknown>)[k] = v;
  return content;
}
