import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** The statuses the order workflow writes to the Orders table, in the order a fulfilled order takes them. */
export const ORDER_STATUSES = ['PLACED', 'RESERVED', 'CHARGED', 'SHIPPED', 'COMPENSATED'] as const;

/** A status of an order in the Orders table. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * DynamoDB errors worth retrying (throttling, a busy service): the request was refused before it
 * changed anything. Names as the optimized DynamoDB integration reports them (`DynamoDB.` + the
 * exception of the AWS SDK for Java v1).
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
const TRANSIENT_DYNAMODB_ERRORS = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.ThrottlingException',
  'DynamoDB.InternalServerErrorException',
];

/** A DynamoDB write answers in milliseconds; one that takes 10 s fails with States.Timeout (its effect unknown, as the saga treats it). */
const TASK_TIMEOUT = sfn.Timeout.duration(Duration.seconds(10));

/** A value a task writes: the same field read in either query language. */
interface FieldValue {
  readonly jsonPath: string;
  readonly jsonata: string;
}

/** A field of the state input (`$.a.b` / `$states.input.a.b`). */
function input(path: string): FieldValue {
  return { jsonPath: `$.${path}`, jsonata: `{% $states.input.${path} %}` };
}

const EXECUTION_ID: FieldValue = { jsonPath: sfn.JsonPath.executionId, jsonata: '{% $states.context.Execution.Id %}' };
const ENTERED_TIME: FieldValue = { jsonPath: sfn.JsonPath.stateEnteredTime, jsonata: '{% $states.context.State.EnteredTime %}' };

/** One status write of {@link OrderStatusTable}. */
interface StatusUpdate {
  readonly stateName: string;
  readonly comment: string;
  readonly status: OrderStatus;
  /** More attributes to set. */
  readonly set?: Record<string, FieldValue>;
  /** The status the row must have (besides being owned by this execution). */
  readonly from?: OrderStatus;
  /** Create the row (owned by this execution) when it is missing. */
  readonly createIfMissing?: boolean;
}

/** Props of {@link OrderStatusTable}. */
export interface OrderStatusTableProps {
  /**
   * The query language of the tasks that write the table (that of the workflow they are in).
   * @default sfn.QueryLanguage.JSON_PATH
   */
  readonly queryLanguage?: sfn.QueryLanguage;
}

/**
 * The `Orders` table (one row per order, keyed by `orderId`) and the direct DynamoDB tasks that
 * keep it up to date as the order workflow runs: no Lambda function in between.
 *
 * - `RecordOrderPlaced` puts the row (`PLACED`) and claims it for this execution
 *   (`executionId`): a redelivered `OrderPlaced` event starts a new execution that takes the
 *   row over.
 * - `RecordOrderReserved`, `RecordOrderCharged`, `RecordOrderShipped` move it forward with a
 *   conditional update: only from the status before, and only by the execution that owns the
 *   row. A failed condition (`DynamoDB.ConditionalCheckFailedException`: another execution
 *   took the order over) fails the step, and the saga compensates what this execution did.
 * - `RecordOrderCompensated` (the compensation of `RecordOrderPlaced`, so it runs last) marks
 *   the row `COMPENSATED`, again only for the execution that owns it.
 *
 * Each task is granted exactly its action on the table's ARN (CDK's grants for the optimized
 * integration), retries throttling with full jitter, and leaves the state payload as it was.
 * The table has point-in-time recovery and is encrypted at rest with an AWS-owned key.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
 */
export class OrderStatusTable extends Construct {
  /** The table: partition key `orderId` (string). */
  public readonly table: dynamodb.TableV2;
  private readonly jsonata: boolean;

  constructor(scope: Construct, id: string, props: OrderStatusTableProps = {}) {
    super(scope, id);
    this.jsonata = props.queryLanguage === sfn.QueryLanguage.JSONATA;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey(),
    });
  }

  /** `RecordOrderPlaced`: puts the order's row as `PLACED`, owned by this execution. */
  public placed(): sfn.TaskStateBase {
    const item = {
      orderId: input('orderId'),
      status: literal('PLACED'),
      executionId: EXECUTION_ID,
      customerId: input('customer.id'),
      currency: input('validation.currency'),
      placedAt: ENTERED_TIME,
      updatedAt: ENTERED_TIME,
    };
    const totalCents: FieldValue = { jsonPath: '$.validation.totalCents', jsonata: '{% $string($states.input.validation.totalCents) %}' };
    const common = { table: this.table, comment: 'Records the order as PLACED, owned by this execution', taskTimeout: TASK_TIMEOUT };
    const values = { ...this.attributeValues(item), totalCents: this.number(totalCents) };
    const task = this.jsonata
      ? tasks.DynamoPutItem.jsonata(this, 'RecordOrderPlaced', { ...common, stateName: 'RecordOrderPlaced', item: values, outputs: '{% $states.input %}' })
      : tasks.DynamoPutItem.jsonPath(this, 'RecordOrderPlaced', { ...common, stateName: 'RecordOrderPlaced', item: values, resultPath: sfn.JsonPath.DISCARD });
    return this.retried(task);
  }

  /**
   * A conditional update from status `from` to `to`, setting `fields` too (attribute → path in
   * the state input): `RecordOrder<To>` (e.g. `RecordOrderReserved`).
   */
  public transition(from: OrderStatus, to: OrderStatus, fields: Record<string, string> = {}): sfn.TaskStateBase {
    const set = Object.fromEntries(Object.entries(fields).map(([attribute, path]) => [attribute, input(path)]));
    return this.update({ stateName: `RecordOrder${to.charAt(0)}${to.slice(1).toLowerCase()}`, comment: `Moves the order from ${from} to ${to}`, status: to, set, from });
  }

  /**
   * `RecordOrderCompensated`: marks the row `COMPENSATED` (the compensation of {@link placed}).
   * A row that is not there (the put timed out before it wrote) is created as `COMPENSATED`;
   * a row another execution owns is left alone, and the compensation fails.
   */
  public compensated(): sfn.TaskStateBase {
    return this.update({ stateName: 'RecordOrderCompensated', comment: 'Marks the order COMPENSATED: what this execution did is undone', status: 'COMPENSATED', createIfMissing: true });
  }

  /** An UpdateItem of the order's row, on condition that this execution owns it (`executionId`). */
  private update(spec: StatusUpdate): sfn.TaskStateBase {
    const assignments: Record<string, FieldValue> = { status: literal(spec.status), updatedAt: ENTERED_TIME, ...spec.set };
    if (spec.createIfMissing) assignments.executionId = EXECUTION_ID;
    const values: Record<string, FieldValue> = { ...assignments, executionId: EXECUTION_ID };
    if (spec.from) values.from = literal(spec.from);
    const owned = 'executionId = :executionId';
    const condition = spec.from ? `${owned} AND #status = :from` : spec.createIfMissing ? `attribute_not_exists(orderId) OR ${owned}` : owned;
    const common = {
      table: this.table,
      comment: spec.comment,
      taskTimeout: TASK_TIMEOUT,
      stateName: spec.stateName,
      key: { orderId: this.string(input('orderId')) },
      updateExpression: `SET ${Object.keys(assignments).map((attribute) => `#${attribute} = :${attribute}`).join(', ')}`,
      conditionExpression: condition,
      expressionAttributeNames: Object.fromEntries(Object.keys(assignments).map((attribute) => [`#${attribute}`, attribute])),
      expressionAttributeValues: Object.fromEntries(Object.entries(values).map(([name, value]) => [`:${name}`, this.string(value)])),
    };
    const task = this.jsonata
      ? tasks.DynamoUpdateItem.jsonata(this, spec.stateName, { ...common, outputs: '{% $states.input %}' })
      : tasks.DynamoUpdateItem.jsonPath(this, spec.stateName, { ...common, resultPath: sfn.JsonPath.DISCARD });
    return this.retried(task);
  }

  private retried<T extends sfn.TaskStateBase>(task: T): T {
    task.addRetry({ errors: TRANSIENT_DYNAMODB_ERRORS, interval: Duration.seconds(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    return task;
  }

  private attributeValues(fields: Record<string, FieldValue>): Record<string, tasks.DynamoAttributeValue> {
    return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, this.string(value)]));
  }

  private string(value: FieldValue): tasks.DynamoAttributeValue {
    if (isLiteral(value)) return tasks.DynamoAttributeValue.fromString(value.jsonPath);
    return tasks.DynamoAttributeValue.fromString(this.jsonata ? value.jsonata : sfn.JsonPath.stringAt(value.jsonPath));
  }

  /** A number attribute (DynamoDB takes numbers as text: `States.Format` / `$string` turn the JSON number into it). */
  private number(value: FieldValue): tasks.DynamoAttributeValue {
    return tasks.DynamoAttributeValue.numberFromString(this.jsonata ? value.jsonata : sfn.JsonPath.format('{}', sfn.JsonPath.stringAt(value.jsonPath)));
  }
}

const LITERAL = Symbol('literal');

/** A constant string, the same in both languages. */
function literal(text: string): FieldValue {
  return Object.assign({ jsonPath: text, jsonata: text }, { [LITERAL]: true });
}

function isLiteral(value: FieldValue): boolean {
  return (value as unknown as Record<symbol, unknown>)[LITERAL] === true;
}
