/**
 * The decision API on the page's own origin: `GET /approvals`, `GET /approvals/{id}`,
 * `POST /approvals/{id}/decision`, with the access token in the `Authorization` header.
 */

import { accessToken } from './auth.js';

/** The request never got an answer (offline, DNS, connection reset). */
export class NetworkError extends Error {
  constructor(cause) {
    super('The approvals service could not be reached.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

let serverOffsetMillis = 0;

/** Now, by the service's clock when an answer told it (its `Date` header), else the browser's. */
export function serverNow() {
  return Date.now() + serverOffsetMillis;
}

/** The pending approvals the reviewer may decide: `{ status, body }`. */
export function listApprovals() {
  return call('GET', '/approvals');
}

/** One approval: `{ status, body }`. */
export function getApproval(approvalId) {
  return call('GET', `/approvals/${encodeURIComponent(approvalId)}`);
}

/** Approves or rejects (`decision` APPROVE or REJECT) with an optional comment: `{ status, body }`. */
export function decide(approvalId, decision, comment) {
  return call('POST', `/approvals/${encodeURIComponent(approvalId)}/decision`, comment ? { decision, comment } : { decision });
}

/**
 * One request; the body is the JSON answer, or `{ message }` when the answer was not JSON.
 *
 * @throws NetworkError when no answer came
 */
async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = accessToken();
  if (token) headers.Authorization = token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch (error) {
    throw new NetworkError(error);
  }
  const date = Date.parse(response.headers.get('Date') ?? '');
  if (Number.isFinite(date)) serverOffsetMillis = date - Date.now();
  const text = await response.text().catch(() => '');
  return { status: response.status, body: parseBody(text, response.status) };
}

function parseBody(text, status) {
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object') return parsed;
  } catch {
    // not JSON: an error page of a proxy
  }
  return { message: `The service answered HTTP ${status}.` };
}
