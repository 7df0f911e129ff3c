import type { ApprovalRecord } from '../../lib/approval/approval-record';
import { MAX_NOTIFICATION_BYTES } from '../../lib/approval/request-size';

/** The most characters of the summary an email shows; a longer one is cut, the page shows it whole. */
export const MAX_EMAIL_SUMMARY_CHARS = 8000;

/**
 * The email's line break, parsed from JSON: esbuild prints a '\n' literal (and a constant it can
 * fold, such as `String.fromCharCode(10)`) as a raw line break inside a template literal, and the
 * handler bundles are kept to a few lines (test/handler-bundles.test.ts).
 */
const LINE_BREAK: string = JSON.parse('"\\n"');

/** SNS subjects: printable ASCII, no line break, not starting with a space, at most 100 characters. */
const MAX_SUBJECT_CHARS = 100;

/** Where a reviewer decides: the approvals page (Cognito sign-in) or the approver CLI (IAM). */
export interface DecisionPlace {
  /** The approvals page's URL (no trailing slash), when the service has one. */
  readonly pageUrl?: string;
  /** The decision API's URL, for the CLI command. */
  readonly apiUrl: string;
}

/** The deep link of one approval on the approvals page: opening it decides nothing. */
export function deepLinkOf(pageUrl: string, approvalId: string): string {
  return `${pageUrl.replace(/\/+$/, '')}/?approval=${encodeURIComponent(approvalId)}`;
}

/** The step a request comes from, as a person reads it: the HumanApproval's name, without the waiting task's suffix. */
export function stepNameOf(stateName: string): string {
  return stateName.replace(/: wait for decision$/, '');
}

/**
 * The plain-text email of a request: what is asked (the step and the summary the workflow chose
 * to share), by when, and where to decide. No task token, no execution ARN, nothing else of the
 * workflow's state.
 */
export function emailTextOf(record: ApprovalRecord, place: DecisionPlace): string {
  const where = place.pageUrl
    ? [
      'Open the request, sign in and approve or reject it:',
      `  ${deepLinkOf(place.pageUrl, record.approvalId)}`,
      '',
      'Opening the link decides nothing: only your choice on the signed-in page does.',
    ]
    : [
      'Decide with the approver CLI, signed with your AWS credentials:',
      `  npx cdk-sfn-workflows approvals approve ${record.approvalId} --api ${place.apiUrl}`,
      `  npx cdk-sfn-workflows approvals reject ${record.approvalId} --api ${place.apiUrl} --comment "..."`,
    ];
  return [
    `A workflow asks for your decision on "${stepNameOf(record.stateName)}".`,
    '',
    'What is asked:',
    ...summaryLines(record.summary),
    '',
    `Decide by ${record.expiresAt} (UTC). After that the request expires and the workflow no longer waits.`,
    '',
    ...where,
    '',
    `Approval id: ${record.approvalId}`,
  ].join(LINE_BREAK);
}

/** The email's subject: printable ASCII within SNS's 100 characters. */
export function emailSubjectOf(stateName: string): string {
  const text = `Approval requested: ${stepNameOf(stateName)}`
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_SUBJECT_CHARS ? `${text.slice(0, MAX_SUBJECT_CHARS - 3).trimEnd()}...` : text;
}

/**
 * The SNS message of a notification: with `MessageStructure: 'json'`, the JSON for every
 * protocol (`default`) and the plain text for email subscribers (`email`). When both would not fit
 * in one SNS message (256 KiB), every protocol gets the JSON, as before email subscriptions existed.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html
 */
export function snsMessageOf(json: string, emailText: string): { Message: string; MessageStructure?: 'json' } {
  const structured = JSON.stringify({ default: json, email: emailText });
  if (Buffer.byteLength(structured) <= MAX_NOTIFICATION_BYTES) return { Message: structured, MessageStructure: 'json' };
  return { Message: json };
}

/** The summary as indented lines: `field: value` per field of an object, else its JSON; cut past {@link MAX_EMAIL_SUMMARY_CHARS}. */
function summaryLines(summary: unknown): string[] {
  const lines =
    summary !== null && typeof summary === 'object' && !Array.isArray(summary)
      ? Object.entries(summary as Record<string, unknown>).map(([field, value]) => `  ${oneLine(field)}: ${oneLine(typeof value === 'string' ? value : JSON.stringify(value))}`)
      : [`  ${JSON.stringify(summary ?? null)}`];
  if (lines.length === 0) lines.push('  (no summary)');
  const kept: string[] = [];
  let room = MAX_EMAIL_SUMMARY_CHARS;
  for (const line of lines) {
    const chars = [...line];
    if (chars.length > room) {
      if (room > 0) kept.push(chars.slice(0, room).join(''));
      return [...kept, '  ... (shortened: the full summary is with the request)'];
    }
    kept.push(line);
    room -= chars.length + 1;
  }
  return kept;
}

/** A summary value on one line: line breaks and other control characters become spaces, so a value cannot pose as lines of the email. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}
