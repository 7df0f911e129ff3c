import { marshall } from '@aws-sdk/util-dynamodb';
import * as fc from 'fast-check';
import { newApprovalRecord } from '../lib/approval/approval-record';
import { assertStorable, MAX_SUMMARY_DEPTH, measure } from '../lib/approval/request-size';
import { approvalRequest } from './support/approvals';

// dynalite's own item size (what it checks against its 400 KB limit) serves as an oracle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynaliteItemSize: (item: Record<string, unknown>) => number = require('dynalite/db').itemSize;

function dynaliteSize(item: Record<string, unknown>): number {
  return dynaliteItemSize(marshall(item, { allowImpreciseNumbers: true }) as Record<string, unknown>);
}

describe('the size DynamoDB counts for an approval item', () => {
  test.each([
    ['a string, in UTF-8 bytes', { s: 'héllo' }, 1 + 6],
    ['a 3-digit number', { n: 123 }, 1 + 4],
    ['a negative 1-digit number', { n: -5 }, 1 + 4],
    ['zero', { n: 0 }, 1 + 1],
    ['1e21: one significant digit', { n: 1e21 }, 1 + 3],
    ['0.000123: three significant digits', { n: 0.000123 }, 1 + 4],
    ['null and booleans', { a: null, b: true }, 1 + 1 + 1 + 1],
    ['a list: 3, and 1 per element', { l: [null, true] }, 1 + 3 + 2 + 2],
    ['a map: 3, and 1 plus the name per element', { m: { kk: 'v' } }, 1 + 3 + 1 + 2 + 1],
    ['undefined attributes are not stored', { a: undefined, b: 'x' }, 1 + 1],
  ])('%s', (_case, item, bytes) => {
    expect(measure(item).bytes).toBe(bytes);
  });

  test.each([
    [{ s: 'x' }, 0],
    [{ m: {} }, 1],
    [{ m: { l: [[1]] } }, 3],
    [{ a: [], b: { c: { d: {} } } }, 3],
  ])('the depth of %j is %i', (item, depth) => {
    expect(measure(item).depth).toBe(depth);
  });

  test('measures a summary nested 100,000 deep without recursion', () => {
    let summary: unknown = 1;
    for (let level = 0; level < 100_000; level++) summary = [summary];
    expect(measure({ summary }).depth).toBe(100_000);
  });

  test('never under what dynalite counts, and equal to it for ASCII text without numbers', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 4 })), (item) => {
        expect(measure(item).bytes).toBeGreaterThanOrEqual(dynaliteSize(item));
      }),
      { numRuns: 300 },
    );
    const asciiJson = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constant(null),
        fc.boolean(),
        fc.string({ unit: 'binary-ascii', maxLength: 10 }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 6 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }), asciiJson), (item) => {
        expect(measure(item).bytes).toBe(dynaliteSize(item));
      }),
      { numRuns: 300 },
    );
  });
});

describe('what the notifier stores', () => {
  function nested(levels: number): unknown {
    let summary: unknown = 'leaf';
    for (let level = 0; level < levels; level++) summary = { level: summary };
    return summary;
  }

  test(`a summary nested ${MAX_SUMMARY_DEPTH} levels is stored, one more is refused`, () => {
    expect(() => assertStorable(newApprovalRecord(approvalRequest({ summary: nested(MAX_SUMMARY_DEPTH) }), new Date()))).not.toThrow();
    expect(() => assertStorable(newApprovalRecord(approvalRequest({ summary: nested(MAX_SUMMARY_DEPTH + 1) }), new Date()))).toThrow(/nested 32 levels deep/);
  });

  test('the refusal names the step and the execution', () => {
    const record = newApprovalRecord(approvalRequest({ summary: 'z'.repeat(402_000) }), new Date());
    expect(() => assertStorable(record)).toThrow(new RegExp(`^The approval request of HumanApproval 'ReviewOrder: wait for decision' of ${record.executionArn} takes \\d+ bytes`));
  });

  test('a notification limit of 256 KiB less the envelope: 258,048 bytes of summary JSON pass, one more does not', () => {
    // JSON.stringify adds the two quotes of the string
    const fits = newApprovalRecord(approvalRequest({ summary: 'n'.repeat(258_048 - 2) }), new Date());
    const over = newApprovalRecord(approvalRequest({ summary: 'n'.repeat(258_048 - 1) }), new Date());
    expect(() => assertStorable(fits)).not.toThrow();
    expect(() => assertStorable(over)).toThrow(/takes 258049 bytes as JSON; a notification carries at most 258048/);
  });
});
