import fc from 'fast-check';

const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);

/** Valid jurisdiction ids: lowercase slugs with single hyphens, 2-40 characters. */
export const jurisdictionId = fc
  .array(segment, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('-'))
  .filter((id) => id.length >= 2 && id.length <= 40);

/** Two different ids, often one a prefix of the other (`ky` / `ky-dcbs`, `ky` / `kyx`). */
export const twoJurisdictions = fc.oneof(
  fc.tuple(jurisdictionId, jurisdictionId).filter(([a, b]) => a !== b),
  fc
    .tuple(jurisdictionId, segment, fc.boolean(), fc.boolean())
    .map(([a, extra, hyphen, swap]) => {
      const b = `${a}${hyphen ? '-' : ''}${extra}`.slice(0, 40);
      return (swap ? [b, a] : [a, b]) as [string, string];
    })
    .filter(([a, b]) => a !== b && b.length >= 2),
);

/** Partition suffixes and sort keys, including ones that look like another jurisdiction's keys. */
export const suffix = (other: string) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 30 }),
    fc.constantFrom(other, `${other}#RECORDS`, `#${other}`, `#${other}#AUDIT`, '#', '##', '*', `${other}*`),
    fc.string({ minLength: 1, maxLength: 10 }).map((s) => `${other}#${s}`),
  );
