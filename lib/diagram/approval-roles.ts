import { AslDefinition, AslState, catchersOf, isCallbackTask, listStates } from '../asl/definition';
import { APPROVAL_EXPIRED_ERROR, APPROVAL_REJECTED_ERROR } from '../approval/approval-record';

/** A human approval found in a definition: the states `HumanApproval` generates. */
export interface ApprovalShape {
  /** The Parallel state that is the approval step. */
  readonly parallel: string;
  /** The `.waitForTaskToken` task that waits for the decision. */
  readonly wait: string;
  /** The Fail state a timeout leads to (error `ApprovalExpired`). */
  readonly expired: string;
  /** The Pass state taken when no review is required, if the approval is conditional. */
  readonly notRequired?: string;
}

/**
 * The human approvals of a definition, recognised by the shape `HumanApproval` generates: a
 * Parallel with one branch holding a `.waitForTaskToken` task whose `States.Timeout` catcher
 * leads to a Fail state with the error `ApprovalExpired`.
 */
export function findApprovals(definition: AslDefinition): ApprovalShape[] {
  return listStates(definition).flatMap(({ name, state }) => {
    const shape = approvalShape(name, state);
    return shape ? [shape] : [];
  });
}

function approvalShape(name: string, state: AslState): ApprovalShape | undefined {
  if (state.Type !== 'Parallel' || !Array.isArray(state.Branches) || state.Branches.length !== 1) return undefined;
  const branch = state.Branches[0] as AslDefinition;
  for (const [waitName, wait] of Object.entries(branch.States ?? {})) {
    if (!isCallbackTask(wait)) continue;
    const expired = catchersOf(wait)
      .map((catcher) => String(catcher.Next))
      .find((next) => branch.States[next]?.Type === 'Fail' && branch.States[next]?.Error === APPROVAL_EXPIRED_ERROR);
    if (expired) return { parallel: name, wait: waitName, expired, notRequired: notRequiredState(branch) };
  }
  return undefined;
}

function notRequiredState(branch: AslDefinition): string | undefined {
  return Object.entries(branch.States).find(([, state]) => state.Type === 'Pass' && (state.Result as { decision?: unknown } | undefined)?.decision === 'NOT_REQUIRED')?.[0];
}

/**
 * A catcher's label on an approval step: the outcomes it routes (`✗ rejected`, `✗ expired`),
 * and for a catch-all, the catch-all with both (`✗ States.ALL: rejected, expired`).
 */
export function approvalCatchText(errors: readonly string[]): string {
  const outcomes: string[] = [];
  if (errors.includes(APPROVAL_REJECTED_ERROR)) outcomes.push('rejected');
  if (errors.includes(APPROVAL_EXPIRED_ERROR)) outcomes.push('expired');
  const others = errors.filter((error) => error !== APPROVAL_REJECTED_ERROR && error !== APPROVAL_EXPIRED_ERROR);
  const catchAll = others.some((error) => error === 'States.ALL' || error === 'States.TaskFailed');
  if (others.length === 0) return `✗ ${outcomes.join(', ')}`;
  return `✗ ${others.join(', ')}${catchAll ? ': rejected, expired' : outcomes.length > 0 ? `, ${outcomes.join(', ')}` : ''}`;
}

/** The error of a rejected approval, for the outcome node. */
export const REJECTED_OUTCOME_ERROR = APPROVAL_REJECTED_ERROR;
