/**
 * Structured logs of the approval handlers: one JSON object per line on stdout, with the keys
 * Powertools for AWS Lambda writes (`level`, `message`, `timestamp`, `service`,
 * `xray_trace_id`) followed by the call's attributes, so CloudWatch Logs Insights queries such
 * as `filter level = "ERROR" and approvalId = "…"` work unchanged. The handlers log ids, never
 * task tokens or summaries.
 *
 * A logger of our own rather than `@aws-lambda-powertools/logger`: the Lambda runtime does not
 * provide Powertools, and bundling its logger would add about 23 KB to each handler, which
 * must stay ≤ 20 KB (see bin/bundle-handlers.ts).
 *
 * Lines are written to `process.stdout` directly, not through `console`, which the Lambda
 * runtime prefixes with a timestamp, request id and level (the text log format), so each line
 * stays one parsable JSON object.
 */

/** A log level, least to most severe. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Attributes added to one log line (JSON-serializable; an `Error` becomes its name, message and stack). */
export type LogAttributes = Record<string, unknown>;

const SEVERITY: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

/** The other level names Lambda and Powertools accept, as the nearest level here. */
const ALIASES: Record<string, LogLevel> = { TRACE: 'DEBUG', WARNING: 'WARN', CRITICAL: 'ERROR', FATAL: 'ERROR' };

/** A minimal structured JSON logger with Powertools' line shape. */
export class JsonLogger {
  constructor(
    private readonly service: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {}

  /** Logs at DEBUG. */
  public debug(message: string, attributes?: LogAttributes): void {
    this.log('DEBUG', message, attributes);
  }

  /** Logs at INFO. */
  public info(message: string, attributes?: LogAttributes): void {
    this.log('INFO', message, attributes);
  }

  /** Logs at WARN. */
  public warn(message: string, attributes?: LogAttributes): void {
    this.log('WARN', message, attributes);
  }

  /** Logs at ERROR. */
  public error(message: string, attributes?: LogAttributes): void {
    this.log('ERROR', message, attributes);
  }

  private log(level: LogLevel, message: string, attributes: LogAttributes = {}): void {
    if (SEVERITY[level] < SEVERITY[threshold()]) return;
    const line = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
      xray_trace_id: traceId(),
      ...attributes,
    };
    this.write(`${JSON.stringify(line, errorsAsObjects)}\n`);
  }
}

/**
 * The least severe level written: `AWS_LAMBDA_LOG_LEVEL` (Lambda's advanced logging controls),
 * else `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL`, else INFO. An unknown value means INFO.
 */
function threshold(): LogLevel {
  const env = process.env;
  const level = (env.AWS_LAMBDA_LOG_LEVEL ?? env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL ?? '').toUpperCase();
  return Object.hasOwn(SEVERITY, level) ? (level as LogLevel) : ALIASES[level] ?? 'INFO';
}

/** The X-Ray trace id of the current invocation (`Root=…` of `_X_AMZN_TRACE_ID`), as Powertools logs it. */
function traceId(): string | undefined {
  return process.env._X_AMZN_TRACE_ID?.match(/Root=([^;]+)/)?.[1];
}

function errorsAsObjects(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

/** Structured logs of the approval handlers. They log ids, never task tokens or summaries. */
export const logger = new JsonLogger('approvals');
