import { GetExecutionHistoryCommand, HistoryEvent, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { checkStuckExecutions, StuckCheckConfig } from '../lambda/monitoring/stuck-check';
import { handler, metricRecord } from '../lambda/monitoring/stuck-executions';

/**
 * The stuck-execution check against recorded responses in the shapes the Step Functions API
 * reference documents for ListExecutions (`executions[]` of ExecutionListItem, `nextToken`) and
 * GetExecutionHistory (`events[]` of HistoryEvent with `id`, `previousEventId`, `timestamp`,
 * `type` and `<type>EventDetails`, newest first with `reverseOrder`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */

const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Orders';
const NOW = new Date('2026-11-30T12:00:00.000Z');
const APPROVAL = 'ReviewOrder: wait for decision';

const CONFIG: StuckCheckConfig = {
  stateMachineArn: STATE_MACHINE,
  defaultBoundSeconds: 3600,
  stateBoundsSeconds: { ValidateOrder: 60, [APPROVAL]: 2 * 86_400 },
  approvalStates: [APPROVAL],
};

const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const executionArn = (name: string) => `arn:aws:states:eu-west-1:111122223333:execution:Orders:${name}`;

/** A history as Step Functions records it (oldest first), each event linked to the one before. */
function history(startedSecondsAgo: number, ...steps: Array<[type: string, secondsAgo: number, stateName?: string]>): HistoryEvent[] {
  const events: HistoryEvent[] = [{
    id: 1,
    previousEventId: 0,
    timestamp: ago(startedSecondsAgo),
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: '{}', inputDetails: { truncated: false }, roleArn: 'arn:aws:iam::111122223333:role/OrdersRole', stateMachineAliasArn: `${STATE_MACHINE}:live`, stateMachineVersionArn: `${STATE_MACHINE}:7` },
  }];
  for (const [type, secondsAgo, stateName] of steps) {
    const event: HistoryEvent = { id: events.length + 1, previousEventId: events.length, timestamp: ago(secondsAgo), type: type as HistoryEvent['type'] };
    if (type.endsWith('StateEntered')) Object.assign(event, { stateEnteredEventDetails: { name: stateName, inputDetails: { truncated: false } } });
    if (type.endsWith('StateExited')) Object.assign(event, { stateExitedEventDetails: { name: stateName, outputDetails: { truncated: false } } });
    if (type === 'TaskScheduled') Object.assign(event, { taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: '{}', timeoutInSeconds: 15 } });
    if (type === 'TaskStarted') Object.assign(event, { taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } });
    events.push(event);
  }
  return events;
}

const HISTORIES: Record<string, HistoryEvent[]> = {
  // In ChargePayment for 2 hours (its reply was lost): over the 1-hour default bound
  'lost-reply': history(7300, ['TaskStateEntered', 7200, 'ChargePayment'], ['TaskScheduled', 7200], ['TaskStarted', 7199]),
  // In ChargePayment for 10 minutes: within the bound
  'charging': history(700, ['TaskStateEntered', 600, 'ChargePayment'], ['TaskScheduled', 600], ['TaskStarted', 599]),
  // Waiting a day for a reviewer, inside the approval's Parallel: an open approval, within its own 2-day timeout
  'awaiting-review': history(90_000, ['TaskStateEntered', 89_990, 'ValidateOrder'], ['TaskStateExited', 89_989, 'ValidateOrder'],
    ['ParallelStateEntered', 86_400, 'ReviewOrder'], ['ParallelStateStarted', 86_400], ['TaskStateEntered', 86_400, APPROVAL], ['TaskScheduled', 86_400], ['TaskStarted', 86_399], ['TaskSubmitted', 86_399]),
  // ValidateOrder, expected to take 60 s, has taken 5 minutes: over its own bound
  'slow-validation': history(310, ['TaskStateEntered', 300, 'ValidateOrder'], ['TaskScheduled', 300], ['TaskStarted', 299]),
  // A Wait state of 3 hours: it waits as told, never judged
  'waiting': history(10_900, ['WaitStateEntered', 10_800, 'WaitForCarrier']),
  // A Parallel whose second branch hangs for 2 hours: the branch state is stuck, not the Parallel
  'hung-branch': history(7300, ['ParallelStateEntered', 7200, 'NotifyCustomer'], ['ParallelStateStarted', 7200],
    ['TaskStateEntered', 7200, 'SendConfirmation'], ['TaskStateEntered', 7200, 'UpdateAnalytics'], ['TaskStateExited', 7190, 'SendConfirmation']),
  // The same state entered again by a retry loop (Choice back to it): only the last entry is open, for 5 minutes
  'looping': history(20_000, ['TaskStateEntered', 19_000, 'PollCarrier'], ['TaskStateExited', 18_990, 'PollCarrier'], ['ChoiceStateEntered', 18_990, 'Delivered?'],
    ['ChoiceStateExited', 18_990, 'Delivered?'], ['TaskStateEntered', 300, 'PollCarrier']),
};

function mockStepFunctions(histories: Record<string, HistoryEvent[]>, pageSize = 1000) {
  const sfn = mockClient(SFNClient);
  const names = Object.keys(histories);
  const items = names.map((name) => ({
    executionArn: executionArn(name),
    stateMachineArn: STATE_MACHINE,
    name,
    status: 'RUNNING' as const,
    startDate: histories[name][0].timestamp,
    stateMachineAliasArn: `${STATE_MACHINE}:live`,
    stateMachineVersionArn: `${STATE_MACHINE}:7`,
    redriveCount: 0,
  }));
  // Two pages of executions, joined by a nextToken
  const half = Math.ceil(items.length / 2);
  sfn.on(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE, statusFilter: 'RUNNING' }).resolves({ executions: items.slice(0, half), nextToken: 'page-2' });
  sfn.on(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE, statusFilter: 'RUNNING', nextToken: 'page-2' }).resolves({ executions: items.slice(half) });
  for (const name of names) {
    const newestFirst = [...histories[name]].reverse();
    for (let page = 0; page * pageSize < newestFirst.length; page++) {
      const more = (page + 1) * pageSize < newestFirst.length;
      sfn.on(GetExecutionHistoryCommand, { executionArn: executionArn(name), ...(page > 0 ? { nextToken: `${name}-${page}` } : {}) })
        .resolves({ events: newestFirst.slice(page * pageSize, (page + 1) * pageSize), ...(more ? { nextToken: `${name}-${page + 1}` } : {}) });
    }
  }
  return sfn;
}

describe('stuck-execution check', () => {
  test('reports exactly the executions over their bound, and none of the approvals waiting within their timeout', async () => {
    // GIVEN recorded RUNNING executions
    const sfn = mockStepFunctions(HISTORIES);
    // WHEN the check runs
    const result = await checkStuckExecutions(sfn as unknown as SFNClient, CONFIG, NOW);
    // THEN exactly these are stuck, each in the state that holds it, with how long and against which bound
    expect(result.stuck.sort((a, b) => a.executionArn.localeCompare(b.executionArn))).toEqual([
      { executionArn: executionArn('hung-branch'), stateName: 'UpdateAnalytics', enteredAt: ago(7200).toISOString(), inStateSeconds: 7200, boundSeconds: 3600 },
      { executionArn: executionArn('lost-reply'), stateName: 'ChargePayment', enteredAt: ago(7200).toISOString(), inStateSeconds: 7200, boundSeconds: 3600 },
      { executionArn: executionArn('slow-validation'), stateName: 'ValidateOrder', enteredAt: ago(300).toISOString(), inStateSeconds: 300, boundSeconds: 60 },
    ]);
    // and the approval is counted as open, not stuck
    expect(result.openApprovals).toBe(1);
    expect(result.running).toBe(Object.keys(HISTORIES).length);
    expect(result.unchecked).toEqual([]);
    // and it listed RUNNING executions of the unqualified state machine, every page, and read histories newest first without data
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(2);
    for (const call of sfn.commandCalls(GetExecutionHistoryCommand)) {
      expect(call.args[0].input).toMatchObject({ reverseOrder: true, includeExecutionData: false, maxResults: 1000 });
    }
  });

  test('an approval past its own timeout is reported, against that timeout; one without a stated timeout is never judged by the workflow bound', async () => {
    const late = { late: history(260_000, ['ParallelStateEntered', 259_200, 'ReviewOrder'], ['TaskStateEntered', 259_200, APPROVAL]) };
    const result = await checkStuckExecutions(mockStepFunctions(late) as unknown as SFNClient, CONFIG, NOW);
    expect(result.stuck).toEqual([expect.objectContaining({ stateName: APPROVAL, boundSeconds: 172_800, inStateSeconds: 259_200 })]);
    const unbounded = { ...CONFIG, stateBoundsSeconds: {} };
    const again = await checkStuckExecutions(mockStepFunctions(late) as unknown as SFNClient, unbounded, NOW);
    expect(again.stuck).toEqual([]);
    expect(again.openApprovals).toBe(1);
  });

  test('follows history pages until the execution start; an execution whose open state is not found in the pages allowed is unchecked, not clean', async () => {
    // GIVEN a long history (entered/exited pairs, then one open state early on) served 4 events per page
    const steps: Array<[string, number, string]> = [['TaskStateEntered', 8000, 'Hung']];
    for (let i = 0; i < 6; i++) steps.push(['PassStateEntered', 100 - i, `Pass${i}`], ['PassStateExited', 99 - i, `Pass${i}`]);
    const long = { long: history(9000, ...steps) };
    // WHEN enough pages may be read
    const found = await checkStuckExecutions(mockStepFunctions(long, 4) as unknown as SFNClient, { ...CONFIG, maxHistoryPages: 5 }, NOW);
    // THEN the state entered on the last page is found, stuck
    expect(found.stuck).toEqual([expect.objectContaining({ stateName: 'Hung', inStateSeconds: 8000 })]);
    // WHEN only one page may be read THEN the execution is reported unchecked
    const cut = await checkStuckExecutions(mockStepFunctions(long, 4) as unknown as SFNClient, { ...CONFIG, maxHistoryPages: 1 }, NOW);
    expect(cut.stuck).toEqual([]);
    expect(cut.unchecked).toEqual([executionArn('long')]);
  });

  test('publishes its counts as one embedded-metric-format record per state machine', () => {
    const record = metricRecord(STATE_MACHINE, { running: 7, stuck: [{ executionArn: 'x', stateName: 'S', enteredAt: '', inStateSeconds: 1, boundSeconds: 0 }], openApprovals: 2, unchecked: [] }, NOW);
    expect(record).toEqual({
      _aws: {
        Timestamp: NOW.getTime(),
        CloudWatchMetrics: [{
          Namespace: 'CdkSfnWorkflows',
          Dimensions: [['StateMachineArn']],
          Metrics: [{ Name: 'StuckExecutions', Unit: 'Count' }, { Name: 'OpenApprovals', Unit: 'Count' }, { Name: 'UncheckedExecutions', Unit: 'Count' }],
        }],
      },
      StateMachineArn: STATE_MACHINE,
      StuckExecutions: 1,
      OpenApprovals: 2,
      UncheckedExecutions: 0,
    });
  });

  test('the handler logs each stuck execution and one JSON line whose top-level members CloudWatch reads as metrics', async () => {
    // GIVEN the check's configuration and recorded responses
    mockStepFunctions({ 'lost-reply': HISTORIES['lost-reply'], 'awaiting-review': HISTORIES['awaiting-review'] });
    process.env.CONFIG = JSON.stringify(CONFIG);
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { lines.push(String(chunk)); return true; });
    // (only the clock is faked: the handler reads the time itself)
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    try {
      // WHEN it runs
      await handler();
    } finally {
      jest.useRealTimers();
      write.mockRestore();
      delete process.env.CONFIG;
    }
    // THEN a warning names the stuck execution, and the metric line has the EMF directive and values at top level
    const records = lines.map((line) => JSON.parse(line));
    expect(records.filter((record) => record.level === 'WARN').map((record) => record.executionArn)).toContain(executionArn('lost-reply'));
    const metrics = records.find((record) => record._aws);
    expect(metrics).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: 'CdkSfnWorkflows' }] }, StateMachineArn: STATE_MACHINE, StuckExecutions: 1, OpenApprovals: 1, UncheckedExecutions: 0 });
  });
});
