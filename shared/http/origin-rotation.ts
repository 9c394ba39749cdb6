import { randomBytes } from 'node:crypto';
import { parseOriginKeys } from './origin.ts';

/**
 * Rotation of the origin proof's key (shared/http/origin.ts), one Secrets Manager rotation step at a time
 * (createSecret, setSecret, testSecret, finishSecret; the steps Secrets Manager documents for a rotation function).
 * The new value keeps the old current key as `previous`, so verifiers accept proofs made with either; the signer
 * keeps the previous key for a grace period after the new version is created.
 */
export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** What a rotation needs of Secrets Manager, for the one secret being rotated. */
export interface RotatedSecret {
  /** Whether rotation is on, and each version's stages. */
  describe(): Promise<{ rotationEnabled: boolean; versionStages: Record<string, string[]> }>;
  /** The value of the current version, or of a version by id and stage; undefined when that version has none. */
  value(stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<string | undefined>;
  /** Stores `value` as the pending version `versionId`. */
  putPending(versionId: string, value: string): Promise<void>;
  /** Makes `versionId` the current version, taking the stage from `fromVersionId`. */
  promote(versionId: string, fromVersionId: string): Promise<void>;
}

/** A new key: 36 random bytes, 48 base64url characters (the length the secret was generated with). */
export const newOriginKey = (): string => randomBytes(36).toString('base64url');

export class RotationError extends Error {}

export async function rotateOriginKey(step: RotationStep, versionId: string, secret: RotatedSecret, newKey: () => string = newOriginKey): Promise<void> {
  const { rotationEnabled, versionStages } = await secret.describe();
  if (!rotationEnabled) throw new RotationError('Rotation is not enabled on the origin key secret');
  const stages = versionStages[versionId];
  if (!stages) throw new RotationError('The rotation names a version the secret does not have');
  if (stages.includes('AWSCURRENT')) return; // this rotation already finished
  if (!stages.includes('AWSPENDING')) throw new RotationError('The rotation names a version that is not pending');

  switch (step) {
    case 'createSecret': {
      // Idempotent: a retried step finds its pending value and leaves it.
      if (await secret.value('AWSPENDING', versionId)) return;
      const current = parseOriginKeys((await secret.value('AWSCURRENT')) ?? '');
      await secret.putPending(versionId, JSON.stringify({ current: newKey(), previous: current.current }));
      return;
    }
    case 'setSecret':
      // The key lives in this secret only: there is no other system to update.
      return;
    case 'testSecret': {
      const pending = parseOriginKeys((await secret.value('AWSPENDING', versionId)) ?? '');
      const current = parseOriginKeys((await secret.value('AWSCURRENT')) ?? '');
      // Proofs signed with the key in use now must keep passing once the pending value is current.
      if (pending.previous !== current.current) throw new RotationError('The pending value does not keep the current key as previous');
      return;
    }
    case 'finishSecret': {
      const currentVersion = Object.entries(versionStages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      if (!currentVersion) throw new RotationError('The secret has no current version');
      await secret.promote(versionId, currentVersion);
      return;
    }
  }
}
