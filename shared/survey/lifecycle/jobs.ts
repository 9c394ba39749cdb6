/**
 * The survey workflows' work, one bounded step at a time (functions/survey-tasks; infra/constructs/workflows/
 * survey.ts loops "step until done"): a step does at most `budgetMs` of work and returns the state to go on from,
 * so a list of 20,000 people is written and emailed in many short Lambda runs, and a run that dies is retried from
 * the last state. Every write is idempotent and every email goes through sendOnce, so a retried or resumed step
 * sends no email twice.
 * - import: write the invitations of a staged staff list, make them count (commit), send the invitations;
 * - remind: reminder `round` to each person who has been sent an invitation and not answered;
 * - close: close the wave and freeze its results (./close.ts), then delete its staff list partition;
 * - daily: what today asks of every jurisdiction's waves: reminders on their days, closing after their date.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/audit/index.ts';
import type { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import type { SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { sendOnce } from '#shared/mail/once.ts';
import { surveyInvitationMail } from '#shared/mail/templates/survey.tsx';
import { scopedTable, type ScopedTable } from '#shared/storage/scoped-table.ts';
import { acceptsAnswers, surveyLink, todayUtc, type SurveyWave } from '#shared/survey/model.ts';
import { SurveyWaves } from '#shared/survey/store.ts';
import { StaffLists, type PendingInvitation } from '#shared/survey/invitations/store.ts';
import { invitationToken } from '#shared/survey/invitations/tokens.ts';
import { closeWave } from './close.ts';
import { closeJob, type CloseJob, type Cursor, type DailyJob, type ImportJob, type RemindJob, type SurveyJob, type WaveJob } from './job-states.ts';

export { closeJob, importJob, type SurveyJob } from './job-states.ts';

export interface JobDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
  registry: JurisdictionStore;
  /** The invitation token key (SURVEY_INVITE_SECRET). */
  secret: () => Promise<string>;
  send: (message: MailMessage) => Promise<SentMail>;
  appOrigin: string;
  now?: () => Date;
  /** Work per step before returning the state (default 40 s: well inside the function's timeout and the mail lease). */
  budgetMs?: number;
  /** Emails sent at once within a step. */
  concurrency?: number;
}

/** Invitations read per page while sending. */
const PAGE = 100;
/** Rows of a staff list written per round of a step. */
const WRITE_ROWS = 1_000;

const systemActor = (jurisdictionId: string): Actor => ({ subject: 'survey-schedule', role: 'system', jurisdictionId, requestId: 'survey-workflow' });

async function pool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}

export class SurveyJobs {
  private readonly now: () => Date;
  constructor(private readonly deps: JobDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private table(jurisdictionId: string): ScopedTable {
    return scopedTable(this.deps.client, this.deps.tableName, jurisdictionId);
  }

  /** One step of a job: its state after at most the step's budget of work. */
  async step(state: SurveyJob): Promise<SurveyJob> {
    const until = Date.now() + (this.deps.budgetMs ?? 40_000);
    let s = state;
    while (!s.done && Date.now() < until) s = await this.once(s);
    return s;
  }

  /** Runs a job to its end (tests, the bench, local tools). */
  async run(state: SurveyJob): Promise<SurveyJob> {
    let s = state;
    while (!s.done) s = await this.step(s);
    return s;
  }

  private async once(s: SurveyJob): Promise<SurveyJob> {
    switch (s.job) {
      case 'import':
        return this.importOnce(s);
      case 'remind':
        return this.remindOnce(s);
      case 'close':
        return this.closeOnce(s);
      case 'daily': {
        const current = s.items[s.index];
        if (!current) return { ...s, done: true };
        const next = await this.once(current);
        const items = s.items.with(s.index, next as WaveJob);
        return next.done ? { ...s, items, index: s.index + 1, done: s.index + 1 >= s.items.length } : { ...s, items };
      }
    }
  }

  private async importOnce(s: ImportJob): Promise<ImportJob> {
    const table = this.table(s.jurisdictionId);
    const lists = new StaffLists(table, this.now);
    if (s.phase === 'write') {
      const at = await lists.writeInvitations(await this.deps.secret(), s.waveId, s.importId, s.chunk, s.offset, WRITE_ROWS);
      return at ? { ...s, ...at } : { ...s, phase: 'commit' };
    }
    if (s.phase === 'commit') {
      await lists.commitImport(s.waveId, s.importId);
      logger.info('Survey staff list imported', { waveId: s.waveId });
      return { ...s, phase: 'send', cursor: undefined };
    }
    const { cursor, finished } = await this.sendPage(table, s.waveId, 0, s.cursor);
    return { ...s, cursor, done: finished };
  }

  private async remindOnce(s: RemindJob): Promise<RemindJob> {
    const { cursor, finished } = await this.sendPage(this.table(s.jurisdictionId), s.waveId, s.round, s.cursor);
    return { ...s, cursor, done: finished };
  }

  /**
   * One page of invitations: round 0 sends each unsent invitation, rounds 1 and 2 remind each person who was sent
   * one and has not answered (an answered invitation no longer exists). Stops when the wave no longer takes answers.
   */
  private async sendPage(table: ScopedTable, waveId: string, round: number, cursor: Cursor): Promise<{ cursor: Cursor; finished: boolean }> {
    const wave = await new SurveyWaves(table, this.now).get(waveId);
    if (!wave || wave.mode !== 'invitations' || !acceptsAnswers(wave, todayUtc(this.now()))) return { cursor: undefined, finished: true };
    const jurisdiction = await this.deps.registry.get(table.jurisdictionId);
    if (!jurisdiction) return { cursor: undefined, finished: true };
    const lists = new StaffLists(table, this.now);
    const page = await lists.invitations(waveId, PAGE, cursor);
    const due = page.items.filter((i) => wave.imports.includes(i.importId) && (round === 0 ? !i.sent : i.sent && i.reminders < round));
    const secret = await this.deps.secret();
    let sent = 0;
    await pool(due, this.deps.concurrency ?? 8, async (i) => {
      await this.sendOne(table, wave, jurisdiction.name, secret, i, round);
      if (await (round === 0 ? lists.markSent(waveId, i.digest) : lists.markReminded(waveId, i.digest, round))) sent++;
    });
    // Counts only: never an address, an invitation id or a token.
    if (due.length) logger.info(round === 0 ? 'Survey invitations sent' : 'Survey reminders sent', { waveId, count: sent, round });
    return { cursor: page.next, finished: page.next === undefined };
  }

  private async sendOne(table: ScopedTable, wave: SurveyWave, jurisdictionName: string, secret: string, i: PendingInvitation, round: number): Promise<void> {
    const token = invitationToken(secret, table.jurisdictionId, wave.waveId, i.invitationId);
    const content = surveyInvitationMail({ jurisdictionName, waveTitle: wave.title, closesOn: wave.closesOn, link: surveyLink(this.deps.appOrigin, table.jurisdictionId, token), code: token, round });
    await sendOnce({
      table,
      occasion: { survey: { waveId: wave.waveId, invitationId: i.invitationId }, round },
      message: { kind: round === 0 ? 'survey_invitation' : 'survey_reminder', to: i.email, ...content },
      send: this.deps.send,
      now: this.now,
    });
  }

  private async closeOnce(s: CloseJob): Promise<CloseJob> {
    const table = this.table(s.jurisdictionId);
    if (s.phase === 'close') {
      const jurisdiction = await this.deps.registry.get(s.jurisdictionId);
      const closed = await closeWave(table, systemActor(s.jurisdictionId), s.waveId, { name: jurisdiction?.name ?? s.jurisdictionId, units: jurisdiction?.units ?? [] }, this.now);
      if (!closed) return { ...s, done: true };
      logger.info('Survey wave closed', { waveId: s.waveId, closedNow: closed.closedNow, frozenNow: closed.frozenNow });
      return { ...s, phase: 'purge' };
    }
    const lists = new StaffLists(table, this.now);
    if (await lists.deleteSome(s.waveId, 200)) return s;
    await lists.markStaffListDeleted(s.waveId);
    logger.info('Survey staff list deleted', { waveId: s.waveId });
    return { ...s, done: true };
  }

  /**
   * What today (UTC) asks: each open wave past its closing date is closed (and its staff list deleted); each
   * invitation wave with a reminder day today sends that reminder; a closed wave whose close did not finish (results
   * not frozen, or its staff list still there) is finished.
   */
  async plan(now: Date): Promise<DailyJob> {
    const today = todayUtc(now);
    const items: WaveJob[] = [];
    for (const j of await this.deps.registry.list()) {
      for (const w of await new SurveyWaves(this.table(j.id), this.now).list()) {
        const unfinished = w.status === 'closed' && (!w.resultsFrozenAt || (w.mode === 'invitations' && !w.staffListDeletedAt));
        if ((w.status === 'open' && today > w.closesOn) || unfinished) items.push(closeJob(j.id, w.waveId));
        else if (w.status === 'open' && w.mode === 'invitations' && w.reminderDays.includes(today)) {
          items.push({ job: 'remind', jurisdictionId: j.id, waveId: w.waveId, round: w.reminderDays.indexOf(today) + 1, done: false });
        }
      }
    }
    logger.info('Survey daily plan', { closes: items.filter((i) => i.job === 'close').length, reminders: items.filter((i) => i.job === 'remind').length });
    return { job: 'daily', today, items, index: 0, done: items.length === 0 };
  }
}
