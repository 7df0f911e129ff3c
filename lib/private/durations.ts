import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { WorkflowConfigurationError } from './errors';

/** Bounds for {@link requireWholeSeconds}, inclusive, in seconds. */
export interface SecondsBounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * Returns a duration as whole seconds, or `undefined` when it is an unresolved token (a
 * `CfnParameter`'s value, for example): its value is only known at deploy time, when
 * CloudFormation and Step Functions check it.
 *
 * @throws WorkflowConfigurationError naming `what` if the duration is fractional or out of
 * bounds, or is a token in another unit than seconds (CDK cannot convert a token, and every
 * duration of a state machine is in seconds).
 */
export function requireWholeSeconds(
  scope: IConstruct,
  what: string,
  duration: Duration,
  bounds: SecondsBounds = {},
): number | undefined {
  if (duration.isUnresolved()) {
    const unit = duration.unitLabel();
    if (unit !== 'seconds') {
      throw new WorkflowConfigurationError(
        scope,
        `${what} is a token in ${unit} (Duration.${unit}(token)): a token cannot be converted to the seconds Step Functions takes.`,
        `pass Duration.seconds(token), with the value in seconds (for example a CfnParameter of type Number holding seconds).`,
      );
    }
    return undefined;
  }
  const seconds = duration.toMilliseconds() / 1000;
  const { min = 1, max } = bounds;
  if (!Number.isInteger(seconds) || seconds < min || (max !== undefined && seconds > max)) {
    const range = max === undefined ? `of at least ${min}` : `between ${min} and ${max}`;
    throw new WorkflowConfigurationError(
      scope,
      `${what} must be a whole number of seconds ${range} (got ${duration.toHumanString()}).`,
      `use Duration.seconds(n), n ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}.`,
    );
  }
  return seconds;
}

/** Why a construct needs its timeout, and how to give one: the message when it is missing. */
export interface MissingTimeout {
  /** What goes wrong without a timeout. */
  readonly problem: string;
  /** What to pass. */
  readonly fix: string;
}

/**
 * A required `timeout` prop as whole seconds (see {@link requireWholeSeconds}). Checked after
 * `super()`, since the error names the construct's path.
 *
 * @throws WorkflowConfigurationError when the timeout is missing, fractional or out of bounds.
 */
export function requireTimeout(scope: IConstruct, timeout: Duration | undefined, missing: MissingTimeout, bounds: SecondsBounds = {}): number | undefined {
  if (!timeout) throw new WorkflowConfigurationError(scope, missing.problem, missing.fix);
  return requireWholeSeconds(scope, 'timeout', timeout, bounds);
}

/**
 * `sfn.Timeout.duration(duration)` when it renders as whole seconds (a token: when it is in
 * seconds), else undefined: CDK would throw its own, less helpful error first; call
 * {@link requireWholeSeconds} after `super()` for the clear one.
 */
export function taskTimeoutOf(duration: Duration | undefined): sfn.Timeout | undefined {
  if (duration === undefined) return undefined;
  if (duration.isUnresolved()) return duration.unitLabel() === 'seconds' ? sfn.Timeout.duration(duration) : undefined;
  return duration.toMilliseconds() % 1000 === 0 ? sfn.Timeout.duration(duration) : undefined;
}
