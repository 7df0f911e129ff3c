import { ExecutionListItem, GetExecutionHistoryCommand, HistoryEvent, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';

/**
 * What the stuck-execution check knows about one state machine (the check's `CONFIG`
 * environment variable, written at synth by the workflow's monitoring).
 */
export interface StuckCheckConfig {
  /** The state machine whose RUNNING executions are checked (unqualified ARN). */
  readonly stateMachineArn: string;
  /** How long any state may hold an execution unless it states its own bound, in seconds. */
  readonly defaultBoundSeconds: number;
  /** Bounds of particular states (their expected durations), in seconds: state name → seconds. */
  readonly stateBoundsSeconds: Record<string, number>;
  /**
   * States that wait for a human decision. An execution waiting there is an open approval: it
   * counts against the state's own bound (the approval's timeout) when it has one, never
   * against the default bound.
   */
  readonly approvalStates: readonly string[];
  /**
   * The most history pages (of 1,000 events, newest first) read per execution before giving up
   * on finding its open state; such an execution is reported as unchecked.
   * @default 3
   */
  readonly maxHistoryPages?: number;
}

/** An execution that has been in one state longer than that state's bound. */
export interface StuckExecution {
  readonly executionArn: string;
  /** The state it is in. */
  readonly stateName: string;
  /** When it entered the state (ISO 8601). */
  readonly enteredAt: string;
  /** How long it has been there, in seconds. */
  readonly inStateSeconds: number;
  /** The state's bound, in seconds. */
  readonly boundSeconds: number;
}

/** What one run of the check found. */
export interface StuckCheckResult {
  /** RUNNING executions looked at. */
  readonly running: number;
  /** Executions over their bound. */
  readonly stuck: StuckExecution[];
  /** Executions waiting in an approval state (within their bound or not). */
  readonly openApprovals: number;
  /**
   * Executions whose open state could not be found within `maxHistoryPages`: neither reported
   * stuck nor clean.
   */
  readonly unchecked: string[];
}

/** The part of the Step Functions client the check uses. */
export type StepFunctionsReader = Pick<SFNClient, 'send'>;

/** History events that open or close a state, and container states whose children are judged instead. */
const CONTAINER_ENTERED = new Set(['ParallelStateEntered', 'MapStateEntered']);
/** A Wait state waits as long as it was told to; the check never judges it against a bound. */
const WAIT_ENTERED = 'WaitStateEntered';

/**
 * Lists the RUNNING executions of a state machine (`ListExecutions`, all pages) and, for each,
 * reads its history newest first (`GetExecutionHistory` with `reverseOrder`) until it has seen
 * the execution start or `maxHistoryPages` pages: the states entered and not yet exited are the
 * ones the execution is in. A Task, Pass or Choice state in which it has been longer than its
 * bound makes it stuck; Parallel and Map states are containers (their open children are
 * judged); Wait states and approval states without a bound are not judged.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
export async function checkStuckExecutions(client: StepFunctionsReader, config: StuckCheckConfig, now: Date): Promise<StuckCheckResult> {
  const executions = await runningExecutions(client, config.stateMachineArn);
  const stuck: StuckExecution[] = [];
  const unchecked: string[] = [];
  let openApprovals = 0;
  for (const execution of executions) {
    const open = await openStates(client, execution.executionArn!, config.maxHistoryPages ?? 3);
    if (open === undefined) {
      unchecked.push(execution.executionArn!);
      continue;
    }
    if (open.some((state) => config.approvalStates.includes(state.name))) openApprovals++;
    const over = open
      .map((state) => judge(state, config, now))
      .filter((found): found is Omit<StuckExecution, 'executionArn'> => found !== undefined)
      .sort((a, b) => b.inStateSeconds - a.inStateSeconds)[0];
    if (over) stuck.push({ executionArn: execution.executionArn!, ...over });
  }
  return { running: executions.length, stuck, openApprovals, unchecked };
}

interface OpenState {
  readonly name: string;
  readonly type: string;
  readonly enteredAt: Date;
}

function judge(state: OpenState, config: StuckCheckConfig, now: Date): Omit<StuckExecution, 'executionArn'> | undefined {
  if (CONTAINER_ENTERED.has(state.type) || state.type === WAIT_ENTERED) return undefined;
  const own = config.stateBoundsSeconds[state.name];
  if (own === undefined && config.approvalStates.includes(state.name)) return undefined;
  const boundSeconds = own ?? config.defaultBoundSeconds;
  const inStateSeconds = Math.floor((now.getTime() - state.enteredAt.getTime()) / 1000);
  if (inStateSeconds <= boundSeconds) return undefined;
  return { stateName: state.name, enteredAt: state.enteredAt.toISOString(), inStateSeconds, boundSeconds };
}

async function runningExecutions(client: StepFunctionsReader, stateMachineArn: string): Promise<ExecutionListItem[]> {
  const executions: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1000, nextToken }));
    executions.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return executions;
}

/**
 * The states an execution is in: walking its history newest first, a `…StateEntered` event
 * with no later `…StateExited` of the same name. Undefined when the pages allowed ran out
 * before the execution's start and no open state was found.
 */
async function openStates(client: StepFunctionsReader, executionArn: string, maxPages: number): Promise<OpenState[] | undefined> {
  const laterExits = new Map<string, number>();
  const open: OpenState[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000, includeExecutionData: false, nextToken }));
    for (const event of history.events ?? []) {
      if (event.type === 'ExecutionStarted') return open;
      track(event, laterExits, open);
    }
    nextToken = history.nextToken;
    if (!nextToken) return open;
  }
  return open.length > 0 ? open : undefined;
}

function track(event: HistoryEvent, laterExits: Map<string, number>, open: OpenState[]): void {
  const type = event.type ?? '';
  if (type.endsWith('StateExited')) {
    const name = event.stateExitedEventDetails?.name ?? '';
    laterExits.set(name, (laterExits.get(name) ?? 0) + 1);
  } else if (type.endsWith('StateEntered')) {
    const name = event.stateEnteredEventDetails?.name ?? '';
    const exits = laterExits.get(name) ?? 0;
    if (exits > 0) laterExits.set(name, exits - 1);
    else open.push({ name, type, enteredAt: new Date(event.timestamp!) });
  }
}
