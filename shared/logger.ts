import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one configured logger. Service name and level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL,
 * which the function construct sets. Rule: log ids, counts, statuses and error names; never form values,
 * names, emails, tokens, request bodies or whole events.
 */
export const logger = new Logger({ persistentLogAttributes: { app: 'npcs' } });
