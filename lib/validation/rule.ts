import { AslDefinition } from '../asl/definition';

/** How bad a finding is: an error fails synth (and `lint`), a warning is advice. */
export enum Severity {
  /** The state machine will not deploy, or will misbehave at run time. */
  ERROR = 'error',
  /** Likely a mistake or a cost; acknowledge it with a reason if intended. */
  WARNING = 'warning',
}

/** What the rules know about the state machine besides its ASL. */
export interface RuleContext {
  /** The definition under check. */
  readonly definition: AslDefinition;
  /**
   * `STANDARD` or `EXPRESS`.
   * @default - unknown: rules specific to a type do not run
   */
  readonly stateMachineType?: string;
  /**
   * The state machine name, when known and not a token.
   * @default - unknown
   */
  readonly stateMachineName?: string;
  /**
   * Names of Task states declared idempotent.
   * @default - none
   */
  readonly idempotentStates?: string[];
  /**
   * Whether execution logs include state inputs and outputs.
   * @default - unknown: rules about logged data do not run
   */
  readonly includeExecutionData?: boolean;
}

/** One problem found by a rule. */
export interface Finding {
  /** The id of the rule that found it, e.g. `Workflow-StateNameLength`. */
  readonly ruleId: string;
  /** Error or warning. */
  readonly severity: Severity;
  /** The state concerned, if any. */
  readonly stateName?: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /**
   * Where, when the rule can say: the path from the top of the definition with field and state
   * names as written (`/States/Charge/Retry/0`, `/` for the whole definition), or
   * `line L, column C` of a file that could not be read as JSON.
   */
  readonly location?: string;
  /** The AWS documentation or spec the rule follows. */
  readonly see: string;
  /**
   * Whether `Validations.of(x).acknowledge({ id, reason })` silences it: not for problems
   * Step Functions refuses at deploy, which an acknowledgement cannot make work.
   */
  readonly acknowledgeable: boolean;
}

/** One problem a rule reports: what is wrong, and where when it can say. */
export interface RuleProblem {
  /** The state concerned, if any. */
  readonly stateName?: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Where (see {@link Finding.location}). */
  readonly location?: string;
  /**
   * The problem's severity when it differs from the rule's.
   * @default - the rule's severity
   */
  readonly severity?: Severity;
}

/** A check over a state machine definition. */
export interface Rule {
  /** Stable id, used to acknowledge the rule. */
  readonly id: string;
  /** Error or warning. */
  readonly severity: Severity;
  /** One line: what the rule checks. */
  readonly description: string;
  /** The AWS documentation or spec the rule follows. */
  readonly see: string;
  /**
   * Whether an acknowledgement silences it (see {@link Finding.acknowledgeable}).
   * @default true
   */
  readonly acknowledgeable?: boolean;
  /**
   * Returns the problems found (message per problem, with the state it concerns). Never
   * throws, whatever JSON the definition holds.
   */
  check(context: RuleContext): RuleProblem[];
}
