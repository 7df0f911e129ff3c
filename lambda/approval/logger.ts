import { Logger } from '@aws-lambda-powertools/logger';

/** Structured logs of the approval handlers. They log ids, never task tokens or summaries. */
export const logger = new Logger({ serviceName: 'approvals' });
