import { describe, expect, it } from 'vitest';
import { type RotatedSecret, RotationError, rotateOriginKey } from '#shared/http/origin-rotation.ts';
import { originProof, originVerified, parseOriginKeys, signingKey } from '#shared/http/origin.ts';

const FIRST = 'first-key-first-key-first-key-first-key-first-k';
const SECOND = 'second-key-second-key-second-key-second-key-sec';

/** Secrets Manager as a rotation sees it: versions with values and stages (RotateSecret has made `token` pending). */
function fakeSecret(token: string, { rotationEnabled = true } = {}) {
  const values = new Map<string, string>([['v1', JSON.stringify({ current: FIRST })]]);
  const stages: Record<string, string[]> = { v1: ['AWSCURRENT'], [token]: ['AWSPENDING'] };
  const puts: string[] = [];
  const secret: RotatedSecret = {
    describe: async () => ({ rotationEnabled, versionStages: structuredClone(stages) }),
    value: async (stage, versionId) => {
      const id = versionId ?? Object.keys(stages).find((v) => stages[v]!.includes(stage));
      return id && stages[id]?.includes(stage) ? values.get(id) : undefined;
    },
    putPending: async (versionId, value) => {
      puts.push(versionId);
      values.set(versionId, value);
    },
    promote: async (versionId, fromVersionId) => {
      stages[fromVersionId] = stages[fromVersionId]!.filter((s) => s !== 'AWSCURRENT').concat('AWSPREVIOUS');
      stages[versionId] = ['AWSCURRENT'];
    },
  };
  return { secret, values, stages, puts };
}

const rotate = async (secret: RotatedSecret, token: string) => {
  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await rotateOriginKey(step, token, secret, () => SECOND);
};

describe('origin key rotation (shared/http/origin-rotation.ts)', () => {
  it('makes a new current key and keeps the old one as previous, then promotes it', async () => {
    const { secret, values, stages } = fakeSecret('t1');
    await rotate(secret, 't1');
    expect(stages.t1).toEqual(['AWSCURRENT']);
    expect(parseOriginKeys(values.get('t1')!)).toEqual({ current: SECOND, previous: FIRST });
  });

  it('no proof is refused across it: old and new verifiers accept what the signer sends', async () => {
    const { secret, values } = fakeSecret('t1');
    const before = parseOriginKeys(values.get('v1')!);
    await rotate(secret, 't1');
    const after = parseOriginKeys(values.get('t1')!);
    const rotatedAt = new Date('2026-12-04T19:00:00Z');
    for (const seconds of [1, 599, 600, 3600]) {
      const now = new Date(rotatedAt.getTime() + seconds * 1000);
      const proof = originProof(signingKey(after, rotatedAt, now), now);
      // Verifiers reread the secret within 5 minutes: before that some still hold the old value.
      if (seconds < 300) expect(originVerified(proof, before, now), `old verifier at +${seconds}s`).toBe(true);
      expect(originVerified(proof, after, now), `new verifier at +${seconds}s`).toBe(true);
    }
    // A proof signed just before the rotation still passes a verifier holding the new value.
    expect(originVerified(originProof(FIRST, rotatedAt), after, rotatedAt)).toBe(true);
  });

  it('a retried createSecret leaves the pending value it made', async () => {
    const { secret, values, puts } = fakeSecret('t1');
    await rotateOriginKey('createSecret', 't1', secret, () => SECOND);
    await rotateOriginKey('createSecret', 't1', secret, () => 'another-key-another-key-another-key-another-ke');
    expect(puts).toEqual(['t1']);
    expect(parseOriginKeys(values.get('t1')!).current).toBe(SECOND);
  });

  it('a step of a rotation that already finished does nothing', async () => {
    const { secret, values } = fakeSecret('t1');
    await rotate(secret, 't1');
    await rotateOriginKey('finishSecret', 't1', secret);
    await rotateOriginKey('createSecret', 't1', secret, () => 'another-key-another-key-another-key-another-ke');
    expect(parseOriginKeys(values.get('t1')!).current).toBe(SECOND);
  });

  it('refuses when rotation is off, for a version the secret does not have, and for one that is not pending', async () => {
    await expect(rotateOriginKey('createSecret', 't1', fakeSecret('t1', { rotationEnabled: false }).secret)).rejects.toThrow(RotationError);
    await expect(rotateOriginKey('createSecret', 'unknown', fakeSecret('t1').secret)).rejects.toThrow(/does not have/);
    const { secret, stages } = fakeSecret('t1');
    stages.t1 = ['AWSPREVIOUS'];
    await expect(rotateOriginKey('createSecret', 't1', secret)).rejects.toThrow(/not pending/);
  });

  it('testSecret refuses a pending value that drops the key in use', async () => {
    const { secret, values } = fakeSecret('t1');
    values.set('t1', JSON.stringify({ current: SECOND }));
    await expect(rotateOriginKey('testSecret', 't1', secret)).rejects.toThrow(/previous/);
  });
});
