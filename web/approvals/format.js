/** How the page shows times, executions and the summary a workflow shares with its reviewers. */

import { h } from './dom.js';

const UNITS = [
  ['year', 365 * 24 * 3600 * 1000],
  ['month', 30 * 24 * 3600 * 1000],
  ['week', 7 * 24 * 3600 * 1000],
  ['day', 24 * 3600 * 1000],
  ['hour', 3600 * 1000],
  ['minute', 60 * 1000],
  ['second', 1000],
];

/** "in 2 days", "5 minutes ago", "now", relative to `now` (milliseconds since the epoch). */
export function relativeTime(iso, now) {
  const difference = Date.parse(iso) - now;
  if (!Number.isFinite(difference)) return '';
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(difference) >= size || unit === 'second') return format.format(Math.round(difference / size), unit);
  }
  return '';
}

/** A date and time in the reader's locale and time zone, e.g. "30 Nov 2026, 14:05". */
export function absoluteTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A `<time>` element: the absolute time, then the relative one. */
export function timeElement(iso, now) {
  const relative = relativeTime(iso, now);
  return h('time', { datetime: iso, title: iso }, absoluteTime(iso), relative ? ` (${relative})` : '');
}

/**
 * The state machine and execution names of an execution ARN
 * (`arn:aws:states:<region>:<account>:execution:<stateMachine>:<execution>`).
 */
export function executionParts(executionArn) {
  const parts = String(executionArn).split(':');
  if (parts.length >= 8 && parts[5] === 'execution') return { stateMachine: parts[6], execution: parts.slice(7).join(':') };
  return { stateMachine: '', execution: String(executionArn) };
}

/** At most `max` code points of `text`, with an ellipsis when cut. */
export function truncate(text, max) {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

/** A one-line version of the summary, for the list and the page title. */
export function summaryLine(summary) {
  if (summary === null || summary === undefined) return 'Approval request';
  if (typeof summary !== 'object') return truncate(String(summary), 140) || 'Approval request';
  const entries = Array.isArray(summary) ? summary.map((value, index) => [String(index + 1), value]) : Object.entries(summary);
  const shown = entries
    .filter(([, value]) => value === null || typeof value !== 'object')
    .slice(0, 4)
    .map(([key, value]) => `${key}: ${value === null ? 'null' : String(value)}`);
  return truncate(shown.join(' · ') || 'Approval request', 140);
}

const MAX_DEPTH = 8;

/**
 * The summary as nested lists: an object as a description list of its fields, an array as a
 * numbered list, anything else as text. Built from text nodes only.
 */
export function summaryElement(summary, depth = 0) {
  if (summary === null || summary === undefined) return h('span', { class: 'muted' }, 'none');
  if (typeof summary !== 'object') return h('span', { class: 'value' }, String(summary));
  if (depth >= MAX_DEPTH) return h('code', { class: 'value' }, JSON.stringify(summary));
  if (Array.isArray(summary)) {
    if (summary.length === 0) return h('span', { class: 'muted' }, 'empty list');
    return h('ol', { class: 'summary-list' }, summary.map((item) => h('li', {}, summaryElement(item, depth + 1))));
  }
  const entries = Object.entries(summary);
  if (entries.length === 0) return h('span', { class: 'muted' }, 'empty');
  return h('dl', { class: 'summary' }, entries.map(([key, value]) => h('div', { class: 'field' }, h('dt', {}, key), h('dd', {}, summaryElement(value, depth + 1)))));
}

/** Whether `value` has the format of an approval id (64 lowercase hexadecimal characters). */
export function isApprovalId(value) {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** The length of a comment as the decision API counts it: Unicode code points. */
export function codePoints(text) {
  let count = 0;
  for (const _point of text) count++;
  return count;
}
