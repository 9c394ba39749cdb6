import * as s3 from 'aws-cdk-lib/aws-s3';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1, safetyNoticeV1 } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { loadConfig } from '#infra/config.ts';
import { Buckets } from '#infra/constructs/buckets.ts';
import { Data } from '#infra/constructs/data.ts';
import { FIRST_PARTITION_YEAR, LAST_PARTITION_YEAR, QUERY_RESULTS_KEPT_DAYS, Warehouse } from '#infra/constructs/warehouse.ts';
import { ledgerPrefix, partialKey } from '#shared/reports/run.ts';
import { audienceFolder, runPrefix } from '#shared/reports/store.ts';
import { parquetMetadata } from 'hyparquet';
import { releaseRecords, syntheticReviews } from '#local/warehouse-demo.ts';
import { datasetFiles, type DatasetManifest } from '#shared/warehouse/dataset.ts';
import { deidentifyRelease } from '#shared/warehouse/deidentify.ts';
import { DATASETS_PREFIX, datasetTables, GLUE_TYPES, QUERY_RESULTS_PREFIX, STAGING_KEPT_DAYS, STAGING_PREFIX, tablePrefix, UNKNOWN_YEAR_PARTITION, warehouseForms, yearFolder } from '#shared/warehouse/layout.ts';
import {
  allows,
  allowStatementsOfRole,
  asArray,
  child,
  errorOf,
  globMatches,
  logicalIdOf,
  policiesOfRole,
  referencedIds,
  resources,
  synth,
  type Props,
  type Statement,
} from './helpers.ts';

/** The object-key pattern of an S3 object ARN written as `{"Fn::Join": ["", [<bucket>.Arn, "/<pattern>"]]}`. */
function objectPattern(resource: unknown): string | undefined {
  const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
  const last = parts?.at(-1);
  return typeof last === 'string' && last.startsWith('/') ? last.slice(1) : undefined;
}

describe('the warehouse in AWS (Glue catalog, Athena workgroup, analyst role)', () => {
  const { stack, template } = synth();
  const warehouse = child(stack, 'Warehouse', Warehouse);
  const keyArn = { 'Fn::GetAtt': [logicalIdOf(child(stack, 'Data', Data).key), 'Arn'] };
  const dataTableId = logicalIdOf(child(stack, 'Data', Data).table);
  const exportsId = logicalIdOf(child(stack, 'Buckets', Buckets).exports);
  const glueTables = Object.values(resources(template, 'AWS::Glue::Table')).map((r) => r.Properties as Props);
  const tableNamed = (name: string) => {
    const found = glueTables.find((t) => t.TableInput.Name === name);
    if (!found) throw new Error(`no Glue table ${name}`);
    return found.TableInput as Props;
  };
  const roleId = logicalIdOf(warehouse.analystRole);
  const statements = allowStatementsOfRole(template, roleId);

  it('the warehouse datasets are the published record forms: the critical incident review and the safety notice, never the anonymous survey', () => {
    expect(warehouseForms().map((f) => `${f.formId}@${f.version}`)).toEqual(['critical_incident_review@1', 'safety_notice@1', 'safety_notice@2']);
    const draft = { ...criticalIncidentReviewV1, version: 2, status: 'draft' } as FormDefinition;
    expect(warehouseForms([criticalIncidentReviewV1, draft]).map((f) => f.version)).toEqual([1]);
  });

  it('one Glue database, named after the stack', () => {
    const dbs = Object.values(resources(template, 'AWS::Glue::Database'));
    expect(dbs).toHaveLength(1);
    expect(dbs[0]?.Properties?.DatabaseInput?.Name).toBe('npcs_dev_warehouse');
    for (const t of glueTables) expect(t.DatabaseName).toBe('npcs_dev_warehouse');
  });

  it('a table per shipped table of each warehouse form version, and no other', () => {
    expect(glueTables.map((t) => t.TableInput.Name).sort()).toEqual(['actions_v2', 'critical_incident_review_v1', 'improvement_opportunities_v1', 'safety_notice_v1', 'safety_notice_v2']);
    expect(glueTables.some((t) => String(t.TableInput.Name).includes('survey'))).toBe(false);
  });

  it.each(datasetTables().map((t) => [t.catalogName, t] as const))('%s has exactly the shipped columns, typed by kind', (name, t) => {
    const input = tableNamed(name);
    expect(input.StorageDescriptor.Columns.map((c: Props) => [c.Name, c.Type])).toEqual(t.columns.map((c) => [c.name, GLUE_TYPES[c.kind]]));
  });

  it('the critical incident review table: record keys and codes as strings, years as integers, the state, and no identifier', () => {
    const types = Object.fromEntries(tableNamed('critical_incident_review_v1').StorageDescriptor.Columns.map((c: Props) => [c.Name, c.Type]));
    expect(types).toMatchObject({ record_key: 'string', form_id: 'string', form_version: 'int', incident_type: 'string', incident_date: 'int', child_age_band: 'string', child_race___white: 'int', prior_contact_count: 'string', state: 'string' });
    for (const gone of ['record_id', 'jurisdiction_id', 'county', 'case_number', 'child_name', 'narrative', 'year']) expect(types, gone).not.toHaveProperty(gone);
    const io = Object.fromEntries(tableNamed('improvement_opportunities_v1').StorageDescriptor.Columns.map((c: Props) => [c.Name, c.Type]));
    expect(io).toMatchObject({ record_key: 'string', instance: 'int', io_theme: 'string', io_due_date: 'int' });
  });

  it('the safety notice v2 tables: codes, audience flags and the years of its dates; no free text, contact or full date; the actions only counted', () => {
    const columns = Object.fromEntries(tableNamed('safety_notice_v2').StorageDescriptor.Columns.map((c: Props) => [c.Name, c.Type]));
    expect(columns).toMatchObject({ record_key: 'string', notice_type: 'string', theme: 'string', audience___supervisors: 'int', notice_date: 'int', acknowledge_by: 'int', act_by: 'int', review_by_date: 'int', state: 'string' });
    for (const gone of ['issuing_jurisdiction', 'title', 'systemic_issue', 'evidence', 'contact_role', 'contact_mailbox', 'year']) expect(columns, gone).not.toHaveProperty(gone);
    // Each action is free text: its table carries only which notice it belongs to and its number.
    expect(tableNamed('actions_v2').StorageDescriptor.Columns.map((c: Props) => [c.Name, c.Type])).toEqual([
      ['record_key', 'string'],
      ['instance', 'int'],
    ]);
  });

  it.each([
    ['critical_incident_review_v1', tablePrefix('critical_incident_review', 1, 'critical_incident_review')],
    ['improvement_opportunities_v1', tablePrefix('critical_incident_review', 1, 'improvement_opportunities')],
    ['safety_notice_v1', tablePrefix('safety_notice', 1, 'safety_notice')],
    ['safety_notice_v2', tablePrefix('safety_notice', 2, 'safety_notice')],
    ['actions_v2', tablePrefix('safety_notice', 2, 'actions')],
  ])('%s: Parquet in a folder of its own, partitioned by year with projection (no crawler)', (name, prefix) => {
    const input = tableNamed(name);
    expect(prefix.startsWith(DATASETS_PREFIX)).toBe(true);
    expect(input.TableType).toBe('EXTERNAL_TABLE');
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(input.StorageDescriptor.InputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
    expect(input.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: exportsId }, `/${prefix}`]] });
    expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'year', Type: 'string' })]);
    const p = input.Parameters as Props;
    expect(p['projection.enabled']).toBe('true');
    expect(p['projection.year.type']).toBe('enum');
    const values = String(p['projection.year.values']).split(',');
    expect(values).toContain(UNKNOWN_YEAR_PARTITION);
    expect(values).toContain(String(FIRST_PARTITION_YEAR));
    expect(values).toContain(String(LAST_PARTITION_YEAR));
    expect(values).toHaveLength(LAST_PARTITION_YEAR - FIRST_PARTITION_YEAR + 2);
    expect(p['storage.location.template']).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: exportsId }, `/${prefix}year=\${year}/`]] });
    // The folders a release writes are the ones the projection reads.
    expect(`${prefix}${yearFolder(2024)}`).toBe(`${prefix}year=2024/`);
    expect(`${prefix}${yearFolder(null)}`).toBe(`${prefix}year=${UNKNOWN_YEAR_PARTITION}/`);
  });

  it('the catalog types are the types the release files hold each column as (Parquet written by datasetFiles)', () => {
    const form = warehouseForms()[0]!;
    const release = deidentifyRelease({ form, records: releaseRecords(syntheticReviews(40)) });
    const objects = datasetFiles({ releaseId: 'r1', generatedAt: '2026-12-01T06:00:00.000Z', releases: [{ form, release }] });
    const PHYSICAL = { string: 'BYTE_ARRAY', int: 'INT32', double: 'DOUBLE' } as const;
    const checked = new Set<string>();
    for (const t of datasetTables([form])) {
      const file = objects.find((o) => o.key.endsWith('.parquet') && o.key.includes(`/${t.table}-`));
      expect(file, t.table).toBeDefined();
      const body = file!.body;
      const schema = parquetMetadata(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer).schema.slice(1);
      expect(schema.map((e) => [e.name, e.type])).toEqual(t.columns.map((c) => [c.name, PHYSICAL[GLUE_TYPES[c.kind]]]));
      for (const c of t.columns) checked.add(c.kind);
    }
    // Every kind the review ships was compared (the survey's decimals are not a warehouse dataset).
    expect([...checked].sort()).toEqual(['band', 'code', 'flag', 'geography', 'integer', 'release_key', 'year']);
  });

  it('every file a release writes is in the folder of its catalog table', () => {
    const form = warehouseForms()[0]!;
    const release = deidentifyRelease({ form, records: releaseRecords(syntheticReviews(40)) });
    const objects = datasetFiles({ releaseId: 'r1', generatedAt: '2026-12-01T06:00:00.000Z', releases: [{ form, release }] });
    const manifest = JSON.parse(new TextDecoder().decode(objects.find((o) => o.key.endsWith('/manifest.json'))!.body)) as DatasetManifest;
    expect(new Set(manifest.files.map((f) => f.table))).toEqual(new Set(['critical_incident_review', 'improvement_opportunities']));
    for (const f of manifest.files) expect(f.key.startsWith(`${tablePrefix(f.formId, f.version, f.table)}${yearFolder(f.year)}`), f.key).toBe(true);
  });

  it('no crawler: the catalog is the template', () => {
    expect(Object.keys(resources(template, 'AWS::Glue::Crawler'))).toEqual([]);
  });

  it('the Athena workgroup enforces its settings: engine auto, results under their prefix encrypted with the data key, bytes-scanned cutoff', () => {
    const groups = Object.values(resources(template, 'AWS::Athena::WorkGroup'));
    expect(groups).toHaveLength(1);
    const c = groups[0]?.Properties?.WorkGroupConfiguration as Props;
    expect(c.EnforceWorkGroupConfiguration).toBe(true);
    expect(c.EngineVersion).toEqual({ SelectedEngineVersion: 'AUTO' });
    expect(c.BytesScannedCutoffPerQuery).toBe(1024 ** 3);
    expect(c.ResultConfiguration.EncryptionConfiguration).toEqual({ EncryptionOption: 'SSE_KMS', KmsKey: keyArn });
    expect(c.ResultConfiguration.OutputLocation).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: exportsId }, `/${QUERY_RESULTS_PREFIX}`]] });
  });

  it("query results and what a failed run leaves in staging expire from the exports bucket (staging's old versions too); the other objects keep their lifecycle", () => {
    const rules = resources(template, 'AWS::S3::Bucket')[exportsId]?.Properties?.LifecycleConfiguration?.Rules as Props[];
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: QUERY_RESULTS_PREFIX, ExpirationInDays: QUERY_RESULTS_KEPT_DAYS, Status: 'Enabled' }));
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: STAGING_PREFIX, ExpirationInDays: STAGING_KEPT_DAYS, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }));
    expect(rules.filter((r) => r.ExpirationInDays !== undefined).map((r) => r.Prefix).sort()).toEqual([QUERY_RESULTS_PREFIX, STAGING_PREFIX].sort());
  });

  it('the release workflow: Plan, a Map that extracts each sharing jurisdiction, Publish; started monthly on the 3rd by a schedule', () => {
    const machines = Object.entries(resources(template, 'AWS::StepFunctions::StateMachine')).filter(([, r]) => r.Metadata?.['npcs:workflow-id'] === 'warehouse');
    expect(machines).toHaveLength(1);
    const [machineId, machine] = machines[0]!;
    const definition = JSON.stringify(machine.Properties?.DefinitionString);
    for (const state of ['Plan', 'ExtractJurisdictions', 'Publish']) expect(definition).toContain(`\\"${state}\\"`);
    const schedules = Object.values(resources(template, 'AWS::Scheduler::Schedule')).filter((r) => r.Metadata?.['npcs:workflow-id'] === 'warehouse-monthly');
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.Properties?.ScheduleExpression).toBe('cron(0 7 3 * ? *)');
    expect(JSON.stringify(schedules[0]?.Properties?.Target?.Arn)).toContain(machineId);
  });

  it('k and the county are deploy settings with safe defaults, refused out of range', () => {
    expect(loadConfig(() => undefined)).toMatchObject({ warehouseK: 5, warehouseCountyAllowed: false });
    expect(loadConfig((k) => (k === 'warehouseK' ? '11' : k === 'warehouseCountyAllowed' ? 'true' : undefined))).toMatchObject({ warehouseK: 11, warehouseCountyAllowed: true });
    expect(errorOf(() => loadConfig((k) => (k === 'warehouseK' ? '1' : undefined)))).toMatch(/warehouseK: .*at least 2/);
    expect(errorOf(() => loadConfig((k) => (k === 'warehouseCountyAllowed' ? 'yes' : undefined)))).toMatch(/warehouseCountyAllowed/);
  });

  it('the bytes-scanned cutoff is a setting: given in context, refused below the Athena minimum', () => {
    expect(loadConfig((k) => (k === 'warehouseBytesScannedCutoff' ? '20000000' : undefined)).warehouseBytesScannedCutoff).toBe(20_000_000);
    expect(errorOf(() => loadConfig((k) => (k === 'warehouseBytesScannedCutoff' ? '1000' : undefined)))).toMatch(/warehouseBytesScannedCutoff: .*at least 10000000/);
    expect(errorOf(() => loadConfig((k) => (k === 'warehouseBytesScannedCutoff' ? 'lots' : undefined)))).toMatch(/warehouseBytesScannedCutoff/);
  });

  it('a shipped column named like the partition is refused at synth', () => {
    const app = new App();
    const s = new Stack(app, 'S');
    const key = new kms.Key(s, 'K');
    const bucket = new s3.Bucket(s, 'B', { encryptionKey: key });
    const [t] = datasetTables([safetyNoticeV1]);
    const tables = [{ ...t!, columns: [...t!.columns, { ...t!.columns[0]!, name: 'year' }] }];
    expect(errorOf(() => new Warehouse(s, 'W', { bucket, key, bytesScannedCutoffPerQuery: 10_000_000, tables }))).toMatch(/named year/);
    // The same tables without it synthesize.
    new Warehouse(s, 'W2', { bucket, key, bytesScannedCutoffPerQuery: 10_000_000, tables: [t!] });
    expect(Object.keys(Template.fromStack(s).toJSON().Resources).some((id) => id.startsWith('W2'))).toBe(true);
  });

  describe('the analyst role', () => {
    it('is assumed only by principals of this account signed in with MFA', () => {
      const trust = asArray(resources(template, 'AWS::IAM::Role')[roleId]?.Properties?.AssumeRolePolicyDocument?.Statement) as Statement[];
      expect(trust).toHaveLength(1);
      expect(trust[0]?.Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
      expect(JSON.stringify(trust[0]?.Principal)).toMatch(/:root/);
    });

    it('has one customer-managed policy and no inline one', () => {
      const p = policiesOfRole(template, roleId);
      expect(p.managed).toHaveLength(1);
      expect(p.inline).toEqual([]);
      expect(p.roleInline).toBe(0);
    });

    it('runs queries in the warehouse workgroup only, and reads only the warehouse database from Glue', () => {
      const athena = statements.filter((s) => asArray(s.Action).some((a) => String(a).startsWith('athena:')));
      expect(athena.length).toBeGreaterThan(0);
      const resourceIds = (s: Statement) => new Set([...referencedIds(s.Resource)].filter((id) => !id.startsWith('AWS::')));
      for (const s of athena) expect(resourceIds(s)).toEqual(new Set([logicalIdOf(warehouse.workGroup)]));
      expect(JSON.stringify(athena.map((s) => s.Resource))).toMatch(/:workgroup\//);
      expect(statements.some((s) => allows(s, 'athena:StartQueryExecution'))).toBe(true);
      const glue = statements.filter((s) => asArray(s.Action).some((a) => String(a).startsWith('glue:')));
      expect(glue.flatMap((s) => asArray(s.Action)).every((a) => /^glue:Get/.test(String(a)))).toBe(true);
      expect(JSON.stringify(glue.map((s) => s.Resource))).not.toMatch(/database\/\*|table\/\*/);
      for (const action of ['glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable', 'athena:UpdateWorkGroup', 'athena:CreateWorkGroup']) {
        expect(statements.filter((s) => allows(s, action)), action).toEqual([]);
      }
    });

    it('reads the datasets, writes and reads its results, and reads nothing else of the exports bucket: never the reports, the ledger or the registry snapshots', () => {
      const patterns = (action: string) =>
        statements
          .filter((s) => allows(s, action) && referencedIds(s.Resource).has(exportsId))
          .flatMap((s) => asArray(s.Resource))
          .map(objectPattern)
          .filter((p): p is string => p !== undefined);
      const readable = (key: string) => patterns('s3:GetObject').some((p) => globMatches(p, key));
      const writable = (key: string) => patterns('s3:PutObject').some((p) => globMatches(p, key));
      expect(readable(`${tablePrefix('critical_incident_review', 1, 'critical_incident_review')}${yearFolder(2024)}critical_incident_review-r1.parquet`)).toBe(true);
      expect(readable(`${QUERY_RESULTS_PREFIX}0b1c2d3e.csv`)).toBe(true);
      expect(writable(`${QUERY_RESULTS_PREFIX}0b1c2d3e.csv`)).toBe(true);
      expect(writable(`${DATASETS_PREFIX}form=critical_incident_review/version=1/x.parquet`)).toBe(false);
      const run = runPrefix('quarterly', '2026-Q3', 'run-1');
      for (const key of [
        `${run}${audienceFolder('partnership')}report.html`,
        `${run}${audienceFolder({ jurisdictionId: 'ky' })}tables/reviews_by_cause.csv`,
        `${ledgerPrefix(2026)}quarterly-2026-Q3-run-1.json`,
        partialKey('run-1', 'ky'),
        'registry/2026-12-01.json',
        'warehouse/releases/r1/manifest.json',
      ]) {
        expect(readable(key), key).toBe(false);
      }
      // Listing is confined to the two warehouse prefixes.
      const lists = statements.filter((s) => allows(s, 's3:ListBucket'));
      expect(lists.map((s) => s.Condition)).toEqual([{ StringLike: { 's3:prefix': [`${DATASETS_PREFIX}*`, `${QUERY_RESULTS_PREFIX}*`] } }]);
    });

    it('cannot touch the DynamoDB table, nor any other bucket', () => {
      expect(statements.filter((s) => asArray(s.Action).some((a) => /^dynamodb:/i.test(String(a))) || referencedIds(s.Resource).has(dataTableId))).toEqual([]);
      const buckets = Object.keys(resources(template, 'AWS::S3::Bucket'));
      const touched = new Set(statements.flatMap((s) => [...referencedIds(s.Resource)]).filter((id) => buckets.includes(id)));
      expect([...touched]).toEqual([exportsId]);
    });

    it('uses the data key only through S3 and only for the exports bucket (the key also encrypts the table)', () => {
      const kmsStatements = statements.filter((s) => asArray(s.Action).some((a) => String(a).startsWith('kms:')));
      expect(kmsStatements).toHaveLength(1);
      const s = kmsStatements[0] as Statement;
      expect(s.Resource).toEqual(keyArn);
      expect(s.Condition?.StringEquals?.['kms:ViaService']).toMatch(/^s3\./);
      expect(referencedIds(s.Condition?.StringLike?.['kms:EncryptionContext:aws:s3:arn'])).toEqual(new Set([exportsId]));
      expect(asArray(s.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    });
  });
});
