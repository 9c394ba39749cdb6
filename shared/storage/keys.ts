import * as z from 'zod/mini';
import '#shared/zod-config.ts';

/**
 * The key registry of the one table (see docs/architecture.md): every partition key, sort key and index name a
 * store uses is built here, and the IAM dynamodb:LeadingKeys patterns are derived from the same builders.
 * - every jurisdiction-owned item: pk = `<jurisdictionId>` or `<jurisdictionId>#<kind>...`, so an IAM policy with
 *   dynamodb:LeadingKeys = [`<id>`, `<id>#*`] confines a credential to one jurisdiction;
 * - partnership-wide listings go through gsi1 under a `REGISTRY#...` or `AUDIT#ALL` partition.
 * Jurisdiction ids are lowercase slugs without `#`, so no id is a prefix-with-separator of another.
 */
export const jurisdictionIdSchema = z
  .string()
  .check(
    z.minLength(2, 'A jurisdiction id has at least 2 characters'),
    z.maxLength(40, 'A jurisdiction id has at most 40 characters'),
    z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'A jurisdiction id is lowercase letters, digits and single hyphens, such as "ky-dcbs"'),
  );

export type JurisdictionId = z.infer<typeof jurisdictionIdSchema>;

/** The one global secondary index and its key attributes (infra/constructs/data.ts creates it from these). */
export const GSI1 = { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' } as const;

/**
 * Partition suffixes of jurisdiction-owned items: the scoped table (shared/storage/scoped-table.ts) stores them as
 * `<jurisdictionId>#<suffix>`; a jurisdiction's profile is the bare `<jurisdictionId>`.
 */
export const partitions = {
  records: 'RECORDS',
  requests: 'REQUESTS',
  record: (recordId: string) => `REC#${recordId}`,
  audit: 'AUDIT',
  survey: 'SURVEY',
  surveyResponses: (waveId: string) => `SURVEY#${waveId}`,
  /**
   * A wave's staff list while it is open (shared/survey/invitations/): the imported rows, the invitations (email, unit,
   * a digest of the token), the used-link markers and the invitation emails' exactly-once markers. Deleted whole
   * when the wave closes: nothing else keeps the emails.
   */
  surveyStaff: (waveId: string) => `SURVEY#${waveId}#STAFF`,
  mail: 'MAIL',
  /** The people of a jurisdiction the platform may email (shared/people/directory.ts), written at sign-in. */
  people: 'PEOPLE',
  /** Emailed review action ids (their SHA-256 only) and the slot that keeps one live id per record, round, action and reviewer. */
  reviewActions: 'ACTIONS',
  /** The jurisdiction's open reviews (shared/review/open-reviews.ts): what waits, since when, due when. */
  reviews: 'REVIEWS',
  /**
   * The jurisdiction's published safety notices (shared/notices/published.ts): the de-identified, read-only copies
   * every partner reads, and their publication history. The one kind of item read across jurisdictions.
   */
  published: 'PUBLISHED',
  /** The jurisdiction's answers to partners' notices (shared/notices/answers.ts): one item per notice it answered. */
  noticeAnswers: 'NOTICE_ANSWERS',
  /** The emailed links of partners' notices sent to this jurisdiction (shared/notices/links.ts): SHA-256 of each id only. */
  noticeLinks: 'NOTICE_LINKS',
} as const;

const SESSION_PREFIX = 'SESSION#';
/** Partnership-wide items (not jurisdiction-owned): uppercase, so no jurisdiction id (lowercase) can collide. */
const PARTNERSHIP_PREFIX = 'PARTNERSHIP#';
const INBOUND_PREFIX = 'INBOUND#';
const SIGNIN_PREFIX = 'SIGNIN#';
export const RECORD_SK_PREFIX = 'REC#';
export const WAVE_SK_PREFIX = 'WAVE#';
export const RESPONSE_SK_PREFIX = 'RESPONSE#';
export const RESULTS_SK_PREFIX = 'RESULTS#';
export const VERSION_SK_PREFIX = 'VERSION#';
export const PRECHECK_SK_PREFIX = 'PRECHECK#';
export const IMPORT_SK_PREFIX = 'IMPORT#';
export const MEMBER_SK_PREFIX = 'MEMBER#';
export const INVITE_SK_PREFIX = 'INVITE#';

export const keys = {
  /** The stored partition key of a jurisdiction-owned partition suffix (what the scoped table writes). */
  owned: (jurisdictionId: JurisdictionId, suffix: string) => `${jurisdictionId}#${suffix}`,
  jurisdictionProfile: (id: JurisdictionId) => ({ pk: id, sk: 'PROFILE' }) as const,
  /** The profile's key inside its own jurisdiction's scoped handle. */
  profileInJurisdiction: { sk: 'PROFILE' } as const,
  /** gsi1 partition that lists every jurisdiction of the registry. */
  registryPartition: 'REGISTRY#JURISDICTION',
  /** gsi1 sort key of a profile: the registry lists by state, then name. */
  registrySort: (state: string, name: string) => `${state}#${name}`,
  registryStatePrefix: (state: string) => `${state}#`,
  /** Sessions and sign-in transactions are not jurisdiction-owned: their own prefixes (the hash of a random id). */
  session: (idHash: string) => ({ pk: `${SESSION_PREFIX}${idHash}`, sk: 'SESSION' }) as const,
  signIn: (idHash: string) => ({ pk: `${SIGNIN_PREFIX}${idHash}`, sk: 'SIGNIN' }) as const,
  /**
   * How far the reply function got with one inbound message (shared/review/inbound.ts), by a digest of its SES
   * message id: not jurisdiction-owned, because a reply's jurisdiction is known only once its address is read.
   */
  inboundReply: (messageDigest: string) => ({ pk: `${INBOUND_PREFIX}${messageDigest}`, sk: 'REPLY' }) as const,
  record: (recordId: string) => ({ partition: partitions.records, sk: `${RECORD_SK_PREFIX}${recordId}` }),
  submission: (recordId: string, submissionId: string) => ({ partition: partitions.record(recordId), sk: `SUBMISSION#${submissionId}` }),
  /** A session's audited read of a record (`readerSession` is an opaque digest of the session, never its id). */
  readMarker: (recordId: string, readerSession: string) => ({ partition: partitions.record(recordId), sk: `READ#${readerSession}` }),
  /** A kept version of a record; zero-padded so that the sort key orders versions. */
  version: (recordId: string, version: number) => ({ partition: partitions.record(recordId), sk: `${VERSION_SK_PREFIX}${String(version).padStart(9, '0')}` }),
  /**
   * A safety notice's pre-publication check of one submission (shared/notices/precheck-store.ts), by the record version
   * that submission made: written once by the notice-tasks function, read on the reviewer's page.
   */
  noticePrecheck: (recordId: string, version: number) => ({ partition: partitions.record(recordId), sk: `${PRECHECK_SK_PREFIX}${String(version).padStart(9, '0')}` }),
  /** What a record's review workflow waits for now (a decision or a resubmission), with the task token. */
  reviewWait: (recordId: string) => ({ partition: partitions.record(recordId), sk: 'REVIEW#WAIT' }),
  /** The one decision on a record's version: the first to claim it wins (a web click, an email link, a reply). */
  reviewDecision: (recordId: string, version: number) => ({ partition: partitions.record(recordId), sk: `REVIEW#DECISION#${String(version).padStart(9, '0')}` }),
  /** One step of a record's review that no audit event records (emails sent, reminders, escalations): its history. */
  reviewLog: (recordId: string, step: string) => ({ partition: partitions.record(recordId), sk: `REVIEW#LOG#${step}` }),
  /** A record's entry in its jurisdiction's list of open reviews. */
  openReview: (recordId: string) => ({ partition: partitions.reviews, sk: `OPEN#${recordId}` }),
  createReceipt: (digest: string) => ({ partition: partitions.requests, sk: `CREATE#${digest}` }),
  auditEvent: (at: string, eventId: string) => ({ partition: partitions.audit, sk: `${at}#${eventId}` }),
  /** gsi1 partition of every jurisdiction's audit events (platform admins' view). */
  auditIndexPartition: 'AUDIT#ALL',
  auditIndexSort: (at: string, jurisdictionId: string, eventId: string) => `${at}#${jurisdictionId}#${eventId}`,
  surveyWave: (waveId: string) => ({ partition: partitions.survey, sk: `${WAVE_SK_PREFIX}${waveId}` }),
  /**
   * A wave's open link, by the digest of its token (shared/survey/invitations/tokens.ts `tokenDigest`): keys are what
   * CloudTrail data events record, so no key holds a token (docs/operations.md, "Logs").
   */
  surveyLink: (tokenDigest: string) => ({ partition: partitions.survey, sk: `LINK#${tokenDigest}` }),
  /** A closed wave's frozen results (shared/survey/results/freeze.ts), beside its wave item: put once, never changed. */
  surveyResults: (waveId: string) => ({ partition: partitions.survey, sk: `${RESULTS_SK_PREFIX}${waveId}` }),
  surveyResponse: (waveId: string, responseId: string) => ({ partition: partitions.surveyResponses(waveId), sk: `${RESPONSE_SK_PREFIX}${responseId}` }),
  /** A chunk of a validated staff list import, kept until the sending workflow has written its invitations. */
  surveyImportChunk: (waveId: string, importId: string, chunk: number) => ({ partition: partitions.surveyStaff(waveId), sk: `${IMPORT_SK_PREFIX}${importId}#${String(chunk).padStart(4, '0')}` }),
  /** One person of a wave's staff list, by lower-cased email: what makes a second list add new people only. */
  surveyMember: (waveId: string, email: string) => ({ partition: partitions.surveyStaff(waveId), sk: `${MEMBER_SK_PREFIX}${email}` }),
  /** An unused personal invitation, by the SHA-256 of its token (the token itself is never stored). */
  surveyInvitation: (waveId: string, tokenDigest: string) => ({ partition: partitions.surveyStaff(waveId), sk: `${INVITE_SK_PREFIX}${tokenDigest}` }),
  /** A used personal link (no email, no unit): a second try says "already used". */
  surveyUsedLink: (waveId: string, tokenDigest: string) => ({ partition: partitions.surveyStaff(waveId), sk: `USED#${tokenDigest}` }),
  /** The exactly-once marker of an invitation email, by the opaque invitation id (never an address). */
  surveyMailMarker: (waveId: string, event: string) => ({ partition: partitions.surveyStaff(waveId), sk: `SENT#${event}` }),
  /** A person of the jurisdiction, by their subject (the identity provider's id), as their last sign-in said. */
  person: (subject: string) => ({ partition: partitions.people, sk: `PERSON#${subject}` }),
  /** The exactly-once marker of one email (shared/mail/once.ts): `event` is the mail event key, never an address. */
  mailMarker: (event: string) => ({ partition: partitions.mail, sk: `SENT#${event}` }),
  /** A review action id, by the SHA-256 (hex) of the id: the id itself is never stored. */
  reviewAction: (idDigest: string) => ({ partition: partitions.reviewActions, sk: `ACTION#${idDigest}` }),
  /** Which id is live for one record, round, action and reviewer (the reviewer as a digest of the subject). */
  reviewActionSlot: (recordId: string, round: number, action: string, reviewerDigest: string) => ({
    partition: partitions.reviewActions,
    sk: `SLOT#${recordId}#${String(round).padStart(6, '0')}#${action}#${reviewerDigest}`,
  }),
  /**
   * gsi1 of an action id: an emailed reply names the id but not its jurisdiction, so the reply function finds the
   * owning partition here, then reads the item itself under the jurisdiction's key.
   */
  reviewActionIndex: (idDigest: string) => `ACTION#${idDigest}`,
  reviewActionIndexSort: 'ACTION',
  /** A published notice's current copy, and one entry per publication version (1, 2, ...: an update or a withdrawal). */
  publishedNotice: (recordId: string) => ({ partition: partitions.published, sk: `NOTICE#${recordId}` }),
  publishedNoticeVersion: (recordId: string, version: number) => ({ partition: partitions.published, sk: `NOTICE#${recordId}#V#${String(version).padStart(6, '0')}` }),
  /** gsi1 partition of every published notice (the library), newest first publication first. */
  publishedNoticesIndex: 'NOTICES#PUBLISHED',
  publishedNoticesIndexSort: (firstPublishedAt: string, issuerId: string, recordId: string) => `${firstPublishedAt}#${issuerId}#${recordId}`,
  /** A jurisdiction's answer to one published notice, in the answering jurisdiction's own partition. */
  noticeAnswer: (issuerId: string, recordId: string) => ({ partition: partitions.noticeAnswers, sk: `NOTICE#${issuerId}#${recordId}` }),
  /** gsi1 of every answer to one notice (the issuer's status table), by answering jurisdiction. */
  noticeAnswersIndex: (issuerId: string, recordId: string) => `NOTICE_ANSWERS#${issuerId}#${recordId}`,
  /** An emailed notice link (acknowledge or open), in the recipient jurisdiction's partition, by the SHA-256 (hex) of its id. */
  noticeLink: (idDigest: string) => ({ partition: partitions.noticeLinks, sk: `LINK#${idDigest}` }),
  /** gsi1 of a notice link: the link names only the id, so the page finds the recipient jurisdiction here, then reads the item. */
  noticeLinkIndex: (idDigest: string) => `NOTICE_LINK#${idDigest}`,
  noticeLinkIndexSort: 'NOTICE_LINK',
  /** The partnership's survey baselines and targets (shared/survey/targets.ts): one item, set by platform admins. */
  surveyTargets: { pk: `${PARTNERSHIP_PREFIX}SURVEY`, sk: 'TARGETS' } as const,
  /** Audit events of partnership-wide settings (shared/audit/partnership.ts): append-only, like a jurisdiction's. */
  partnershipAuditPartition: `${PARTNERSHIP_PREFIX}AUDIT`,
  partnershipAuditEvent: (at: string, eventId: string) => ({ pk: `${PARTNERSHIP_PREFIX}AUDIT`, sk: `${at}#${eventId}` }) as const,
  /**
   * The head of one audit chain in the archive bucket (shared/audit/archive/): its last batch's number and hash, and the
   * last stream record it chained. One partition for every chain, written only by the audit-archive function.
   */
  auditChainHeadsPartition: `${PARTNERSHIP_PREFIX}AUDIT_CHAIN`,
  auditChainHead: (chain: string) => ({ pk: `${PARTNERSHIP_PREFIX}AUDIT_CHAIN`, sk: `HEAD#${chain}` }) as const,
  /** People of partnership-wide roles (partnership leads) as their last sign-in said: whom the reports are emailed to. */
  partnershipPeoplePartition: `${PARTNERSHIP_PREFIX}PEOPLE`,
  partnershipPerson: (subject: string) => ({ pk: `${PARTNERSHIP_PREFIX}PEOPLE`, sk: `PERSON#${subject}` }) as const,
  /** Exactly-once markers of emails to partnership-wide people (shared/mail/once.ts), like a jurisdiction's `MAIL`. */
  partnershipMailMarker: (event: string) => ({ pk: `${PARTNERSHIP_PREFIX}MAIL`, sk: `SENT#${event}` }) as const,
  /** The published release of each report period (shared/reports/store.ts): the switch a run writes last. */
  reportReleasesPartition: `${PARTNERSHIP_PREFIX}REPORTS`,
  reportRelease: (cadence: string, periodId: string) => ({ pk: `${PARTNERSHIP_PREFIX}REPORTS`, sk: `RELEASE#${cadence}#${periodId}` }) as const,
  /** The warehouse feed's releases (shared/warehouse/store.ts): the current one (the switch) and one entry per release. */
  warehouseReleasesPartition: `${PARTNERSHIP_PREFIX}WAREHOUSE`,
  warehouseCurrent: { pk: `${PARTNERSHIP_PREFIX}WAREHOUSE`, sk: 'CURRENT' } as const,
  warehouseRelease: (releaseId: string) => ({ pk: `${PARTNERSHIP_PREFIX}WAREHOUSE`, sk: `RELEASE#${releaseId}` }) as const,
};

/**
 * dynamodb:LeadingKeys patterns (IAM StringLike) of each kind of partition, derived from the builders above so the
 * grants cannot drift from the keys: infra/constructs/platform-function.ts and shared/storage/session-policy.ts.
 */
export const leadingKeyPatterns = {
  /** The only deletable items. */
  sessions: [keys.session('*').pk, keys.signIn('*').pk],
  /** Waves and links, and each wave's responses, of any jurisdiction. */
  survey: [keys.owned('*', partitions.survey), keys.owned('*', partitions.surveyResponses('*'))],
  /** The staff lists of every wave: the only survey items anything deletes (an answered invitation; the list at close). */
  surveyStaff: [keys.owned('*', partitions.surveyStaff('*'))],
  /** The people directories of every jurisdiction (the auth function writes them at sign-in). */
  people: [keys.owned('*', partitions.people)],
  /** Append-only partitions (`*#AUDIT` also matches the partnership's `PARTNERSHIP#AUDIT`). */
  audit: [keys.owned('*', partitions.audit)],
  /**
   * What the reports workflow writes (shared/reports/run.ts): its digests' exactly-once markers (every jurisdiction's
   * `MAIL` partition and the partnership's) and the period switches. It reads everything else it needs.
   */
  reportWrites: [keys.owned('*', partitions.mail), keys.reportReleasesPartition],
  /**
   * The notices' pre-publication check (functions/notice-tasks) reads records (`<jurisdiction>#RECORDS`) and writes its
   * report into the record's own partition (`<jurisdiction>#REC#<recordId>`). IAM cannot confine a write by sort key:
   * the code writes `PRECHECK#` items only, with PutItem only (no update) and a condition that the item is new.
   */
  noticePrecheckReads: [keys.owned('*', partitions.records)],
  noticePrecheckWrites: [keys.owned('*', partitions.record('*'))],
  /**
   * The notices' distribution (functions/notice-tasks, shared/notices/distribution.ts) reads the published notices'
   * current copies and writes each recipient jurisdiction's exactly-once mail markers (`<jurisdiction>#MAIL`) and
   * its emailed links (`<jurisdiction>#NOTICE_LINKS`).
   */
  noticeDistributionReads: [keys.owned('*', partitions.published)],
  noticeDistributionMarkers: [keys.owned('*', partitions.mail)],
  noticeDistributionLinks: [keys.owned('*', partitions.noticeLinks)],
  /**
   * What the reports workflow reads beside the registry (shared/reports/): every jurisdiction's records list (the
   * aggregation reads the listing items only), its survey partition (closed waves' frozen results), its people (whom
   * the digest goes to), its published notices, and partnership items. Never a record's own partition, a response,
   * a staff list or an audit event.
   */
  reportReads: [
    keys.owned('*', partitions.records),
    keys.owned('*', partitions.survey),
    keys.owned('*', partitions.people),
    keys.owned('*', partitions.published),
    `${PARTNERSHIP_PREFIX}*`,
  ],
  /** What the warehouse workflow reads beside the registry (shared/warehouse/extract.ts): the records lists and its releases. */
  warehouseReads: [keys.owned('*', partitions.records), keys.warehouseReleasesPartition],
  /** What the warehouse workflow writes (shared/warehouse/run.ts): its release switch and release entries. */
  warehouseWrites: [keys.warehouseReleasesPartition],
  /** The partnership's survey targets and the audit events of their changes (platform admins set them). */
  surveyTargets: [keys.surveyTargets.pk, keys.partnershipAuditPartition],
  /**
   * gsi1 partitions the functions confined to per-jurisdiction credentials list with their own role: the registry, every
   * jurisdiction's audit events (platform admins), the published notices, the answers to one notice, and the lookups of
   * an emailed link's jurisdiction by its digest (review actions, notice links).
   */
  indexListings: [
    keys.registryPartition,
    keys.auditIndexPartition,
    keys.publishedNoticesIndex,
    keys.noticeAnswersIndex('*', '*'),
    keys.noticeLinkIndex('*'),
    keys.reviewActionIndex('*'),
  ],
  /** Every jurisdiction's published notices: the one kind of jurisdiction item every partner reads (shared/notices/published.ts). */
  publishedNotices: [keys.owned('*', partitions.published)],
  /** Partnership-wide items (settings, releases, the partnership's people, mail markers and audit): no jurisdiction's data. */
  partnership: [`${PARTNERSHIP_PREFIX}*`],
  /** Partitions no jurisdiction owns (for a StringNotLike): sessions, sign-ins, replies in progress, partnership items. */
  notJurisdiction: [`${SESSION_PREFIX}*`, `${SIGNIN_PREFIX}*`, `${INBOUND_PREFIX}*`, `${PARTNERSHIP_PREFIX}*`],
  /** The audit chains' heads (functions/audit-archive): the only items that function writes. */
  auditChainHeads: [keys.auditChainHeadsPartition],
  /** Partition keys with a separator: everything but the bare jurisdiction id of a profile (for StringNotLike). */
  notProfile: [keys.owned('*', '*')],
  /** Every partition one jurisdiction owns: its profile and `<id>#...`. */
  jurisdiction: (id: JurisdictionId) => [keys.jurisdictionProfile(id).pk, keys.owned(id, '*')],
};
