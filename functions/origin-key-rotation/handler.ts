import { DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { logger } from '#shared/logger.ts';
import { type RotatedSecret, type RotationStep, rotateOriginKey } from '#shared/http/origin-rotation.ts';

const client = new SecretsManagerClient({});

interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep;
}

function rotatedSecret(secretId: string): RotatedSecret {
  return {
    describe: async () => {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return { rotationEnabled: out.RotationEnabled === true, versionStages: out.VersionIdsToStages ?? {} };
    },
    value: async (stage, versionId) => {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
        return out.SecretString;
      } catch (error) {
        if ((error as Error).name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
    putPending: async (versionId, value) => {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: versionId, SecretString: value, VersionStages: ['AWSPENDING'] }));
    },
    promote: async (versionId, fromVersionId) => {
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: versionId, RemoveFromVersionId: fromVersionId }));
    },
  };
}

/** Secrets Manager's rotation function of the origin key secret (shared/http/origin-rotation.ts). Logs the step, never a value. */
export async function handler(event: RotationEvent): Promise<void> {
  logger.info('Origin key rotation step', { step: event.Step, versionId: event.ClientRequestToken });
  await rotateOriginKey(event.Step, event.ClientRequestToken, rotatedSecret(event.SecretId));
}
