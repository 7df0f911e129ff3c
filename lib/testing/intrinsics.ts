import { createHash, randomUUID } from 'node:crypto';
import { JSONPath } from 'jsonpath-plus';

/** The data an intrinsic function reads: the state input and the context object (`$$`). */
export interface IntrinsicScope {
  readonly input: unknown;
  readonly context: unknown;
}

/**
 * Evaluates a JSONPath (`$.a.b`, `$$.Execution.Id`) or an intrinsic function call
 * (`States.Format('{} failed', $.step)`), as a Fail state's `ErrorPath`/`CausePath` may hold.
 * Supports the functions Step Functions allows there: States.Format, States.JsonToString,
 * States.ArrayGetItem, States.Base64Encode, States.Base64Decode, States.Hash, States.UUID.
 *
 * @throws Error for a syntax error, an unknown function, or a path that selects nothing.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
 */
export function evaluateIntrinsic(expression: string, scope: IntrinsicScope): unknown {
  const parser = new Parser(expression, scope);
  const value = parser.value();
  parser.expectEnd();
  return value;
}

class Parser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly scope: IntrinsicScope,
  ) {}

  public value(): unknown {
    this.skipSpaces();
    const rest = this.text.slice(this.position);
    if (rest.startsWith("'")) return this.stringLiteral();
    if (rest.startsWith('$')) return this.path();
    if (rest.startsWith('States.')) return this.call();
    const literal = /^(-?\d+(\.\d+)?|true|false|null)/.exec(rest);
    if (literal) {
      this.position += literal[0].length;
      return JSON.parse(literal[0]);
    }
    throw this.error('expected a path, a string, a number or a function call');
  }

  public expectEnd(): void {
    this.skipSpaces();
    if (this.position !== this.text.length) throw this.error('unexpected text');
  }

  private call(): unknown {
    const name = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.position))![0];
    this.position += name.length;
    this.expect('(');
    const args: unknown[] = [];
    this.skipSpaces();
    while (this.text[this.position] !== ')') {
      args.push(this.value());
      this.skipSpaces();
      if (this.text[this.position] === ',') this.position++;
      else if (this.text[this.position] !== ')') throw this.error("expected ',' or ')'");
    }
    this.position++;
    return applyFunction(name, args);
  }

  private path(): unknown {
    const match = /^\$\$?[^,)\s]*/.exec(this.text.slice(this.position))![0];
    this.position += match.length;
    const fromContext = match.startsWith('$$');
    const result = JSONPath({ path: fromContext ? match.slice(1) : match, json: (fromContext ? this.scope.context : this.scope.input) as any, wrap: false });
    if (result === undefined) throw new Error(`The path ${match} selects nothing.`);
    return result;
  }

  private stringLiteral(): string {
    let value = '';
    this.position++;
    while (this.position < this.text.length && this.text[this.position] !== "'") {
      if (this.text[this.position] === '\\') this.position++;
      value += this.text[this.position++];
    }
    this.expect("'");
    return value;
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) throw this.error(`expected '${char}'`);
    this.position++;
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position++;
  }

  private error(problem: string): Error {
    return new Error(`Cannot evaluate ${this.text}: ${problem} at position ${this.position}.`);
  }
}

function applyFunction(name: string, args: unknown[]): unknown {
  switch (name) {
    case 'States.Format': {
      const [template, ...values] = args as [string, ...unknown[]];
      let index = 0;
      return template.replace(/\{\}/g, () => {
        const value = values[index++];
        return typeof value === 'string' ? value : JSON.stringify(value);
      });
    }
    case 'States.JsonToString':
      return JSON.stringify(args[0]);
    case 'States.ArrayGetItem':
      return (args[0] as unknown[])[args[1] as number];
    case 'States.Base64Encode':
      return Buffer.from(String(args[0]), 'utf8').toString('base64');
    case 'States.Base64Decode':
      return Buffer.from(String(args[0]), 'base64').toString('utf8');
    case 'States.Hash':
      return createHash(String(args[1]).replace('-', '').toLowerCase()).update(String(args[0])).digest('hex');
    case 'States.UUID':
      return randomUUID();
    default:
      throw new Error(`The local runner does not evaluate ${name} in a Fail state.`);
  }
}
