import { afterEach, describe, expect, it } from 'vitest';
import { parseReportProtection, reportProtectionFromEnv } from '#shared/reports/settings.ts';

describe('REPORT_PROTECTION', () => {
  afterEach(() => {
    delete process.env.REPORT_PROTECTION;
  });

  it('gives every dataset the default unless it has its own; a width defaults to half the threshold, rounded up', () => {
    const s = parseReportProtection('{"default":{"threshold":10,"minIntervalWidth":4},"safety_notices_by_theme":{"threshold":5},"reviews_by_cause":{"minIntervalWidth":7}}');
    expect(s.default).toEqual({ threshold: 10, minIntervalWidth: 4 });
    expect(s.forDataset('reviews_by_age_band')).toEqual({ threshold: 10, minIntervalWidth: 4 });
    expect(s.forDataset('safety_notices_by_theme')).toEqual({ threshold: 5, minIntervalWidth: 1 });
    expect(s.forDataset('reviews_by_cause')).toEqual({ threshold: 10, minIntervalWidth: 7 });
    expect(parseReportProtection('{}').default).toEqual({ threshold: 10, minIntervalWidth: 3 });
    expect(parseReportProtection('{"default":{"threshold":3}}').default).toEqual({ threshold: 3, minIntervalWidth: 1 });
    expect(parseReportProtection('{"default":{"threshold":20}}').default).toEqual({ threshold: 20, minIntervalWidth: 6 });
  });

  it('refuses what would make the audit meaningless or names what does not exist', () => {
    const refused: [string, RegExp][] = [
      ['not json', /not JSON/],
      ['[]', /not valid/],
      ['{"default":{"threshold":0}}', /threshold is at least 1/],
      ['{"default":{"threshold":1}}', /minIntervalWidth 1 must be 1 to threshold - 1 \(0\)/],
      ['{"default":{"threshold":10,"minIntervalWidth":10}}', /minIntervalWidth 10 must be 1 to threshold - 1 \(9\)/],
      ['{"default":{"threshold":10,"minIntervalWidth":0}}', /minIntervalWidth is at least 1/],
      ['{"default":{"threshold":10.5}}', /whole number/],
      ['{"default":{"threshold":"10"}}', /default\.threshold/],
      ['{"default":{"limit":10}}', /limit/],
      ['{"reviews_by_colour":{"threshold":10}}', /unknown datasets: reviews_by_colour/],
      ['{"default":{"threshold":4},"reviews_by_cause":{"minIntervalWidth":4}}', /"reviews_by_cause": minIntervalWidth 4/],
    ];
    for (const [json, message] of refused) expect(() => parseReportProtection(json), json).toThrow(message);
  });

  it('is required in the environment', () => {
    expect(() => reportProtectionFromEnv()).toThrow(/Missing required environment variable REPORT_PROTECTION/);
    process.env.REPORT_PROTECTION = '{"default":{"threshold":8}}';
    expect(reportProtectionFromEnv().default).toEqual({ threshold: 8, minIntervalWidth: 2 });
  });
});
