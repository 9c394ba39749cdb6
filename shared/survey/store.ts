import { auditPut, newAuditEvent, timeSortableId, type Actor } from '#shared/audit/index.ts';
import { GoneError } from '#shared/errors.ts';
import { fieldErrorsOf, validationFailed } from '#shared/http/validation.ts';
import type { Answers } from '#shared/forms/index.ts';
import { cancellationCodes } from '#shared/storage/cancellation.ts';
import { keys, partitions, RESPONSE_SK_PREFIX, WAVE_SK_PREFIX } from '#shared/storage/keys.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import { acceptsAnswers, addDays, MAX_WAVE_DAYS, newLinkToken, openWaveInputSchema, SURVEY_FORM_ID, todayUtc, type OpenWaveInput, type SurveyWave } from './model.ts';
import { tokenDigest } from './invitations/tokens.ts';

/** The whole wave item as stored (the jurisdiction id is the handle's). */
export const storedWave = (item: Record<string, unknown>, jurisdictionId: string): SurveyWave => waveOf(item, jurisdictionId);


/** What a link resolves to: the wave's facts the survey page needs (a copy kept on the link item: one read per page). */
export type LinkedWave = Pick<SurveyWave, 'waveId' | 'jurisdictionId' | 'title' | 'formId' | 'formVersion' | 'status' | 'closesOn'>;

/** A wave that has closed (status or date) refuses answers: the respondent is told, nothing is stored. */
export class SurveyClosedError extends GoneError {
  override readonly code = 'survey_closed';
}

function waveOf(item: Record<string, unknown>, jurisdictionId: string): SurveyWave {
  return {
    waveId: String(item.waveId),
    jurisdictionId,
    title: String(item.title),
    formId: String(item.formId),
    formVersion: Number(item.formVersion),
    status: item.status === 'closed' ? 'closed' : 'open',
    linkToken: String(item.linkToken ?? ''),
    mode: item.mode === 'invitations' ? 'invitations' : 'open_link',
    reminderDays: Array.isArray(item.reminderDays) ? item.reminderDays.map(String) : [],
    closesOn: String(item.closesOn),
    openedAt: String(item.openedAt),
    ...(item.closedAt ? { closedAt: String(item.closedAt) } : {}),
    responseCount: Number(item.responseCount ?? 0),
    invited: Number(item.invited ?? 0),
    sent: Number(item.sent ?? 0),
    reminded: Number(item.reminded ?? 0),
    answered: Number(item.answered ?? 0),
    ...(item.staffCounts ? { staffCounts: Object.fromEntries(Object.entries(item.staffCounts as Record<string, unknown>).map(([k, v]) => [k, Number(v)])) } : {}),
    imports: Array.isArray(item.imports) ? item.imports.map(String) : [],
    ...(item.staffListDeletedAt ? { staffListDeletedAt: String(item.staffListDeletedAt) } : {}),
    ...(item.resultsFrozenAt ? { resultsFrozenAt: String(item.resultsFrozenAt) } : {}),
    ...(item.importing ? { importing: true } : {}),
  };
}

/**
 * The survey waves of one jurisdiction (through its scoped table handle, so nothing here can reach another's).
 * Opening and closing are audited like record changes; answering is not: an anonymous response has no actor,
 * and an audit trail of who answered when is exactly what anonymity rules out.
 */
export class SurveyWaves {
  constructor(
    private readonly table: ScopedTable,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Every wave, newest first. */
  async list(): Promise<SurveyWave[]> {
    const out: SurveyWave[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query({ partition: partitions.survey, sk: { beginsWith: WAVE_SK_PREFIX }, forward: false, ...(startKey ? { startKey } : {}) });
      out.push(...page.items.map((i) => waveOf(i, this.table.jurisdictionId)));
      startKey = page.lastKey;
    } while (startKey);
    return out;
  }

  /** Opens a wave of the latest survey version: a new link, open until `closesOn` (inclusive). */
  async open(actor: Actor, input: OpenWaveInput, formVersion: number): Promise<SurveyWave> {
    const parsed = openWaveInputSchema.safeParse(input);
    const now = this.clock();
    const today = todayUtc(now);
    const errors = parsed.success ? [] : fieldErrorsOf(parsed.error.issues, 'title', (path) => String(path[0]));
    if (parsed.success && parsed.data.closesOn < today) errors.push({ field: 'closesOn', message: 'The closing date cannot be in the past' });
    if (parsed.success && parsed.data.closesOn > addDays(today, MAX_WAVE_DAYS)) {
      errors.push({ field: 'closesOn', message: `A wave stays open at most ${MAX_WAVE_DAYS} days: close it by ${addDays(today, MAX_WAVE_DAYS)}` });
    }
    const mode = parsed.success ? (parsed.data.mode ?? 'open_link') : 'open_link';
    const reminderDays = parsed.success && mode === 'invitations' ? [...(parsed.data.reminderDays ?? [])].sort() : [];
    if (parsed.success) {
      for (const day of reminderDays) {
        if (day <= today || day > parsed.data.closesOn) {
          errors.push({ field: 'reminderDays', message: `A reminder day is between tomorrow (${addDays(today, 1)}) and the closing date (${parsed.data.closesOn})` });
          break;
        }
      }
      if (new Set(reminderDays).size !== reminderDays.length) errors.push({ field: 'reminderDays', message: 'Pick two different reminder days, or only one' });
    }
    if (!parsed.success || errors.length) throw validationFailed(errors);
    const wave: SurveyWave = {
      waveId: timeSortableId(now),
      jurisdictionId: this.table.jurisdictionId,
      title: parsed.data.title,
      formId: SURVEY_FORM_ID,
      formVersion,
      status: 'open',
      // Invitation mode has no shared link: each person's link is their own.
      linkToken: mode === 'open_link' ? newLinkToken() : '',
      mode,
      reminderDays,
      closesOn: parsed.data.closesOn,
      openedAt: now.toISOString(),
      responseCount: 0,
      invited: 0,
      sent: 0,
      reminded: 0,
      answered: 0,
      imports: [],
    };
    const { jurisdictionId: _j, ...stored } = wave;
    await this.table.transactWrite([
      { put: { key: keys.surveyWave(wave.waveId), attributes: { kind: 'survey_wave', ...stored }, condition: { expression: 'attribute_not_exists(pk)' } } },
      ...(mode === 'open_link'
        ? [{ put: { key: keys.surveyLink(tokenDigest(wave.linkToken)), attributes: { kind: 'survey_link', ...linkFacts(wave) }, condition: { expression: 'attribute_not_exists(pk)' } } }]
        : []),
      auditPut(this.table, newAuditEvent(actor, { action: 'survey.opened', waveId: wave.waveId, formId: wave.formId, formVersion }, now)),
    ]);
    return wave;
  }

  /** One wave, read consistently. */
  async get(waveId: string): Promise<SurveyWave | undefined> {
    const item = await this.table.get(keys.surveyWave(waveId), { consistent: true });
    return item ? waveOf(item, this.table.jurisdictionId) : undefined;
  }

  /**
   * Closes a wave now: its link stops taking answers. Closing a closed wave changes nothing (`wasOpen` false says
   * so: the caller tells the person, and computes nothing again).
   */
  async close(actor: Actor, waveId: string): Promise<(SurveyWave & { wasOpen: boolean }) | undefined> {
    const item = await this.table.get(keys.surveyWave(waveId), { consistent: true });
    if (!item) return undefined;
    const wave = waveOf(item, this.table.jurisdictionId);
    if (wave.status === 'closed') return { ...wave, wasOpen: false };
    const now = this.clock();
    const set = { expression: 'SET #s = :closed, closedAt = :at', names: { '#s': 'status' }, values: { ':closed': 'closed', ':at': now.toISOString(), ':open': 'open' } };
    try {
      await this.table.transactWrite([
        { update: { key: keys.surveyWave(waveId), update: set, condition: { expression: '#s = :open', names: { '#s': 'status' }, values: { ':open': 'open' } } } },
        ...(wave.linkToken ? [{ update: { key: keys.surveyLink(tokenDigest(wave.linkToken)), update: { expression: 'SET #s = :closed', names: { '#s': 'status' }, values: { ':closed': 'closed' } } } }] : []),
        auditPut(this.table, newAuditEvent(actor, { action: 'survey.closed', waveId, formId: wave.formId, formVersion: wave.formVersion }, now)),
      ]);
    } catch (error) {
      // Someone closed it a moment ago: the outcome they wanted is already there.
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return { ...(await this.get(waveId))!, wasOpen: false };
      throw error;
    }
    return { ...wave, status: 'closed', closedAt: now.toISOString(), wasOpen: true };
  }

  /** The wave behind a link, or undefined for a link that was never made here. */
  async findByLink(token: string): Promise<LinkedWave | undefined> {
    const item = await this.table.get(keys.surveyLink(tokenDigest(token)), { consistent: true });
    if (!item) return undefined;
    return {
      waveId: String(item.waveId),
      jurisdictionId: this.table.jurisdictionId,
      title: String(item.title),
      formId: String(item.formId),
      formVersion: Number(item.formVersion),
      status: item.status === 'closed' ? 'closed' : 'open',
      closesOn: String(item.closesOn),
    };
  }

  /**
   * Stores one anonymous response (answers already validated) and counts it, in one transaction. The response id
   * is the random submission id of the page that was answered, so a double-click or a resend stores it once
   * (`duplicate`). Nothing else is stored with it: no time, no session, no address.
   */
  async respond(wave: LinkedWave, submissionId: string, answers: Answers): Promise<'stored' | 'duplicate'> {
    const today = todayUtc(this.clock());
    if (!acceptsAnswers(wave, today)) throw new SurveyClosedError('This survey is closed.');
    try {
      await this.table.transactWrite([
        {
          put: {
            key: keys.surveyResponse(wave.waveId, submissionId),
            attributes: { kind: 'survey_response', formId: wave.formId, formVersion: wave.formVersion, answers },
            condition: { expression: 'attribute_not_exists(pk)' },
          },
        },
        {
          update: {
            key: keys.surveyWave(wave.waveId),
            update: { expression: 'ADD responseCount :one', values: { ':one': 1 } },
            condition: { expression: '#s = :open AND closesOn >= :today', names: { '#s': 'status' }, values: { ':open': 'open', ':today': today } },
          },
        },
      ]);
      return 'stored';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (codes?.[1] === 'ConditionalCheckFailed') throw new SurveyClosedError('This survey is closed.');
      throw error;
    }
  }

  /** The stored responses of a wave (answers only), for aggregation and tests. */
  async responses(waveId: string): Promise<Answers[]> {
    const out: Answers[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query({ partition: partitions.surveyResponses(waveId), sk: { beginsWith: RESPONSE_SK_PREFIX }, ...(startKey ? { startKey } : {}) });
      out.push(...page.items.map((i) => i.answers as Answers));
      startKey = page.lastKey;
    } while (startKey);
    return out;
  }
}

const linkFacts = (w: SurveyWave) => ({ waveId: w.waveId, title: w.title, formId: w.formId, formVersion: w.formVersion, status: w.status, closesOn: w.closesOn });
