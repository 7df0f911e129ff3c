import { SNSClient } from '@aws-sdk/client-sns';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ApprovalDecision, ApprovalRecord, ApprovalView, confirmedStatusOf } from '../lib/approval/approval-record';
import { ApiResult, DecisionService } from '../lambda/approval/decide';
import { ApprovalStore } from '../lambda/approval/approval-store';
import { handler as notify } from '../lambda/approval/notifier';
import { approvalRequest, FINANCE, FINANCE_ROLE, lostAnswer, OTHER_REVIEWER, OUTSIDER, REVIEWER, REVIEWER_ROLE, sfnError, startApprovalTable } from './support/approvals';
import { LocalDynamo } from './support/dynalite';

/**
 * Fifty concurrent decisions on one approval, against dynalite (real conditional writes) and a
 * Step Functions stand-in that applies the first decision it receives for the task token and
 * answers TaskTimedOut to any later one, as Step Functions does. Each variant injects a fault
 * into the winner's send; every answer is checked against what Step Functions had applied when
 * it was given, and the record against what was sent.
 */

const TABLE = 'approvals-race';
const CALLERS = [
  REVIEWER,
  OTHER_REVIEWER,
  'arn:aws:sts::123456789012:assumed-role/OrderReviewer/ali',
  FINANCE,
  'arn:aws:sts::123456789012:assumed-role/FinanceLead/joe',
  OUTSIDER,
];
const DECISIONS: ApprovalDecision[] = ['APPROVE', 'REJECT'];
const COMMENTS = [undefined, 'checked', '😀 fine by me'];
const SEEDS = [1, 2, 3];

let dynamo: LocalDynamo;
let store: ApprovalStore;
const sfn = mockClient(SFNClient);
mockClient(SNSClient);

beforeAll(async () => {
  dynamo = await startApprovalTable(TABLE);
  store = new ApprovalStore(TABLE, dynamo.client);
});

afterAll(async () => {
  await dynamo.close();
});

beforeEach(() => {
  // the handlers' logs are not under test here
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, level).mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** A fault Step Functions (or the network) injects into one send, in order of the sends. */
type Fault = 'throttle' | 'lostAnswer';

/** What one send carried: the API call and its output (success) or cause (failure). */
type Sent = string;

/** Step Functions for one waiting task: the first decision it receives closes the task. */
class FakeTask {
  public readonly sends: Sent[] = [];
  public applied?: Sent;

  constructor(
    private readonly faults: Fault[],
    private readonly random: () => number,
    public gone = false,
  ) {}

  public async receive(sent: Sent): Promise<object> {
    await pause(this.random() * 4);
    this.sends.push(sent);
    const fault = this.faults.shift();
    if (fault === 'throttle') throw sfnError('ThrottlingException');
    if (this.applied || this.gone) throw sfnError('TaskTimedOut');
    this.applied = sent;
    await pause(this.random() * 4);
    if (fault === 'lostAnswer') throw lostAnswer();
    return {};
  }
}

interface Request {
  readonly caller: string;
  readonly decision: ApprovalDecision;
  readonly comment?: string;
  /** When it arrives after the race starts, so some arrive mid-send or after the outcome. */
  readonly delayMillis: number;
}

interface Answer {
  readonly request: Request;
  readonly result: ApiResult;
  /** What Step Functions had applied when the answer was given. */
  readonly applied?: Sent;
}

interface Variant {
  readonly name: string;
  readonly faults: Fault[];
  readonly throttleRetries: number;
  /** The task no longer waits before any decision (it timed out). */
  readonly goneBefore?: boolean;
  /** Everyone repeats their request once the race settled. */
  readonly repeat?: boolean;
  /** The record's status at the end. */
  readonly finalStatus: (record: ApprovalRecord) => string[];
  /** How many 503 answers the first round gives. */
  readonly unavailable: number;
}

const confirmed = (record: ApprovalRecord) => [confirmedStatusOf(record.decision!)];

const VARIANTS: Variant[] = [
  { name: 'normal', faults: [], throttleRetries: 2, finalStatus: confirmed, unavailable: 0 },
  { name: "the winner's SendTask answer is lost", faults: ['lostAnswer'], throttleRetries: 2, finalStatus: () => ['DECIDING', 'DELIVERY_UNCONFIRMED'], unavailable: 1 },
  { name: "the winner's send is throttled, then succeeds on the service's retry", faults: ['throttle'], throttleRetries: 2, finalStatus: confirmed, unavailable: 0 },
  {
    name: "the winner's send is throttled past the retries (503), then delivered when repeated",
    faults: ['throttle', 'throttle', 'throttle'],
    throttleRetries: 2,
    repeat: true,
    finalStatus: confirmed,
    unavailable: 1,
  },
  {
    name: "the winner's answer is lost, then Step Functions says the token is gone",
    faults: ['lostAnswer'],
    throttleRetries: 2,
    repeat: true,
    finalStatus: () => ['DELIVERY_UNCONFIRMED'],
    unavailable: 1,
  },
  { name: 'the task timed out before any decision', faults: [], throttleRetries: 2, goneBefore: true, finalStatus: () => ['EXPIRED'], unavailable: 0 },
];

describe('a 50-way decision race on one approval', () => {
  describe.each(VARIANTS)('$name', (variant) => {
    test.each(SEEDS)('seed %i: one decision sent, every answer true, the record names what was sent', async (seed) => {
      // GIVEN a pending approval two roles may decide, and Step Functions with the variant's fault
      const random = mulberry32(seed);
      const value = await notify(approvalRequest({ approvers: [REVIEWER_ROLE, FINANCE_ROLE] }));
      const task = new FakeTask([...variant.faults], random, variant.goneBefore);
      sfn.reset();
      sfn.on(SendTaskSuccessCommand).callsFake((input) => task.receive(`SendTaskSuccess ${input.output}`));
      sfn.on(SendTaskFailureCommand).callsFake((input) => task.receive(`SendTaskFailure ${input.error} ${input.cause}`));
      const requests = Array.from({ length: 50 }, () => ({
        caller: pick(random, CALLERS),
        decision: pick(random, DECISIONS),
        comment: pick(random, COMMENTS),
        delayMillis: random() < 0.5 ? 0 : random() * 300,
      }));

      // WHEN fifty decisions arrive at once (and, in some variants, everyone repeats theirs)
      const first = await decideAll(value.approvalId, requests, task, variant);
      const repeated = variant.repeat ? await decideAll(value.approvalId, requests, task, variant) : [];

      // THEN Step Functions received one decision, however often it was sent
      const record = (await store.get(value.approvalId))!;
      expect(new Set(task.sends).size).toBe(1);
      expect(task.applied).toBe(variant.goneBefore ? undefined : task.sends[0]);
      // and the record names exactly that decision, in the state the variant leads to
      expect(task.sends[0]).toBe(sentFor(record));
      expect(variant.finalStatus(record)).toContain(record.status);
      // and every answer was true when given
      for (const answer of [...first, ...repeated]) expectTrue(answer, record);
      expect(first.filter((answer) => answer.result.statusCode === 503)).toHaveLength(variant.unavailable);
      if (variant.finalStatus(record).includes(confirmedStatusOf(record.decision!))) {
        expect([...first, ...repeated].some((answer) => answer.result.statusCode === 200)).toBe(true);
      }
    });
  });
});

async function decideAll(approvalId: string, requests: Request[], task: FakeTask, variant: Variant): Promise<Answer[]> {
  return Promise.all(
    requests.map(async (request) => {
      const service = new DecisionService(store, new SFNClient({}), undefined, { throttleRetries: variant.throttleRetries, retryBaseMillis: 2 });
      await pause(request.delayMillis);
      const result = await service.decide(approvalId, { id: request.caller }, request.decision, request.comment);
      return { request, result, applied: task.applied };
    }),
  );
}

/** Checks one answer against the final record (whose decision is the only one ever sent) and against what Step Functions had applied. */
function expectTrue({ request, result, applied }: Answer, record: ApprovalRecord): void {
  const context = `${request.caller} ${request.decision} → ${result.statusCode} ${String(result.body.message ?? '')}`;
  const winner = request.caller === record.decidedBy && request.decision === record.decision;
  const approval = result.body.approval as ApprovalView | undefined;
  expect([200, 403, 409, 410, 503]).toContain(result.statusCode);
  expect({ context, outsider: result.statusCode === 403 }).toEqual({ context, outsider: request.caller === OUTSIDER });
  if (result.statusCode === 403) return;
  // every other answer names the one decision, as it was first made
  expect({ context, decision: approval?.decision, decidedBy: approval?.decidedBy, decidedAt: approval?.decidedAt }).toEqual({
    context,
    decision: record.decision,
    decidedBy: record.decidedBy,
    decidedAt: record.decidedAt,
  });
  switch (result.statusCode) {
    case 200:
      expect({ context, winner, applied, status: approval!.status }).toEqual({ context, winner: true, applied: sentFor(record), status: confirmedStatusOf(record.decision!) });
      break;
    case 409:
      expect({ context, status: approval!.status }).toEqual({ context, status: expect.stringMatching(/^(DECIDING|APPROVED|REJECTED|DELIVERY_UNCONFIRMED)$/) });
      if (approval!.status === 'APPROVED' || approval!.status === 'REJECTED') expect({ context, applied }).toEqual({ context, applied: sentFor(record) });
      break;
    case 410:
      expect({ context, applied, status: approval!.status }).toEqual({ context, applied: undefined, status: 'EXPIRED' });
      break;
    default:
      expect({ context, winner, status: approval!.status }).toEqual({ context, winner: true, status: 'DECIDING' });
  }
}

/** What the decision API sends Step Functions for the record's decision. */
function sentFor(record: ApprovalRecord): Sent {
  const fields = { approvalId: record.approvalId, decidedBy: record.decidedBy, decidedAt: record.decidedAt, comment: record.comment ?? null };
  return record.decision === 'APPROVE'
    ? `SendTaskSuccess ${JSON.stringify({ approvalId: fields.approvalId, decision: 'APPROVED', decidedBy: fields.decidedBy, decidedAt: fields.decidedAt, comment: fields.comment })}`
    : `SendTaskFailure ApprovalRejected ${JSON.stringify({ approvalId: fields.approvalId, decision: 'REJECTED', decidedBy: fields.decidedBy, decidedAt: fields.decidedAt, comment: fields.comment })}`;
}

function pause(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

/** A small seeded PRNG, so a failing race can be replayed. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
