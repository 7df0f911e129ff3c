import * as fc from 'fast-check';
import { AslDefinition, AslState, listDefinitions, listStates } from '../lib/asl/definition';
import { firstInvalidUtf8, parseDefinitionText } from '../lib/asl/definition-text';
import { StateGraphView } from '../lib/asl/graph';
import { jsonByteLength, jsonDepth } from '../lib/asl/json-value';

/**
 * The helpers under lint and cost hold for any input and any depth: each is checked against a
 * plain (recursive, or brute-force) reference on random input, and on input too deep for one.
 */

describe('JSON helpers', () => {
  test('GIVEN any JSON value WHEN measured THEN jsonByteLength is the UTF-8 length of JSON.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), (value) => {
        expect(jsonByteLength(value)).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'));
      }),
      { numRuns: 500 },
    );
  });

  test('GIVEN fields holding undefined WHEN measured THEN they count as JSON.stringify writes them', () => {
    const value = { kept: 1, dropped: undefined, list: [undefined, 2] };
    expect(jsonByteLength(value)).toBe(JSON.stringify(value).length);
  });

  test('GIVEN any JSON value WHEN its depth is taken THEN it equals a recursive count', () => {
    const reference = (value: unknown): number =>
      typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(reference)) : 0;
    fc.assert(fc.property(fc.jsonValue(), (value) => expect(jsonDepth(value)).toBe(reference(value))), { numRuns: 500 });
  });

  test('GIVEN arrays nested 200,000 deep WHEN measured THEN both helpers answer without a stack overflow', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(jsonDepth(deep)).toBe(200_000);
    expect(jsonByteLength(deep)).toBe(400_000);
  });
});

describe('reading definition bytes', () => {
  test('GIVEN any bytes WHEN checked for UTF-8 THEN the answer matches a strict decoder, and the bytes before a bad one decode', () => {
    const decodes = (bytes: Uint8Array) => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    const likelyUtf8 = fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 24 }).map((bytes) => Uint8Array.from(bytes));
    const encoded = fc.string({ unit: 'binary', maxLength: 12 }).chain((text) =>
      fc.nat({ max: 3 }).map((cut) => Uint8Array.from(Buffer.from(text, 'utf8')).subarray(0, Math.max(0, Buffer.byteLength(text) - cut))),
    );
    fc.assert(
      fc.property(fc.oneof(likelyUtf8, encoded), (bytes) => {
        const bad = firstInvalidUtf8(bytes);
        expect(bad === undefined).toBe(decodes(bytes));
        if (bad !== undefined) expect(decodes(bytes.subarray(0, bad))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
  ])('GIVEN %s WHEN read THEN it is not UTF-8, at offset 1 after a quote', (_what, bytes) => {
    const result = parseDefinitionText(Uint8Array.from([0x22, ...bytes, 0x22]));
    expect(result).toEqual({ ok: false, problem: expect.objectContaining({ code: 'NOT_UTF8', line: 1, column: 2 }) });
  });

  test('GIVEN any bytes WHEN read as a definition THEN the reader answers and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const result = parseDefinitionText(bytes);
        if (!result.ok) {
          expect(result.problem.line).toBeGreaterThanOrEqual(1);
          expect(result.problem.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('GIVEN a problem on a later line WHEN read THEN the line and column are counted in characters', () => {
    const result = parseDefinitionText(Buffer.from('{\n  "Comment": "héllo ☕",\n  "StartAt" 1\n}'));
    expect(result).toEqual({ ok: false, problem: expect.objectContaining({ code: 'INVALID_JSON', line: 3, column: 13 }) });
  });
});

describe('walking definitions', () => {
  /** The recursive walk the library used before: the order and the enclosing names it gave are the contract. */
  function referenceStates(definition: AslDefinition, enclosing: string[] = []): Array<{ name: string; enclosingStates: string[] }> {
    return Object.entries(definition.States).flatMap(([name, state]) => [
      { name, enclosingStates: enclosing },
      ...nested(state).flatMap((child) => referenceStates(child, [...enclosing, name])),
    ]);
  }
  function referenceDefinitions(definition: AslDefinition, enclosing: string[] = []): Array<{ definition: AslDefinition; enclosingStates: string[] }> {
    return [{ definition, enclosingStates: enclosing }, ...Object.entries(definition.States).flatMap(([name, state]) => nested(state).flatMap((child) => referenceDefinitions(child, [...enclosing, name])))];
  }
  const nested = (state: AslState): AslDefinition[] =>
    state.Type === 'Parallel' ? (state.Branches as AslDefinition[]) : state.Type === 'Map' ? [(state.ItemProcessor ?? state.Iterator) as AslDefinition] : [];

  let counter = 0;
  const definitions = fc.letrec<{ definition: AslDefinition }>((tie) => ({
    definition: fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constant({ Type: 'Pass', End: true }) },
        { weight: 1, arbitrary: fc.array(tie('definition'), { minLength: 1, maxLength: 3 }).map((Branches) => ({ Type: 'Parallel', Branches, End: true })) },
        { weight: 1, arbitrary: tie('definition').map((ItemProcessor) => ({ Type: 'Map', ItemProcessor, End: true })) },
        { weight: 1, arbitrary: tie('definition').map((Iterator) => ({ Type: 'Map', Iterator, End: true })) },
      ),
      { minLength: 1, maxLength: 4 },
    ).map((states) => {
      const named = Object.fromEntries(states.map((state) => [`S${counter++}`, state]));
      return { StartAt: Object.keys(named)[0], States: named } as AslDefinition;
    }),
  })).definition;

  test('GIVEN any nesting of Parallel and Map states WHEN listed THEN the states and definitions, their order and enclosing names are those of the recursive walk', () => {
    fc.assert(
      fc.property(definitions, (definition) => {
        expect(listStates(definition).map(({ name, enclosingStates }) => ({ name, enclosingStates }))).toEqual(referenceStates(definition));
        expect(listDefinitions(definition).map(({ definition: d, enclosingStates }) => ({ definition: d, enclosingStates }))).toEqual(referenceDefinitions(definition));
      }),
      { numRuns: 300 },
    );
  });

  test('GIVEN states that are not objects, and a States that is not an object WHEN listed THEN they are left out, without an error', () => {
    const definition = { StartAt: 'A', States: { A: null, B: 'text', C: { Type: 'Parallel', Branches: [null, { StartAt: 'D', States: 7 }], End: true } } } as unknown as AslDefinition;
    expect(listStates(definition).map((s) => s.name)).toEqual(['C']);
    expect(listDefinitions(definition)).toHaveLength(2);
    expect(listStates(null as unknown as AslDefinition)).toEqual([]);
  });
});

describe('state graphs', () => {
  const graphs = fc.integer({ min: 1, max: 10 }).chain((size) =>
    fc.array(fc.array(fc.nat({ max: size }), { maxLength: 3 }), { minLength: size, maxLength: size }).map((edges) => {
      const states: Record<string, unknown> = {};
      edges.forEach((targets, i) => {
        states[`N${i}`] = { Type: 'Choice', Choices: targets.map((t) => ({ Variable: '$.x', IsPresent: true, Next: `N${t}` })), Default: `N${i}` === 'N0' ? 'N0' : 'Missing' };
      });
      return { StartAt: 'N0', States: states } as AslDefinition;
    }),
  );

  test('GIVEN any graph WHEN its loops are found THEN they are the groups of states that reach each other (brute force)', () => {
    fc.assert(
      fc.property(graphs, (definition) => {
        const graph = new StateGraphView(definition);
        const reach = (from: string) => {
          const seen = new Set<string>();
          const queue = [...(graph.successors.get(from) ?? [])];
          while (queue.length > 0) {
            const next = queue.pop()!;
            if (!graph.successors.has(next) || seen.has(next)) continue;
            seen.add(next);
            queue.push(...graph.successors.get(next)!);
          }
          return seen;
        };
        const reaches = new Map([...graph.successors.keys()].map((name) => [name, reach(name)]));
        const expected = new Set(
          [...graph.successors.keys()]
            .filter((name) => reaches.get(name)!.has(name))
            .map((name) => [...graph.successors.keys()].filter((other) => reaches.get(name)!.has(other) && reaches.get(other)!.has(name)).sort().join(',')),
        );
        expect(new Set(graph.loops().map((loop) => [...loop].sort().join(',')))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  test('GIVEN a loop through 100,000 states WHEN its loops are found THEN there is one, with no stack overflow', () => {
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) states[`S${i}`] = { Type: 'Pass', Next: `S${(i + 1) % 100_000}` };
    const loops = new StateGraphView({ StartAt: 'S0', States: states } as AslDefinition).loops();
    expect(loops.map((loop) => loop.length)).toEqual([100_000]);
  });
});
