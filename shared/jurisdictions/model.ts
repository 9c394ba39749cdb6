import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';

/** Who a contact of a jurisdiction is to the partnership. */
export const CONTACT_ROLES = ['review-lead', 'jurisdiction-admin', 'data-contact'] as const;

export const JURISDICTION_TYPES = ['state', 'county', 'tribal'] as const;

/** USPS codes of the states, D.C. and the territories. */
export const US_STATE_CODES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME',
  'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI',
  'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'PR', 'VI', 'GU', 'AS', 'MP',
] as const;

const unitSchema = z.lazy(() => z.object({
  code: z.string().check(z.regex(/^[a-z0-9-]{1,40}$/, 'A unit code is lowercase letters, digits and hyphens')),
  label: z.string().check(z.minLength(1), z.maxLength(120)),
}));

const contactSchema = z.lazy(() => z.object({
  role: z.enum(CONTACT_ROLES),
  name: z.string().check(z.minLength(1), z.maxLength(120)),
  email: z.email(),
}));

/** The range a jurisdiction's own review timing may take (the registry form's hints say it from here). */
export const REVIEW_TIMING_LIMITS = {
  reminderHours: { min: 1, max: 720 },
  escalateAfterReminders: { min: 1, max: 10 },
} as const;

/** The lag a data-sharing agreement may set, in months (the registry form's hint says it from here). */
export const DATA_SHARING_LAG_MONTHS = { min: 0, max: 120 } as const;

/**
 * A jurisdiction's data-sharing agreement with the partnership's data warehouse. Absent: it does not share (fail
 * closed). `sharesWithWarehouse: false` keeps a withdrawn agreement's terms on record while sharing nothing.
 */
const dataSharingSchema = z.lazy(() =>
  z.strictObject({
    sharesWithWarehouse: z.boolean({ error: 'Say whether the jurisdiction shares with the warehouse: true or false' }),
    /** The agreement's first day: records approved before it are never shared. */
    since: z.iso.date({ error: 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01' }),
    /** How long after approval a record waits before it is shared (research sets: 24). */
    lagMonths: z.number({ error: 'Give the lag in months as a whole number, such as 24' }).check(
      z.int('The lag is a whole number of months'),
      z.minimum(DATA_SHARING_LAG_MONTHS.min, 'The lag cannot be negative: 0 months shares records as soon as they are approved'),
      z.maximum(DATA_SHARING_LAG_MONTHS.max, `The lag is at most ${DATA_SHARING_LAG_MONTHS.max} months (10 years)`),
    ),
  }),
);

export type DataSharing = z.infer<typeof dataSharingSchema>;

export const jurisdictionSchema = z.lazy(() => z
  .strictObject({
    id: jurisdictionIdSchema,
    name: z.string().check(z.minLength(3), z.maxLength(160)),
    type: z.enum(JURISDICTION_TYPES),
    state: z.enum(US_STATE_CODES),
    /** Set for county agencies only. */
    county: z.optional(z.string().check(z.minLength(2), z.maxLength(80))),
    units: z.array(unitSchema).check(z.maxLength(200)),
    contacts: z.array(contactSchema).check(z.maxLength(20)),
    active: z.boolean(),
    joinedYear: z.number().check(z.int(), z.minimum(2018), z.maximum(2100)),
    /** The review workflow's timing for this jurisdiction; absent: the partnership's defaults (shared/policy.ts). */
    review: z.optional(
      z.strictObject({
        reminderHours: z.number().check(
          z.int('Hours between reminders are a whole number'),
          z.minimum(REVIEW_TIMING_LIMITS.reminderHours.min, 'Remind at most every hour'),
          z.maximum(REVIEW_TIMING_LIMITS.reminderHours.max, `Remind at least every ${REVIEW_TIMING_LIMITS.reminderHours.max / 24} days`),
        ),
        escalateAfterReminders: z.number().check(
          z.int('Escalate after a whole number of reminders'),
          z.minimum(REVIEW_TIMING_LIMITS.escalateAfterReminders.min, 'Escalate after at least 1 reminder'),
          z.maximum(REVIEW_TIMING_LIMITS.escalateAfterReminders.max, `Escalate after at most ${REVIEW_TIMING_LIMITS.escalateAfterReminders.max} reminders`),
        ),
      }),
    ),
    /** The data-sharing agreement with the warehouse; absent: no agreement, nothing shared. */
    dataSharing: z.optional(dataSharingSchema),
  })
  .check(
    z.refine((j) => (j.type === 'county') === (j.county !== undefined), {
      message: 'A county agency names its county, and only a county agency does',
      path: ['county'],
    }),
    z.refine((j) => new Set(j.units.map((u) => u.code)).size === j.units.length, { message: 'Unit codes must be unique', path: ['units'] }),
  ));

export type Jurisdiction = z.infer<typeof jurisdictionSchema>;

/**
 * What anyone may see of a jurisdiction: no contacts (names and emails are for signed-in partners only), no review
 * timing and no data-sharing agreement (the partnership's business with the jurisdiction).
 */
export interface PublicJurisdiction {
  id: string;
  name: string;
  type: Jurisdiction['type'];
  state: Jurisdiction['state'];
  county?: string;
  active: boolean;
  joinedYear: number;
  units: { code: string; label: string }[];
}

/** Picks the public fields by name, so that a field added to the profile stays private until it is listed here. */
export function toPublicJurisdiction(j: Jurisdiction): PublicJurisdiction {
  const { id, name, type, state, county, active, joinedYear, units } = j;
  return { id, name, type, state, ...(county === undefined ? {} : { county }), active, joinedYear, units: units.map(({ code, label }) => ({ code, label })) };
}

/** Filters of the registry listing, as the API accepts them in the query string. */
export const registryFilterSchema = z.lazy(() => z.strictObject({
  type: z.optional(z.enum(JURISDICTION_TYPES, { error: `type must be one of: ${JURISDICTION_TYPES.join(', ')}` })),
  state: z.optional(
    z.pipe(
      z.pipe(z.string(), z.transform((s: string) => s.toUpperCase())),
      z.enum(US_STATE_CODES, { error: 'state must be a two-letter USPS code such as KY' }),
    ),
  ),
  active: z.optional(z.pipe(z.enum(['true', 'false'], { error: 'active must be true or false' }), z.transform((v: 'true' | 'false') => v === 'true'))),
}));

export type RegistryFilter = z.infer<typeof registryFilterSchema>;
