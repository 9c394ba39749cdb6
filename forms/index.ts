/** Every version of every form, published or draft. Old versions stay here forever: stored records name them. */
import { criticalIncidentReviewV1 } from './critical-incident-review/v1.ts';
import { safetyCultureSurveyV1 } from './safety-culture-survey/v1.ts';
import { safetyNoticeV1 } from './safety-notice/v1.ts';
import { safetyNoticeV2 } from './safety-notice/v2.ts';
import type { FormDefinition } from './types.ts';

export { criticalIncidentReviewV1, safetyCultureSurveyV1, safetyNoticeV1, safetyNoticeV2 };

export const FORM_VERSIONS: readonly FormDefinition[] = [criticalIncidentReviewV1, safetyCultureSurveyV1, safetyNoticeV1, safetyNoticeV2];
