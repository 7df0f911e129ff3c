import { matchesEventPattern } from '../lib/testing/event-pattern';

const event = {
  'source': 'shop.checkout',
  'detail-type': 'OrderPlaced',
  'detail': {
    orderId: 'ORD-1',
    total: 120,
    country: 'GB',
    tags: ['vip', 'gift'],
    customer: { email: 'Ada@Example.com' },
    lines: [{ sku: 'SKU-1', quantity: 1 }, { sku: 'GIFT-CARD', quantity: 2 }],
  },
};

describe('matchesEventPattern', () => {
  test.each([
    ['exact values', { 'source': ['shop.checkout'], 'detail-type': ['OrderPlaced', 'OrderUpdated'] }, true],
    ['a value not listed', { source: ['shop.returns'] }, false],
    ['prefix and suffix', { source: [{ prefix: 'shop.' }], detail: { orderId: [{ suffix: '-1' }] } }, true],
    ['equals-ignore-case', { detail: { customer: { email: [{ 'equals-ignore-case': 'ada@example.com' }] } } }, true],
    ['anything-but a list', { detail: { country: [{ 'anything-but': ['US', 'CA'] }] } }, true],
    ['anything-but excludes the value', { detail: { country: [{ 'anything-but': 'GB' }] } }, false],
    ['anything-but a prefix', { detail: { orderId: [{ 'anything-but': { prefix: 'TEST-' } }] } }, true],
    ['numeric range', { detail: { total: [{ numeric: ['>', 100, '<=', 200] }] } }, true],
    ['numeric out of range', { detail: { total: [{ numeric: ['<', 100] }] } }, false],
    ['exists', { detail: { orderId: [{ exists: true }], coupon: [{ exists: false }] } }, true],
    ['a missing field must exist', { detail: { coupon: [{ exists: true }] } }, false],
    ['array fields match any element', { detail: { tags: ['gift'] } }, true],
    ['wildcard', { detail: { orderId: [{ wildcard: 'ORD-*' }] } }, true],
    ['$or', { $or: [{ source: ['nope'] }, { detail: { country: ['GB'] } }] }, true],
    ['suffix ignoring case', { detail: { customer: { email: [{ suffix: { 'equals-ignore-case': '@EXAMPLE.COM' } }] } } }, true],
    ['suffix is case-sensitive otherwise', { detail: { customer: { email: [{ suffix: '@EXAMPLE.COM' }] } } }, false],
    ['an object pattern matches any object of an array', { detail: { lines: { sku: [{ prefix: 'GIFT' }] } } }, true],
    ['no object of the array matches', { detail: { lines: { sku: ['SKU-9'] } } }, false],
  ])('%s', (_, pattern, expected) => {
    expect(matchesEventPattern(pattern as Record<string, unknown>, event)).toBe(expected);
  });

  test('refuses an operator it does not support', () => {
    expect(() => matchesEventPattern({ detail: { total: [{ cidr: '10.0.0.0/24' }] } }, event)).toThrow(/does not support the event pattern operator "cidr"/);
  });

  test('refuses an unsupported operator even where matching would stop before it', () => {
    const pattern = { 'source': ['shop.returns'], 'detail-type': [{ cidr: '10.0.0.0/24' }] };
    expect(() => matchesEventPattern(pattern, event)).toThrow(/"cidr"/);
  });
});
