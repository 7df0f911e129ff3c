/**
 * Why the bytes of a definition file are not a JSON document, and where.
 */
export interface DefinitionTextProblem {
  /** `EMPTY` (nothing but whitespace), `NOT_UTF8` (a byte sequence that is not UTF-8) or `INVALID_JSON`. */
  readonly code: 'EMPTY' | 'NOT_UTF8' | 'INVALID_JSON';
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** The line of the problem, from 1. */
  readonly line: number;
  /** The column of the problem, from 1, in characters. */
  readonly column: number;
}

/** The JSON value of a definition file, or why there is none. */
export type DefinitionText =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: DefinitionTextProblem };

/**
 * Reads the bytes of an ASL file as Step Functions reads a definition: UTF-8 text holding one
 * JSON value (any value: whether it is a state machine is for the schema check to say). A
 * leading byte order mark is skipped. Never throws, and parses any nesting depth.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-8.1
 */
export function parseDefinitionText(bytes: Uint8Array): DefinitionText {
  const start = hasByteOrderMark(bytes) ? 3 : 0;
  const badByte = firstInvalidUtf8(bytes, start);
  if (badByte !== undefined) return { ok: false, problem: notUtf8(bytes, start, badByte) };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString('utf8');
  if (text.trim() === '') {
    return { ok: false, problem: { code: 'EMPTY', message: 'The file is empty: a definition is one JSON object.', line: 1, column: 1 } };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: invalidJson(text, (error as Error).message) };
  }
}

function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function notUtf8(bytes: Uint8Array, start: number, offset: number): DefinitionTextProblem {
  const { line, column } = positionOf(Buffer.from(bytes.buffer, bytes.byteOffset + start, offset - start).toString('utf8'));
  const byte = bytes[offset].toString(16).toUpperCase().padStart(2, '0');
  return {
    code: 'NOT_UTF8',
    message: `Byte 0x${byte} (offset ${offset}) is not valid UTF-8: Step Functions reads a definition as UTF-8 text. Save the file as UTF-8.`,
    line,
    column,
  };
}

function invalidJson(text: string, reason: string): DefinitionTextProblem {
  const at = /at position (\d+)/.exec(reason);
  const offset = at ? Number(at[1]) : /end of (JSON )?input/i.test(reason) ? text.length : 0;
  const ended = offset >= text.trimEnd().length;
  const { line, column } = positionOf(text.slice(0, offset));
  const what = ended
    ? 'the file ends before the JSON value does (is it truncated?)'
    : reason.replace(/\s*\(line \d+ column \d+\)/, '').replace(/\s*in JSON at position \d+/, '').replace(/,? ".*" is not valid JSON$/, '');
  return { code: 'INVALID_JSON', message: `The file is not valid JSON: ${what}.`, line, column };
}

/** The line and column just after `before` (the text that precedes a position). */
function positionOf(before: string): { line: number; column: number } {
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: Array.from(lines[lines.length - 1]).length + 1 };
}

/**
 * The offset of the first byte that does not start or continue a well-formed UTF-8 sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or undefined.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3629#section-4
 */
export function firstInvalidUtf8(bytes: Uint8Array, start = 0): number | undefined {
  let i = start;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return undefined;
}

/** The length of the well-formed UTF-8 sequence at `i`, or 0 when there is none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  if (first < 0x80) return 1;
  const [length, low, high] =
    first >= 0xc2 && first <= 0xdf ? [2, 0x80, 0xbf]
    : first === 0xe0 ? [3, 0xa0, 0xbf]
    : first === 0xed ? [3, 0x80, 0x9f]
    : first >= 0xe1 && first <= 0xef ? [3, 0x80, 0xbf]
    : first === 0xf0 ? [4, 0x90, 0xbf]
    : first >= 0xf1 && first <= 0xf3 ? [4, 0x80, 0xbf]
    : first === 0xf4 ? [4, 0x80, 0x8f]
    : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  if (bytes[i + 1] < low || bytes[i + 1] > high) return 0;
  for (let k = 2; k < length; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return 0;
  return length;
}
