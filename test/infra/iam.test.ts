import { describe, expect, it } from 'vitest';
import { Buckets } from '#infra/constructs/buckets.ts';
import { Data } from '#infra/constructs/data.ts';
import { ledgerPrefix, partialKey } from '#shared/reports/run.ts';
import { audienceFolder, runPrefix } from '#shared/reports/store.ts';
import { GSI1 } from '#shared/storage/keys.ts';
import {
  actionsOn,
  allowStatementsOfRole,
  statementsOfRole,
  allows,
  asArray,
  child,
  fn,
  functionsById,
  globMatches,
  logicalIdOf,
  policiesOfRole,
  policyDocuments,
  referencedIds,
  roleOf,
  synth,
  type Statement,
} from './helpers.ts';

describe('IAM least privilege', () => {
  const { stack, template } = synth();
  const data = child(stack, 'Data', Data);
  const tableId = logicalIdOf(data.table);
  const exportsId = logicalIdOf(child(stack, 'Buckets', Buckets).exports);
  const docs = policyDocuments(template);
  const allowStatements = docs.flatMap((d) => d.statements.map((s) => ({ owner: d.owner, s }))).filter(({ s }) => s.Effect === 'Allow');
  const functions = [...functionsById(template).values()];

  it('helpers see the policies (sanity: identity and resource policies found)', () => {
    const types = new Set(docs.map((d) => d.type));
    expect(types).toContain('AWS::IAM::ManagedPolicy');
    expect(types).toContain('AWS::S3::BucketPolicy');
    expect(types).toContain('AWS::KMS::Key');
  });

  it.each(['dynamodb:Scan', 'dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'])(
    'no policy allows %s (directly or through a wildcard)',
    (action) => {
      const offending = allowStatements.filter(({ s }) => allows(s, action));
      expect(offending.map(({ owner, s }) => `${owner}: ${JSON.stringify(s.Action ?? s.NotAction)}`)).toEqual([]);
    },
  );

  it('no policy allows a whole service: dynamodb:*, s3:* or *', () => {
    const services = ['dynamodb', 's3'];
    const offending = allowStatements.filter(({ s }) => {
      if (s.NotAction !== undefined) return true;
      // A pattern that grants a made-up action of the service grants every action of it.
      return services.some((svc) => allows(s, `${svc}:ZzNoSuchAction`)) || asArray(s.Action).includes('*');
    });
    expect(offending.map(({ owner, s }) => `${owner}: ${JSON.stringify(s.Action ?? s.NotAction)}`)).toEqual([]);
  });

  it('the public health function may only describe the table: no item of it is readable', () => {
    const statements = allowStatementsOfRole(template, roleOf(fn(template, 'health')));
    expect(actionsOn(statements, tableId)).toEqual(['dynamodb:DescribeTable']);
  });

  it('no function may delete or batch-write items, except sessions and sign-in items, and survey staff lists (by leading key)', () => {
    const staffDeleters: string[] = [];
    for (const f of functions) {
      for (const s of allowStatementsOfRole(template, roleOf(f))) {
        if (allows(s, 'dynamodb:BatchWriteItem')) throw new Error(`${f.id} may BatchWriteItem`);
        if (allows(s, 'dynamodb:DeleteItem')) {
          const keys = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
          if (JSON.stringify(keys) === JSON.stringify(['*#SURVEY#*#STAFF'])) {
            // Only DeleteItem, and nothing else in the same statement.
            expect(s.Action, `${f.id} staff list delete`).toEqual('dynamodb:DeleteItem');
            staffDeleters.push(f.id);
          } else expect(keys, `${f.id} DeleteItem`).toEqual(['SESSION#*', 'SIGNIN#*']);
        }
      }
    }
    // The survey deletes the invitation it answers; the survey workflows delete the staff list at close.
    expect(staffDeleters.sort()).toEqual(['survey', 'survey-tasks']);
  });

  it('the survey workflows touch survey partitions, profiles and the registry listing only, and append audit events', () => {
    const statements = allowStatementsOfRole(template, roleOf(fn(template, 'survey-tasks')));
    const table = statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => String(a).startsWith('dynamodb:')));
    expect(table.length).toBeGreaterThan(0);
    for (const s of table) {
      const like = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
      const notLike = s.Condition?.['ForAllValues:StringNotLike']?.['dynamodb:LeadingKeys'];
      const equals = s.Condition?.['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'];
      expect(like ?? notLike ?? equals, JSON.stringify(s.Action)).toBeDefined();
      if (like) {
        expect([['*#SURVEY', '*#SURVEY#*'], ['*#SURVEY#*#STAFF'], ['*#AUDIT']]).toContainEqual(like);
        // The audit log: appends only (a wave's closing is audited).
        if (like[0] === '*#AUDIT') expect(s.Action).toEqual('dynamodb:PutItem');
      } else if (notLike) expect(notLike).toEqual(['*#*']);
      else {
        expect(equals).toEqual(['REGISTRY#JURISDICTION']);
        expect(s.Action).toEqual('dynamodb:Query');
      }
    }
    for (const action of ['dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLSelect']) expect(statements.some((s) => allows(s, action)), action).toBe(false);
  });

  it('the reports workflow reads what it counts and writes only mail markers and the period switches', () => {
    const statements = allowStatementsOfRole(template, roleOf(fn(template, 'report-tasks')));
    const writes = statements.filter((s) => allows(s, 'dynamodb:PutItem') || allows(s, 'dynamodb:UpdateItem'));
    expect(writes.length).toBeGreaterThan(0);
    for (const s of writes) expect(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['*#MAIL', 'PARTNERSHIP#REPORTS']);
    for (const action of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Scan', 'dynamodb:PartiQLSelect']) expect(statements.some((s) => allows(s, action)), action).toBe(false);
    // Reads: only what it aggregates or delivers, never a record's own partition, a response, a staff list or the audit log.
    const reads = statements.filter((s) => allows(s, 'dynamodb:GetItem') || allows(s, 'dynamodb:Query'));
    for (const s of reads) expect(s.Condition, JSON.stringify(s.Action)).toBeDefined();
    const readKeys = reads.flatMap((s) => s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []);
    for (const forbidden of ['*#REC#*', '*#AUDIT', '*#SURVEY#*', '*', '*#*']) expect(readKeys, forbidden).not.toContain(forbidden);
    // The registry and the safety notices beside their themes (PublishedNotices.list()): the only gsi1 partitions it lists.
    const indexQueries = statements.filter((s) => allows(s, 'dynamodb:Query') && JSON.stringify(s.Resource).includes(`/index/${GSI1.name}`));
    expect(indexQueries.map((s) => s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'])).toEqual([['REGISTRY#JURISDICTION', 'NOTICES#PUBLISHED']]);
  });

  it("notice-tasks: its check reads records and puts PRECHECK# reports; its distribution reads the registry and published copies and writes mail markers and links only", () => {
    const statements = allowStatementsOfRole(template, roleOf(fn(template, 'notice-tasks')));
    // Item actions only: the stream trigger's own grant (DescribeStream, GetRecords...) is on the stream, not on items.
    const table = statements.filter((s) => ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'].some((a) => allows(s, a)));
    const byAction = table.map((s) => [JSON.stringify(s.Action), s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? s.Condition?.['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys']]);
    expect(byAction).toEqual(
      expect.arrayContaining([
        ['"dynamodb:GetItem"', ['*#RECORDS']],
        ['"dynamodb:PutItem"', ['*#REC#*']],
        ['"dynamodb:Query"', ['REGISTRY#JURISDICTION']],
        ['"dynamodb:GetItem"', ['*#PUBLISHED']],
        ['["dynamodb:GetItem","dynamodb:UpdateItem"]', ['*#MAIL']],
        ['"dynamodb:PutItem"', ['*#NOTICE_LINKS']],
      ]),
    );
    expect(byAction).toHaveLength(6);
    for (const action of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan']) expect(statements.some((s) => allows(s, action)), action).toBe(false);
  });

  it('audit partitions are append-only for every function that may write', () => {
    const denies = (f: (typeof functions)[number]) =>
      statementsOfRole(template, roleOf(f)).filter(
        (s) => s.Effect === 'Deny' && allows({ ...s, Effect: 'Allow' }, 'dynamodb:UpdateItem') && allows({ ...s, Effect: 'Allow' }, 'dynamodb:DeleteItem'),
      );
    const writers = functions.filter((f) => allowStatementsOfRole(template, roleOf(f)).some((s) => allows(s, 'dynamodb:PutItem') || allows(s, 'dynamodb:UpdateItem')));
    expect(writers.map((f) => f.id).sort()).toEqual(['auth', 'audit', 'audit-archive', 'jurisdictions', 'not-found', 'notice-tasks', 'records', 'report-tasks', 'review-reply', 'review-tasks', 'survey', 'survey-tasks', 'warehouse-tasks', 'web'].sort());
    for (const f of writers) {
      const d = denies(f);
      expect(d, f.id).toHaveLength(1);
      expect(d[0]!.Condition?.['ForAnyValue:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['*#AUDIT']);
    }
  });

  it('the auth function reads jurisdiction profiles only (no "#" in the key), never records', () => {
    const statements = allowStatementsOfRole(template, roleOf(fn(template, 'auth')));
    const reads = statements.filter((s) => allows(s, 'dynamodb:GetItem') || allows(s, 'dynamodb:Query'));
    for (const s of reads) expect(s.Condition, JSON.stringify(s.Action)).toBeDefined();
    expect(statements.some((s) => allows(s, 'dynamodb:Query'))).toBe(false);
  });

  it('the anonymous survey touches survey partitions and profiles only (deletes: used invitations only): no sessions, no records, no queries', () => {
    const statements = allowStatementsOfRole(template, roleOf(fn(template, 'survey')));
    const table = statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => String(a).startsWith('dynamodb:')));
    expect(table.length).toBeGreaterThan(0);
    for (const s of table) {
      const keys = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? s.Condition?.['ForAllValues:StringNotLike']?.['dynamodb:LeadingKeys'];
      expect(keys, JSON.stringify(s.Action)).toBeDefined();
      if (s.Condition?.['ForAllValues:StringLike']) {
        // Answering deletes the invitation used, in its wave's staff list: DeleteItem there and nowhere else.
        if (s.Action === 'dynamodb:DeleteItem') expect(keys).toEqual(['*#SURVEY#*#STAFF']);
        else expect(keys).toEqual(['*#SURVEY', '*#SURVEY#*']);
      } else {
        expect(keys).toEqual(['*#*']);
        expect(s.Action).toEqual('dynamodb:GetItem');
      }
    }
    for (const action of ['dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchWriteItem']) expect(statements.some((s) => allows(s, action)), action).toBe(false);
  });

  it('registry-export, report-tasks and warehouse-tasks can put objects in the exports bucket; jurisdictions, health and web cannot', () => {
    const canPut = (id: string) =>
      allowStatementsOfRole(template, roleOf(fn(template, id))).some(
        (s) => allows(s, 's3:PutObject') && referencedIds(s.Resource).has(exportsId) && JSON.stringify(s.Resource).includes('/*'),
      );
    expect(canPut('registry-export')).toBe(true);
    expect(canPut('report-tasks')).toBe(true);
    expect(canPut('jurisdictions')).toBe(false);
    expect(canPut('health')).toBe(false);
    // The web function serves the reports' files: it reads release files and nothing more.
    expect(canPut('web')).toBe(false);
    // Nobody else gets s3:PutObject anywhere, but the audit archive in its own bucket (test/infra/audit-archive.test.ts).
    const putters = functions.filter((f) => allowStatementsOfRole(template, roleOf(f)).some((s) => allows(s, 's3:PutObject')));
    expect(putters.map((f) => f.id).sort()).toEqual(['audit-archive', 'registry-export', 'report-tasks', 'warehouse-tasks']);
    expect(canPut('audit-archive')).toBe(false);
  });

  it('the warehouse workflow writes only under warehouse/ (never reports/), deletes only its staging and superseded datasets, and writes only its release items', () => {
    const statements = allowStatementsOfRole(template, roleOf(fn(template, 'warehouse-tasks')));
    const objectPatterns = (action: string) =>
      statements
        .filter((s) => allows(s, action) && referencedIds(s.Resource).has(exportsId))
        .flatMap((s) => asArray(s.Resource))
        .map((r) => JSON.stringify(r))
        .filter((r) => r.includes('/'))
        .map((r) => /\/([^"]*)"/.exec(r)![1])
        .sort();
    expect(objectPatterns('s3:PutObject')).toEqual(['warehouse/datasets/*', 'warehouse/releases/*', 'warehouse/staging/*']);
    expect(objectPatterns('s3:DeleteObject')).toEqual(['warehouse/datasets/*', 'warehouse/staging/*']);
    // Nobody else deletes objects of the exports bucket.
    const deleters = functions.filter((f) => allowStatementsOfRole(template, roleOf(f)).some((s) => allows(s, 's3:DeleteObject')));
    expect(deleters.map((f) => f.id)).toEqual(['warehouse-tasks']);
    const writes = statements.filter((s) => allows(s, 'dynamodb:PutItem') || allows(s, 'dynamodb:UpdateItem'));
    expect(writes.length).toBeGreaterThan(0);
    for (const s of writes) expect(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['PARTNERSHIP#WAREHOUSE']);
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Scan', 'dynamodb:PartiQLSelect']) expect(statements.some((s) => allows(s, action)), action).toBe(false);
  });

  it("the web function reads only published releases' files of the exports bucket, never the ledger or the partial aggregates; health reads none", () => {
    const patterns = allowStatementsOfRole(template, roleOf(fn(template, 'web')))
      .filter((s) => allows(s, 's3:GetObject') && referencedIds(s.Resource).has(exportsId))
      .flatMap((s) => asArray(s.Resource))
      .map((r) => {
        const parts = (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
        return String(parts.at(-1)).replace(/^\//, '');
      });
    expect(patterns.length).toBeGreaterThan(0);
    const readable = (key: string) => patterns.some((p) => globMatches(p, key));
    const run = runPrefix('quarterly', '2026-Q3', 'run-1');
    expect(readable(`${run}${audienceFolder('partnership')}report.html`)).toBe(true);
    expect(readable(`${run}${audienceFolder({ jurisdictionId: 'ky' })}tables/reviews_by_cause.csv`)).toBe(true);
    expect(readable(`${runPrefix('monthly', '2026-11', 'run-2')}${audienceFolder('partnership')}manifest.json`)).toBe(true);
    expect(readable(`${ledgerPrefix(2026)}quarterly-2026-Q3-run-1.json`)).toBe(false);
    expect(readable(partialKey('run-1', 'ky'))).toBe(false);
    expect(readable(partialKey('run-1', 'partnership'))).toBe(false);
    expect(readable('registry/2026-12-01.json')).toBe(false);
    // The health check only asks whether the bucket is there.
    const healthReads = allowStatementsOfRole(template, roleOf(fn(template, 'health'))).filter((s) => allows(s, 's3:GetObject') && referencedIds(s.Resource).has(exportsId));
    expect(healthReads).toEqual([]);
  });

  // Handing a decision to a waiting execution is a SendTask* call with the token the workflow stored: only the
  // functions that take decisions (web pages, the records API, a resubmission on the stream, an email reply) may
  // make it, only on the review state machine; the workflow's own tasks never resume anything.
  const DECISION_HANDLERS = ['records', 'web', 'review-start', 'review-reply'];
  const reviewMachineId = Object.entries(template.toJSON().Resources as Record<string, { Type: string; Metadata?: Record<string, unknown> }>).find(
    ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Metadata?.['npcs:workflow-id'] === 'review',
  )?.[0];

  it.each(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'])(
    '%s is granted only to the functions that hand decisions, only on the review state machine',
    (action) => {
      expect(reviewMachineId).toBeDefined();
      const holders = allowStatements.filter(({ s }) => allows(s, action));
      for (const { owner, s } of holders) {
        expect(asArray(s.Resource).map((r) => JSON.stringify(r)), `${owner} ${action}`).toEqual([JSON.stringify({ Ref: reviewMachineId })]);
      }
      const functionHolders = functions.filter((f) => allowStatementsOfRole(template, roleOf(f)).some((s) => allows(s, action)));
      for (const f of functionHolders) expect(DECISION_HANDLERS, `${f.id} may ${action}`).toContain(f.id);
      // Every holder is a function role: no other role (a state machine's, a schedule's) resumes tasks.
      expect(holders.length).toBe(functionHolders.reduce((n, f) => n + allowStatementsOfRole(template, roleOf(f)).filter((s) => allows(s, action)).length, 0));
    },
  );

  it('the records, web and review-start functions may SendTaskSuccess (their hand-off), and review-tasks has no states:* right at all', () => {
    for (const id of ['records', 'web', 'review-start']) {
      expect(allowStatementsOfRole(template, roleOf(fn(template, id))).some((s) => allows(s, 'states:SendTaskSuccess')), id).toBe(true);
    }
    const tasks = allowStatementsOfRole(template, roleOf(fn(template, 'review-tasks')));
    expect(tasks.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('states:'))).toEqual([]);
    expect(tasks.some((s) => allows(s, 'states:ZzNoSuchAction'))).toBe(false);
  });

  it.each(functions.map((f) => f.id))('%s: grants live in a customer-managed policy, never inline', (id) => {
    const roleId = roleOf(fn(template, id));
    const { inline, managed, roleInline } = policiesOfRole(template, roleId);
    expect(inline, 'AWS::IAM::Policy attached').toEqual([]);
    expect(roleInline, 'Role.Policies').toBe(0);
    expect(managed.length).toBeGreaterThan(0);
  });

  it('no AWS::IAM::Policy (inline) exists in the stack at all', () => {
    expect(docs.filter((d) => d.type === 'AWS::IAM::Policy').map((d) => d.owner)).toEqual([]);
  });

  it('every function role trusts only lambda.amazonaws.com', () => {
    for (const f of functions) {
      const role = template.toJSON().Resources[roleOf(f)];
      const principals = (role.Properties.AssumeRolePolicyDocument.Statement as Statement[]).map((s) => s.Principal);
      expect(principals).toEqual([{ Service: 'lambda.amazonaws.com' }]);
    }
  });
});
