/**
 * What an error from SendTaskSuccess / SendTaskFailure says about the decision:
 *
 * - `tokenGone`: Step Functions no longer waits for the task (timed out, execution ended, or
 *   already closed, possibly by an earlier send of this same decision);
 * - `retryLater`: refused for certain and transient (throttling): nothing was delivered, a
 *   later send may succeed;
 * - `refused`: refused for certain and permanent (access denied, KMS key unusable, invalid
 *   output): nothing was delivered, and sending again fails the same way until it is fixed;
 * - `unknown`: the answer was lost (timeout, network, 5xx): the decision may have been delivered.
 */
export type DeliveryFailureKind = 'tokenGone' | 'retryLater' | 'refused' | 'unknown';

/** A failed send of a decision, classified. */
export interface DeliveryFailure {
  readonly kind: DeliveryFailureKind;
  /** The error's name, e.g. `TaskTimedOut`, `ThrottlingException`, `TimeoutError`. */
  readonly errorName: string;
  /** For `refused`: why, in words a reviewer or operator can act on. */
  readonly reason?: string;
}

/**
 * The errors of SendTaskSuccess / SendTaskFailure meaning the task no longer waits.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors
 */
const TOKEN_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Errors that refuse a request before it is processed and may pass: throttling (Step Functions',
 * KMS's on its behalf, DynamoDB's) and credentials or signatures that expired.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html
 */
const RETRY_LATER = new Set([
  'ThrottlingException',
  'KmsThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'ExpiredTokenException',
  'RequestExpired',
]);

/**
 * Permanent refusals of SendTaskSuccess / SendTaskFailure, with what they mean here.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html
 */
const REFUSED: Readonly<Record<string, string>> = {
  AccessDeniedException:
    'the decision function is not allowed states:SendTaskSuccess / states:SendTaskFailure on this state machine (the Workflow containing the HumanApproval grants it; an SCP or permissions boundary may deny it)',
  KmsAccessDeniedException: "the state machine's KMS key does not let Step Functions encrypt the decision for the caller (key policy or grants)",
  KmsInvalidStateException: "the state machine's KMS key is disabled or pending deletion",
  InvalidOutput: 'Step Functions rejects the decision output as invalid',
  ValidationException: 'Step Functions rejects the request as invalid',
  UnrecognizedClientException: "the decision function's credentials are not recognized",
};

/**
 * Classifies an error thrown by a SendTaskSuccess / SendTaskFailure call (or by DynamoDB): by
 * name first, then by HTTP status (429: retry later; another 4xx but 408: refused; anything
 * else, including no answer at all: unknown).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 */
export function classifyDeliveryError(error: unknown): DeliveryFailure {
  const errorName = (error as Error | undefined)?.name || 'Error';
  if (TOKEN_GONE.has(errorName)) return { kind: 'tokenGone', errorName };
  if (RETRY_LATER.has(errorName)) return { kind: 'retryLater', errorName };
  if (REFUSED[errorName]) return { kind: 'refused', errorName, reason: REFUSED[errorName] };
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (status === 429) return { kind: 'retryLater', errorName };
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
    return { kind: 'refused', errorName, reason: `Step Functions refuses the request (HTTP ${status})` };
  }
  return { kind: 'unknown', errorName };
}
