import { Duration } from 'aws-cdk-lib';

/**
 * The longest execution a Standard workflow may run: one year.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export const MAX_STANDARD_DURATION = Duration.days(365);
