import awsCronParser from 'aws-cron-parser';
import type { LocalSchedule } from './assembly.ts';
import type { LocalStepFunctions } from './stepfunctions/service.ts';

/** When a schedule expression next fires after `from`: cron(...) via aws-cron-parser, rate(...) and at(...) by hand. */
export function nextFireTime(expression: string, from: Date): Date | undefined {
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) return awsCronParser.next(awsCronParser.parse(cron[1]!), from) ?? undefined;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unitMs = rate[2]!.startsWith('minute') ? 60_000 : rate[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
    return new Date(from.getTime() + Number(rate[1]) * unitMs);
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at) {
    const when = new Date(`${at[1]}Z`);
    return when > from ? when : undefined;
  }
  throw new Error(`Unsupported schedule expression: ${expression}`);
}

/**
 * EventBridge Scheduler, locally: each schedule of the template starts its state machine when it comes due,
 * while `npm start` runs. Only UTC schedules are supported locally (the platform declares only UTC ones).
 */
export class LocalScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly schedules: readonly LocalSchedule[],
    private readonly stepFunctions: LocalStepFunctions,
    private readonly log: (line: string) => void,
  ) {}

  list(): { id: string; workflowId: string | undefined; expression: string; next?: Date }[] {
    return this.schedules.map((s) => ({ id: s.id, workflowId: s.workflowId, expression: s.expression, next: nextFireTime(s.expression, new Date()) }));
  }

  start(): void {
    for (const s of this.schedules) {
      if (!s.workflowId) throw new Error(`Schedule ${s.id} starts no state machine of the template (${s.targetArn})`);
      if (s.timezone !== 'Etc/UTC' && s.timezone !== 'UTC') throw new Error(`Schedule ${s.id}: only UTC schedules run locally, not ${s.timezone}`);
      this.arm(s);
    }
  }

  /** Fires a schedule now, as if it had come due (also what `arm` does at the due time). */
  fire(id: string): string {
    const s = this.schedules.find((x) => x.id === id);
    if (!s) throw new Error(`No schedule ${id}`);
    if (!s.workflowId) throw new Error(`Schedule ${s.id} starts no state machine of the template (${s.targetArn})`);
    const execution = this.stepFunctions.startExecution(this.stepFunctions.byWorkflowId(s.workflowId).arn, s.input);
    this.log(`schedule ${s.id} started workflow ${s.workflowId}: ${execution.executionArn}`);
    void execution.done.then(() => this.log(`schedule ${s.id}: execution ${execution.name} ${execution.status}`));
    return execution.executionArn;
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private arm(s: LocalSchedule): void {
    const next = nextFireTime(s.expression, new Date());
    if (!next) return;
    // setTimeout holds at most ~24.8 days; re-arm in steps for later fire times.
    const delay = Math.min(next.getTime() - Date.now(), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      if (Date.now() >= next.getTime() - 1000) this.fire(s.id);
      this.arm(s);
    }, Math.max(0, delay));
    timer.unref();
    this.timers.set(s.id, timer);
  }
}
