import { Template } from 'aws-cdk-lib/assertions';
import { SNSClient } from '@aws-sdk/client-sns';
import { SFNClient } from '@aws-sdk/client-sfn';
import Ajv from 'ajv';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { ApprovalService } from '../lib';
import { isApprovalId, MAX_COMMENT_LENGTH } from '../lib/approval/approval-record';
import { parseDecisionBody } from '../lib/approval/decision-body';
import { handler } from '../lambda/approval/decision-api';
import { handler as notify } from '../lambda/approval/notifier';
import { newStack } from './helpers';
import { approvalRequest, OUTSIDER, REVIEWER, startApprovalTable } from './support/approvals';
import { LocalDynamo } from './support/dynalite';

/**
 * Requests of any shape at the decision API's Lambda entry (the handler API Gateway invokes):
 * the answer is a 2xx or a 4xx naming the caller's mistake, never a 5xx. And the handler's body
 * check agrees with the API model's JSON Schema, as a second implementation (ajv) reads it.
 */

let dynamo: LocalDynamo;
let pendingId: string;
mockClient(SFNClient);
mockClient(SNSClient);

beforeAll(async () => {
  dynamo = await startApprovalTable('approvals-fuzz');
  // the handlers' logs are not under test here
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, level).mockImplementation(() => undefined);
  pendingId = (await notify(approvalRequest())).approvalId;
});

afterAll(async () => {
  jest.restoreAllMocks();
  await dynamo.close();
});

/** Text near the comment limit, in characters of 1 or 2 UTF-16 units and multi-code-point emoji. */
const commentNearLimit = fc
  .tuple(fc.integer({ min: MAX_COMMENT_LENGTH - 3, max: MAX_COMMENT_LENGTH + 3 }), fc.constantFrom('x', 'é', '😀', '\u{1F469}\u200D\u{1F467}', '\uD800'))
  .map(([count, unit]) => unit.repeat(count));

const anyComment = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), commentNearLimit, fc.jsonValue());

const bodyObject = fc.record(
  {
    decision: fc.oneof(fc.constantFrom('APPROVE', 'REJECT', 'approve', 'MAYBE', ''), fc.jsonValue()),
    comment: anyComment,
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

const anyBody = fc.oneof(
  bodyObject.map((body) => JSON.stringify(body)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constant(null),
);

const anyId = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ minLength: 3000, maxLength: 5000 }),
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.stringMatching(/^[0-9A-Fa-f]{60,70}$/),
  fc.constant(undefined),
);

describe('the decision API entry, fuzzed', () => {
  test('no request of any shape gets a 5xx; a malformed id is a 400 before any lookup', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
        fc.constantFrom('/approvals', '/approvals/{id}', '/approvals/{id}/decision', '/other'),
        fc.oneof({ weight: 3, arbitrary: anyId }, { weight: 1, arbitrary: fc.constant('pending') }),
        anyBody,
        fc.constantFrom<string | undefined>(REVIEWER, OUTSIDER, undefined),
        async (httpMethod, resource, rawId, body, userArn) => {
          // GIVEN any request
          const id = rawId === 'pending' ? pendingId : rawId;
          const event = { httpMethod, resource, pathParameters: id === undefined ? null : { id }, body, requestContext: { identity: userArn ? { userArn } : {} } };
          // WHEN the Lambda entry handles it
          const response = await handler(event as any);
          // THEN it is answered as the caller's mistake or a decision, never a server error
          expect([200, 400, 403, 404, 409, 410]).toContain(response.statusCode);
          expect(typeof JSON.parse(response.body).approvals === 'object' || typeof JSON.parse(response.body).message === 'string' || JSON.parse(response.body).approval).toBeTruthy();
          const takesId = (httpMethod === 'GET' && resource === '/approvals/{id}') || (httpMethod === 'POST' && resource === '/approvals/{id}/decision' && !('statusCode' in parseDecisionBody(body)));
          if (userArn && takesId && !isApprovalId(id)) expect(response.statusCode).toBe(400);
          if (userArn && takesId && isApprovalId(id) && id !== pendingId) expect(response.statusCode).toBe(404);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('the handler and the API model agree on a decision body', () => {
  const model = Object.values(Template.fromStack(modelStack()).findResources('AWS::ApiGateway::Model'))[0].Properties.Schema;
  const { $schema: _draft, ...schema } = model;
  const validate = new Ajv({ strict: false }).compile(schema);

  function modelStack() {
    const stack = newStack();
    new ApprovalService(stack, 'Approvals');
    return stack;
  }

  test('the model is the one the handler implements', () => {
    expect(schema).toEqual({
      type: 'object',
      required: ['decision'],
      additionalProperties: false,
      properties: { decision: { type: 'string', enum: ['APPROVE', 'REJECT'] }, comment: { type: 'string', maxLength: MAX_COMMENT_LENGTH } },
    });
  });

  test('a body the model accepts is accepted by the handler, and one it refuses is a 400 (comments counted in code points)', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: bodyObject }, { weight: 1, arbitrary: fc.jsonValue() }), (body) => {
        const text = JSON.stringify(body);
        const handlerAccepts = !('statusCode' in parseDecisionBody(text));
        expect({ text: text.slice(0, 200), handlerAccepts }).toEqual({ text: text.slice(0, 200), handlerAccepts: validate(JSON.parse(text)) });
      }),
      { numRuns: 2000 },
    );
  });
});
