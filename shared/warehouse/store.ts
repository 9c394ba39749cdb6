/**
 * The warehouse feed's releases in the table (docs/warehouse.md, "The pipeline"): `PARTNERSHIP#WAREHOUSE / CURRENT`
 * names the release whose files are under `warehouse/datasets/` (the switch a run writes last), and one entry per
 * published release keeps its summary for the platform admins' page. Partnership-wide items: no jurisdiction owns them.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/storage/keys.ts';
import type { NotSharedReason } from './consent.ts';

/** The longest reason an on-demand release keeps. */
export const RELEASE_REASON_MAX = 500;

/** What a release says of one jurisdiction: in, with its window and records, or out, and why. */
export type ConsentEntry =
  | { id: string; name: string; state: string; shares: true; from: string; until: string; records: number }
  | { id: string; name: string; state: string; shares: false; reason: NotSharedReason };

export interface FormReleaseSummary {
  formId: string;
  version: number;
  records: number;
  k: number;
  /** Rows of the smallest class with a quasi-identifier left (null when there is none). */
  smallestClass: number | null;
  classes: number;
  generalized: number;
  /** Cells nulled one quasi-identifier at a time, all columns together. */
  suppressedCells: number;
  /** Rows with every quasi-identifier suppressed. */
  suppressed: number;
  /** Columns left out by the rules (the manifest says which and why). */
  droppedColumns: number;
}

export interface WarehouseRelease {
  releaseId: string;
  runId: string;
  /** When the run started (a later-started run's release wins the switch). */
  startedAt: string;
  publishedAt: string;
  /** The day the consent windows were computed for (YYYY-MM-DD, UTC). */
  releaseDate: string;
  trigger: 'schedule' | 'on_demand';
  /** Why a platform admin started it (on demand only). */
  reason?: string;
  manifestKey: string;
  dictionaryKey: string;
  /** Every Parquet file of the release: what the next release removes. */
  files: string[];
  forms: FormReleaseSummary[];
  jurisdictions: ConsentEntry[];
}

export class WarehouseReleases {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async current(): Promise<WarehouseRelease | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.warehouseCurrent, ConsistentRead: true }));
    return out.Item?.release as WarehouseRelease | undefined;
  }

  /** The newest releases first (the page shows the last two years of monthly releases). */
  async list(limit = 24): Promise<WarehouseRelease[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :release)',
        ExpressionAttributeValues: { ':pk': keys.warehouseReleasesPartition, ':release': 'RELEASE#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => item.release as WarehouseRelease);
  }

  /**
   * Makes `release` the current one, unless a run that started later already published (then undefined: the
   * caller removes its own files). A retried publish of the current release changes nothing.
   */
  async switchTo(release: WarehouseRelease): Promise<{ previous?: WarehouseRelease } | undefined> {
    const previous = await this.current();
    if (previous?.releaseId === release.releaseId) return {};
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.warehouseCurrent, kind: 'warehouse_current', startedAt: release.startedAt, release },
          ConditionExpression: 'attribute_not_exists(pk) OR startedAt <= :started',
          ExpressionAttributeValues: { ':started': release.startedAt },
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw e;
    }
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.warehouseRelease(release.releaseId), kind: 'warehouse_release', release } }));
    return previous ? { previous } : {};
  }
}
