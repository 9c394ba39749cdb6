import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATASETS_PREFIX, datasetTables, type DatasetTable, GLUE_TYPES, PARTITION_COLUMN as YEAR_PARTITION, QUERY_RESULTS_PREFIX, STAGING_KEPT_DAYS, STAGING_PREFIX, UNKNOWN_YEAR_PARTITION } from '#shared/warehouse/layout.ts';
import { wildcardResourceFinding } from './nag.ts';
import { ManagedPolicyRole } from './managed-policy-role.ts';

export interface WarehouseProps {
  /** The exports bucket: the datasets are under warehouse/datasets/, the query results under warehouse/query-results/. */
  readonly bucket: s3.Bucket;
  /** The data key the bucket is encrypted with. */
  readonly key: kms.IKey;
  /** Athena cancels a query that scans more (infra/config.ts). */
  readonly bytesScannedCutoffPerQuery: number;
  /** The catalog's tables (default: every shipped table of every warehouse form version, shared/warehouse/layout.ts). */
  readonly tables?: readonly DatasetTable[];
}

/**
 * Partition years the catalog projects: from the earliest incident date the critical incident review accepts (1990)
 * to a year past any record the platform will hold. An empty year costs Athena one S3 listing, and only in a query
 * that does not filter on the year.
 */
export const FIRST_PARTITION_YEAR = 1990;
export const LAST_PARTITION_YEAR = 2075;

/** Query results are for the analyst who ran the query, not a second copy of the datasets. */
export const QUERY_RESULTS_KEPT_DAYS = 30;

const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
};

/**
 * SQL at scale over the de-identified datasets (docs/warehouse.md, "In AWS"): a Glue database with one table per
 * shipped table of each warehouse form version (Parquet, partition projection on the year, so no crawler), an
 * Athena workgroup that enforces KMS-encrypted results and a bytes-scanned limit, and the warehouse analyst role,
 * which can read those datasets and nothing else of the platform.
 */
export class Warehouse extends Construct {
  readonly database: glue.CfnDatabase;
  readonly databaseName: string;
  readonly tables: Map<string, glue.CfnTable> = new Map();
  readonly workGroup: athena.CfnWorkGroup;
  readonly analystRole: ManagedPolicyRole;

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { bucket, key } = props;
    // Derived from the stack (no two stacks share it) and readable: analysts name it in their SQL.
    this.databaseName = `${stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_warehouse`;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `${stack.stackName}-warehouse`,
      description: 'Warehouse analysts: de-identified datasets only, results encrypted with the data key, bytes scanned per query limited',
      state: 'ENABLED',
      // The analysts' role may run queries here only; its settings cannot be overridden by a query.
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: bucket.s3UrlForObject(QUERY_RESULTS_PREFIX),
          expectedBucketOwner: stack.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn },
        },
      },
      // A stack deletion in dev removes the workgroup even if it has run queries.
      recursiveDeleteOption: true,
    });
    // Staged rows are identifiable: a run removes its own; what a failed run leaves expires, versions included.
    bucket.addLifecycleRule({ id: 'WarehouseStaging', prefix: STAGING_PREFIX, expiration: Duration.days(STAGING_KEPT_DAYS), noncurrentVersionExpiration: Duration.days(1) });
    bucket.addLifecycleRule({ id: 'WarehouseQueryResults', prefix: QUERY_RESULTS_PREFIX, expiration: Duration.days(QUERY_RESULTS_KEPT_DAYS), noncurrentVersionExpiration: Duration.days(1) });

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'De-identified warehouse datasets (docs/warehouse.md): one table per shipped table of each form version' },
    });

    const years = Array.from({ length: LAST_PARTITION_YEAR - FIRST_PARTITION_YEAR + 1 }, (_, i) => String(FIRST_PARTITION_YEAR + i));
    for (const t of props.tables ?? datasetTables()) {
      if (t.columns.some((c) => c.name === YEAR_PARTITION)) throw new Error(`${t.catalogName} ships a column named ${YEAR_PARTITION}, the partition column's name`);
      if (this.tables.has(t.catalogName)) throw new Error(`two warehouse tables are named ${t.catalogName}`);
      const location = bucket.s3UrlForObject(t.prefix);
      const table = new glue.CfnTable(this, `Table-${t.catalogName}`, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: {
          name: t.catalogName,
          description: `${t.formId} version ${t.version}, ${t.main ? 'one row per record' : `the ${t.table} repeating group, one row per entry`}`,
          tableType: 'EXTERNAL_TABLE',
          // Rows whose year was suppressed have a folder of their own (the Hive default partition): the partition is a
          // string with every year listed, because integer projection would never read that folder and lose them.
          partitionKeys: [{ name: YEAR_PARTITION, type: 'string', comment: `Year of the record's main date; ${UNKNOWN_YEAR_PARTITION} where the k-anonymity check suppressed it` }],
          parameters: {
            classification: 'parquet',
            'projection.enabled': 'true',
            [`projection.${YEAR_PARTITION}.type`]: 'enum',
            [`projection.${YEAR_PARTITION}.values`]: [...years, UNKNOWN_YEAR_PARTITION].join(','),
            'storage.location.template': `${location}${YEAR_PARTITION}=\${${YEAR_PARTITION}}/`,
          },
          storageDescriptor: {
            location,
            ...PARQUET,
            columns: t.columns.map((c) => ({ name: c.name, type: GLUE_TYPES[c.kind], comment: c.label.slice(0, 255) })),
          },
        },
      });
      table.node.addDependency(this.database);
      this.tables.set(t.catalogName, table);
    }

    // Anyone of this account allowed by its own IAM policy to assume the role, and signed in with MFA: who is an
    // analyst is decided where people are (IAM or Identity Center), not in this stack.
    this.analystRole = new ManagedPolicyRole(this, 'AnalystRole', {
      description: 'Warehouse analysts: Athena queries over the de-identified datasets, nothing else of the platform',
      assumedBy: new iam.AccountRootPrincipal().withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
      maxSessionDuration: Duration.hours(4),
    });
    this.grantAnalyst(bucket, key);
  }

  private grantAnalyst(bucket: s3.Bucket, key: kms.IKey): void {
    const stack = Stack.of(this);
    const role = this.analystRole;
    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.ref });
    const catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
    const databaseArn = stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName });
    const tablesArn = stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/*` });
    const datasets = bucket.arnForObjects(`${DATASETS_PREFIX}*`);
    const results = bucket.arnForObjects(`${QUERY_RESULTS_PREFIX}*`);

    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QueriesInTheWarehouseWorkGroupOnly',
        actions: [
          'athena:StartQueryExecution',
          'athena:StopQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:GetQueryResultsStream',
          'athena:BatchGetQueryExecution',
          'athena:ListQueryExecutions',
          'athena:GetWorkGroup',
        ],
        resources: [workGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheWarehouseCatalog',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables'],
        resources: [catalogArn, databaseArn, tablesArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListOnlyTheWarehousePrefixes',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${DATASETS_PREFIX}*`, `${QUERY_RESULTS_PREFIX}*`] } },
      }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'LocateTheBucket', actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadTheDatasets', actions: ['s3:GetObject'], resources: [datasets] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteAndReadQueryResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [results],
      }),
    );
    // The data key also encrypts the table: the role may use it only through S3, and only for this bucket's objects
    // (the bucket key's context is the bucket's ARN).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DataKeyThroughS3ForTheExportsBucketOnly',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, bucket.arnForObjects('warehouse/*')] },
        },
      }),
    );

    const ack = (resource: string, reason: string) => Validations.of(role).acknowledge({ id: wildcardResourceFinding(role, resource), reason });
    ack(tablesArn, 'The tables of the one warehouse database; a new form version adds a table without a change to this grant.');
    ack(datasets, 'Objects under warehouse/datasets/ of the exports bucket: the de-identified datasets, whose file names each release chooses.');
    ack(results, 'Objects under warehouse/query-results/ of the exports bucket: Athena names each result file by query id.');
  }
}
