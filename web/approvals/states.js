/**
 * What the page tells a reviewer for each answer that is not the approval itself: already
 * decided (409), expired (410), not found (404), not allowed (403), a bad link (400), a session
 * that ended (401), a failing service (5xx) or no answer at all.
 */

/** The reader's title and explanation for an API answer `status` (and its server `message`). */
export function problemOf(status, body = {}) {
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : '';
  switch (status) {
    case 400:
      return { kind: 'invalid', title: 'This request is not valid', explanation: message || 'The page sent something the service does not accept.' };
    case 401:
      return { kind: 'signed-out', title: 'Your session has ended', explanation: 'Sign in again to continue. Nothing was decided.' };
    case 403:
      return {
        kind: 'forbidden',
        title: 'You may not decide this approval',
        explanation: 'Only the approvers the workflow names may see and decide it. Ask the workflow owner to add you if you should.',
        detail: message,
      };
    case 404:
      return { kind: 'not-found', title: 'Approval not found', explanation: 'No approval has this id: the link may be incomplete, or the request was removed after its retention period.', detail: message };
    case 409:
      return { kind: 'decided', title: 'Already decided', explanation: 'Someone has decided this request already; it cannot be decided again.', detail: message };
    case 410:
      return { kind: 'expired', title: 'This request has expired', explanation: 'The workflow no longer waits for a decision, so it cannot be approved or rejected.', detail: message };
    default:
      if (status >= 500) {
        return {
          kind: 'unavailable',
          title: 'The approvals service had a problem',
          explanation: 'Check the approval again in a moment before deciding again: a decision may or may not have been recorded.',
          detail: message,
        };
      }
      return { kind: 'unexpected', title: `Unexpected answer (HTTP ${status})`, explanation: message || 'Try again later.' };
  }
}

/** No answer came for a read. */
export const NETWORK_PROBLEM = {
  kind: 'network',
  title: 'Cannot reach the approvals service',
  explanation: 'Check your connection, then try again.',
};

/** No answer came for a decision: it may or may not have been recorded. */
export const DECISION_NETWORK_PROBLEM = {
  kind: 'network',
  title: 'Your decision may not have been recorded',
  explanation: 'The approvals service did not answer. Check the approval before deciding again.',
};
