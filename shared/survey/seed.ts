import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { latestVersion } from '#shared/forms/registry.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { acceptsAnswers, addDays, SURVEY_FORM_ID, surveyPath, todayUtc } from './model.ts';
import { SurveyWaves } from './store.ts';

/**
 * Local demo data: an open survey wave of one jurisdiction, so the anonymous survey can be tried at once. Reuses the
 * newest open wave; opens one (as the platform, audited) when none is open. Returns the survey's path with its token after `#`.
 */
export async function seedDemoSurveyWave(client: DynamoDBDocumentClient, tableName: string, jurisdictionId: string): Promise<string> {
  const waves = new SurveyWaves(scopedTable(client, tableName, jurisdictionId));
  const today = todayUtc();
  const open = (await waves.list()).find((w) => w.mode === 'open_link' && acceptsAnswers(w, today));
  const wave =
    open ??
    (await waves.open(
      { subject: 'local-seed', role: 'system', jurisdictionId, requestId: 'local-seed' },
      { title: 'Demo wave', closesOn: addDays(today, 90) },
      latestVersion(SURVEY_FORM_ID),
    ));
  return `${surveyPath(jurisdictionId)}#${wave.linkToken}`;
}
