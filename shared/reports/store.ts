/**
 * Where releases live (docs/reports.md, "Outputs"): every file of a run under its own S3 prefix
 * `reports/<cadence>/<periodId>/<runId>/`, and one DynamoDB item per period (`PARTNERSHIP#REPORTS`,
 * `RELEASE#<cadence>#<periodId>`) that names the run the pages read. The item is written last and is the switch:
 * a rerun writes all of its files first, then points the period at them in one conditional put, so a reader sees
 * the old release or the new one, never a mix, and a run that fails before the switch publishes nothing.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getObject } from '#shared/aws/s3.ts';
import { keys } from '#shared/storage/keys.ts';
import type { Cadence, ReleaseDocument, ReportPeriod } from './model.ts';

/** Whose report a file belongs to: the partnership's protected one, or a jurisdiction's own. */
export type Audience = 'partnership' | { jurisdictionId: string };

/** One file of a release, as the manifest and the switch list it. */
export interface ReleaseFile {
  /** Relative to the audience's folder, e.g. `tables/reviews_by_cause.period.csv`, `manifest.json`. */
  name: string;
  contentType: string;
  bytes: number;
  sha256: string;
  /** Data rows (tables only). */
  rows?: number;
}

/** What the switch item holds: enough to list the release and find its files. */
export interface PublishedRelease {
  cadence: Cadence;
  periodId: string;
  period: ReportPeriod;
  runId: string;
  publishedAt: string;
  /** The S3 prefix of the run, ending in `/`. */
  prefix: string;
  /** The jurisdictions with their own report in this release. */
  jurisdictions: string[];
  /** The partnership's files (relative names). */
  files: ReleaseFile[];
  /** The digest's headline figures (already protected). */
  headline: { label: string; value: string }[];
  /** How many runs have published this period (1 for the first). */
  revision: number;
}

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  html: 'text/html; charset=utf-8',
} as const;

export const runPrefix = (cadence: Cadence, periodId: string, runId: string) => `reports/${cadence}/${periodId}/${runId}/`;
export const audienceFolder = (audience: Audience) => (audience === 'partnership' ? 'partnership/' : `jurisdictions/${audience.jurisdictionId}/`);

/** A relative file name a page may ask for: letters, digits, dots, hyphens, underscores, one optional `tables/`. */
export const FILE_NAME = /^(?:tables\/)?[a-z0-9_]+(?:\.[a-z0-9_]+)*\.(?:csv|json|parquet|html)$/;

export class ReportReleases {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly bucket: string,
  ) {}

  /** Every published release, newest period first (monthly and quarterly together). */
  async list(): Promise<PublishedRelease[]> {
    const releases: PublishedRelease[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.reportReleasesPartition }, ExclusiveStartKey: startKey }),
      );
      releases.push(...(page.Items ?? []).map((i) => i.release as PublishedRelease));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return releases.sort((a, b) => b.period.end.localeCompare(a.period.end) || (a.cadence === b.cadence ? 0 : a.cadence === 'quarterly' ? -1 : 1));
  }

  async get(cadence: Cadence, periodId: string): Promise<PublishedRelease | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.reportRelease(cadence, periodId), ConsistentRead: true }));
    return out.Item?.release as PublishedRelease | undefined;
  }

  /**
   * Points the period at a run: the last write of a publish. Refuses (returns false) when a run that started later
   * already published the period, so an older run finishing last cannot bring back older figures.
   */
  async switchTo(release: Omit<PublishedRelease, 'revision'>, runStartedAt: string): Promise<PublishedRelease | undefined> {
    const current = await this.get(release.cadence, release.periodId);
    // A retried publish of the run that is already published (its emails failed, say) changes nothing.
    if (current?.runId === release.runId) return current;
    const next: PublishedRelease = { ...release, revision: (current?.revision ?? 0) + 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.reportRelease(release.cadence, release.periodId), kind: 'report_release', runStartedAt, release: next },
          ConditionExpression: 'attribute_not_exists(pk) OR runStartedAt <= :started',
          ExpressionAttributeValues: { ':started': runStartedAt },
        }),
      );
      return next;
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw e;
    }
  }

  async document(release: PublishedRelease, audience: Audience): Promise<ReleaseDocument | undefined> {
    const body = await this.read(release, audience, 'report.json');
    return body ? (JSON.parse(Buffer.from(body).toString('utf8')) as ReleaseDocument) : undefined;
  }

  async reportHtml(release: PublishedRelease, audience: Audience): Promise<string | undefined> {
    const body = await this.read(release, audience, 'report.html');
    return body ? Buffer.from(body).toString('utf8') : undefined;
  }

  /** A file of the release (its name checked against FILE_NAME), with its content type; undefined if absent. */
  async file(release: PublishedRelease, audience: Audience, name: string): Promise<{ body: Uint8Array; contentType: string } | undefined> {
    if (!FILE_NAME.test(name)) return undefined;
    if (audience !== 'partnership' && !release.jurisdictions.includes(audience.jurisdictionId)) return undefined;
    const body = await this.read(release, audience, name);
    if (!body) return undefined;
    const ext = name.slice(name.lastIndexOf('.') + 1) as keyof typeof CONTENT_TYPES;
    return { body, contentType: CONTENT_TYPES[ext] };
  }

  private async read(release: PublishedRelease, audience: Audience, name: string): Promise<Uint8Array | undefined> {
    return getObject(this.bucket, `${release.prefix}${audienceFolder(audience)}${name}`);
  }
}
