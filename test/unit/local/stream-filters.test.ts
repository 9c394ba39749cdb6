import { describe, expect, it } from 'vitest';
import { matchesAny } from '#local/streams.ts';

/** The local stream trigger applies every filter of a mapping, as Lambda does: a record matching any one is delivered. */
describe('local stream filters (local/streams.ts matchesAny)', () => {
  // notice-tasks' two filters (infra/platform-stack.ts), as the template holds them.
  const submission = { eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['submission'] } } } };
  const published = { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { kind: { S: ['published_notice'] } } } };
  const record = (eventName: string, kind: string) => ({ eventName, dynamodb: { NewImage: { kind: { S: kind } } } });

  it('delivers what matches either filter, and nothing else', () => {
    expect(matchesAny([submission, published], record('INSERT', 'submission'))).toBe(true);
    expect(matchesAny([submission, published], record('INSERT', 'published_notice'))).toBe(true);
    expect(matchesAny([submission, published], record('MODIFY', 'published_notice'))).toBe(true);
    expect(matchesAny([submission, published], record('MODIFY', 'submission'))).toBe(false);
    expect(matchesAny([submission, published], record('REMOVE', 'published_notice'))).toBe(false);
    expect(matchesAny([submission, published], record('INSERT', 'published_notice_version'))).toBe(false);
    expect(matchesAny([submission], record('INSERT', 'published_notice'))).toBe(false);
  });
});
