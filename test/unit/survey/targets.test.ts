import { describe, expect, it } from 'vitest';
import { getForm, latestVersion } from '#shared/forms/registry.ts';
import { SURVEY_FORM_ID } from '#shared/survey/model.ts';
import { formValuesFrom, formValuesOf, targetField, targetScales, targetsFrom, type BaselineChoices } from '#shared/survey/targets.ts';

const scales = targetScales(getForm(SURVEY_FORM_ID, latestVersion(SURVEY_FORM_ID)));
const [sc, ps] = scales;
const WAVE = '01JAAAAAAAAAAAAAAAAAAAAAAA';
const choices: BaselineChoices[] = [
  { jurisdictionId: 'ky-dcbs', name: 'Kentucky DCBS', waves: [{ waveId: WAVE, title: 'Fall 2026', closedOn: '2026-10-01' }] },
  { jurisdictionId: 'nm-cyfd', name: 'New Mexico CYFD', waves: [] },
];
const untracked = Object.fromEntries(scales.map((s) => [targetField.measure(s.scale), 'none']));
const parse = (posted: Record<string, string>) => targetsFrom(formValuesFrom({ ...untracked, ...posted }, scales, choices), scales, choices);

describe('survey targets from the form', () => {
  it("reads the latest survey form's scales with their ranges", () => {
    expect(scales.length).toBeGreaterThan(1);
    expect(sc).toMatchObject({ scale: 'safety_climate', label: 'Safety climate', favorable: 'high' });
    expect(sc!.pointsMax).toBeGreaterThan(sc!.pointsMin);
  });

  it('accepts a percent positive target over the first closed wave and a mean target over chosen waves; untracked scales are left out', () => {
    const result = parse({
      [targetField.measure(sc!.scale)]: 'percent_positive',
      [targetField.change(sc!.scale)]: ' 10 ',
      [targetField.baseline(sc!.scale)]: 'first_closed',
      [targetField.measure(ps!.scale)]: 'mean',
      [targetField.change(ps!.scale)]: '0.3',
      [targetField.baseline(ps!.scale)]: 'chosen',
      [targetField.wave(ps!.scale, 'ky-dcbs')]: WAVE,
    });
    expect(result).toEqual({
      ok: true,
      targets: [
        { scale: sc!.scale, baseline: { kind: 'first_closed' }, measure: 'percent_positive', change: 10 },
        { scale: ps!.scale, baseline: { kind: 'chosen', waves: { 'ky-dcbs': WAVE } }, measure: 'mean', change: 0.3 },
      ],
    });
    // And back to the form as stored.
    expect(formValuesOf(result.ok ? result.targets : [], scales)[ps!.scale]).toEqual({ measure: 'mean', change: '0.3', baseline: 'chosen', waves: { 'ky-dcbs': WAVE } });
  });

  it('names each problem with its scale: ranges per measure, a number, a zero change, an unknown wave, a chosen rule without waves', () => {
    const span = sc!.pointsMax - sc!.pointsMin;
    const result = parse({
      [targetField.measure(sc!.scale)]: 'percent_positive',
      [targetField.change(sc!.scale)]: '101',
      [targetField.baseline(sc!.scale)]: 'chosen',
      [targetField.wave(sc!.scale, 'ky-dcbs')]: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
      [targetField.measure(ps!.scale)]: 'mean',
      [targetField.change(ps!.scale)]: String(span + 0.5),
      [targetField.baseline(ps!.scale)]: 'chosen',
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      { field: targetField.change(sc!.scale), message: 'Safety climate: the change sought is from -100 to 100 percentage points' },
      { field: targetField.wave(sc!.scale, 'ky-dcbs'), message: 'Safety climate: Kentucky DCBS: choose one of its closed waves' },
      { field: targetField.change(ps!.scale), message: `Psychological safety: the change sought is from -${span} to ${span} points of the ${ps!.pointsMin} to ${ps!.pointsMax} scale` },
      { field: targetField.baseline(ps!.scale), message: "Psychological safety: choose the baseline wave of at least one jurisdiction, or use each jurisdiction's first closed wave" },
    ]);
    const words = parse({ [targetField.measure(sc!.scale)]: 'mean', [targetField.change(sc!.scale)]: '=1+1', [targetField.baseline(sc!.scale)]: 'first_closed' });
    expect(words.ok ? [] : words.errors.map((e) => e.message)).toEqual(['Safety climate: enter the change sought as a number, such as 0.3']);
    const zero = parse({ [targetField.measure(sc!.scale)]: 'percent_positive', [targetField.change(sc!.scale)]: '0', [targetField.baseline(sc!.scale)]: 'first_closed' });
    expect(zero.ok ? [] : zero.errors.map((e) => e.message)).toEqual(['Safety climate: a change of 0 is no target: enter the change sought, or choose "not tracked"']);
    const measure = parse({ [targetField.measure(sc!.scale)]: 'median' });
    expect(measure.ok ? [] : measure.errors.map((e) => e.message)).toEqual(['Safety climate: Choose percent positive, mean score or not tracked']);
  });
});
