/** The page's views: the list of pending approvals, one approval, and problems. Text only, never markup. */

import { h } from './dom.js';
import { codePoints, executionParts, summaryElement, summaryLine, timeElement } from './format.js';

/** The longest comment the decision API accepts, in Unicode code points. */
export const MAX_COMMENT_LENGTH = 1000;

const STATUS_LABELS = {
  PENDING: 'Waiting for a decision',
  DECIDING: 'Decision being delivered',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired',
  DELIVERY_UNCONFIRMED: 'Delivery unconfirmed',
};

/** The list of pending approvals; `link(id)` makes an approval's link. */
export function listView(approvals, now, { link, onRefresh }) {
  const count = approvals.length;
  return [
    h('h1', { tabindex: '-1' }, 'Pending approvals'),
    h(
      'div',
      { class: 'toolbar' },
      h('p', { id: 'list-count' }, count === 0 ? 'Nothing waits for your decision.' : `${count} request${count === 1 ? '' : 's'} wait${count === 1 ? 's' : ''} for your decision, soonest expiry first.`),
      h('button', { type: 'button', class: 'secondary', onclick: onRefresh }, 'Refresh'),
    ),
    count === 0 ? null : h('ul', { class: 'approval-list', 'aria-labelledby': 'list-count' }, sortedByExpiry(approvals).map((approval) => h('li', {}, card(approval, now, link)))),
  ];
}

function sortedByExpiry(approvals) {
  return [...approvals].sort((a, b) => String(a.expiresAt).localeCompare(String(b.expiresAt)));
}

function card(approval, now, link) {
  const { stateMachine, execution } = executionParts(approval.executionArn);
  return h(
    'article',
    { class: 'card' },
    h('h2', {}, link(approval.approvalId, summaryLine(approval.summary))),
    h(
      'dl',
      { class: 'meta' },
      pair('Step', approval.stateName),
      pair('Asked by', stateMachine ? `${stateMachine}, execution ${execution}` : execution),
      pair('Requested', timeElement(approval.requestedAt, now)),
      pair('Expires', timeElement(approval.expiresAt, now)),
    ),
  );
}

function pair(term, ...definition) {
  return h('div', { class: 'field' }, h('dt', {}, term), h('dd', {}, ...definition));
}

/** A status as a labelled badge. */
export function statusBadge(status) {
  return h('span', { class: `badge badge-${String(status).toLowerCase().replace(/_/g, '-')}` }, STATUS_LABELS[status] ?? String(status));
}

/**
 * One approval: what is asked, who asked, when it expires, its history and, while it is
 * PENDING, the decision form. `onDecide(decision, comment)` sends the decision.
 */
export function approvalView(approval, now, { backLink, onDecide, outcome }) {
  const { stateMachine, execution } = executionParts(approval.executionArn);
  return [
    h('p', { class: 'back' }, backLink),
    h('h1', { tabindex: '-1' }, summaryLine(approval.summary)),
    h('p', { class: 'status-line' }, 'Status: ', statusBadge(approval.status)),
    outcome ?? null,
    h('section', { 'aria-labelledby': 'what-heading' }, h('h2', { id: 'what-heading' }, 'What you are asked to decide'), summaryElement(approval.summary)),
    h(
      'section',
      { 'aria-labelledby': 'request-heading' },
      h('h2', { id: 'request-heading' }, 'Request'),
      h(
        'dl',
        { class: 'meta' },
        pair('Asked by', stateMachine ? `workflow ${stateMachine}` : 'workflow execution'),
        pair('Execution', h('span', { class: 'id' }, execution)),
        pair('Step', approval.stateName),
        pair('Expires', timeElement(approval.expiresAt, now)),
        pair('Approvers', approverText(approval)),
        pair('Approval id', h('span', { class: 'id' }, approval.approvalId)),
      ),
    ),
    historySection(approval, now),
    approval.status === 'PENDING' ? decisionForm(onDecide) : null,
  ];
}

function approverText(approval) {
  const groups = Array.isArray(approval.approverGroups) ? approval.approverGroups : [];
  if (groups.length > 0) return `members of ${groups.join(', ')}`;
  const approvers = Array.isArray(approval.approvers) ? approval.approvers : [];
  return approvers.length > 0 ? approvers.map((arn) => h('span', { class: 'id approver' }, arn)) : 'none named';
}

function historySection(approval, now) {
  const events = [h('li', {}, h('strong', {}, 'Requested'), ' ', timeElement(approval.requestedAt, now))];
  if (approval.decision) {
    events.push(
      h(
        'li',
        {},
        h('strong', {}, approval.decision === 'APPROVE' ? 'Approved' : 'Rejected'),
        ' by ',
        h('span', { class: 'id' }, String(approval.decidedBy ?? 'unknown')),
        ' ',
        approval.decidedAt ? timeElement(approval.decidedAt, now) : null,
        approval.comment ? h('blockquote', { class: 'comment' }, h('p', {}, approval.comment)) : h('p', { class: 'muted' }, 'No comment.'),
      ),
    );
  }
  if (approval.deliveredAt) events.push(h('li', {}, h('strong', {}, 'Delivered to the workflow'), ' ', timeElement(approval.deliveredAt, now)));
  else if (approval.deliveryError) events.push(h('li', {}, h('strong', {}, 'Not confirmed by the workflow'), ` (${approval.deliveryError})`));
  if (approval.status === 'EXPIRED') events.push(h('li', {}, h('strong', {}, 'Expired'), ' ', timeElement(approval.expiresAt, now)));
  return h('section', { 'aria-labelledby': 'history-heading' }, h('h2', { id: 'history-heading' }, 'History'), h('ol', { class: 'history' }, events));
}

function decisionForm(onDecide) {
  const counter = h('p', { id: 'comment-count', class: 'hint' });
  const error = h('p', { id: 'comment-error', class: 'error', hidden: true });
  const comment = h('textarea', { id: 'comment', name: 'comment', rows: '4', 'aria-describedby': 'comment-count comment-error' });
  const approve = h('button', { type: 'submit', name: 'decision', value: 'APPROVE', class: 'approve' }, 'Approve');
  const reject = h('button', { type: 'submit', name: 'decision', value: 'REJECT', class: 'reject' }, 'Reject');
  const update = () => {
    const length = codePoints(comment.value);
    counter.textContent = `${length} of ${MAX_COMMENT_LENGTH} characters`;
    const tooLong = length > MAX_COMMENT_LENGTH;
    error.hidden = !tooLong;
    const over = length - MAX_COMMENT_LENGTH;
    error.textContent = tooLong ? `The comment is ${over} character${over === 1 ? '' : 's'} too long.` : '';
    comment.setAttribute('aria-invalid', String(tooLong));
  };
  comment.addEventListener('input', update);
  update();
  const form = h(
    'form',
    {
      class: 'decision',
      'aria-labelledby': 'decision-heading',
      onsubmit: (event) => {
        event.preventDefault();
        const decision = event.submitter?.value;
        if (decision !== 'APPROVE' && decision !== 'REJECT') return;
        if (codePoints(comment.value) > MAX_COMMENT_LENGTH) {
          comment.focus();
          return;
        }
        approve.disabled = true;
        reject.disabled = true;
        form.setAttribute('aria-busy', 'true');
        onDecide(decision, comment.value.trim());
      },
    },
    h('h2', { id: 'decision-heading' }, 'Your decision'),
    h('label', { for: 'comment' }, 'Comment (optional, shown in the history and sent to the workflow)'),
    comment,
    counter,
    error,
    h('div', { class: 'actions' }, approve, reject),
  );
  return form;
}

/** The confirmation shown above an approval once the reviewer's decision was accepted. */
export function outcomePanel(approval) {
  const approved = approval.status === 'APPROVED';
  const title = approved ? 'You approved this request' : approval.status === 'REJECTED' ? 'You rejected this request' : 'Your decision was recorded';
  const text = approved
    ? 'The workflow has your approval and continues.'
    : approval.status === 'REJECTED'
      ? 'The workflow has your rejection and stops this path (ApprovalRejected).'
      : 'It is being delivered to the workflow.';
  return h('div', { class: `panel panel-${approved ? 'success' : 'info'}`, id: 'outcome' }, h('h2', { tabindex: '-1' }, title), h('p', {}, text));
}

/** A problem: its title as the page heading, its explanation, the server's message, the approval as it stands, and actions. */
export function problemView(problem, { approval, now, actions = [] }) {
  return [
    h('h1', { tabindex: '-1' }, problem.title),
    h('div', { class: `panel panel-${problem.kind === 'decided' || problem.kind === 'expired' ? 'info' : 'warning'}`, 'data-problem': problem.kind }, h('p', {}, problem.explanation), problem.detail ? h('p', { class: 'detail' }, problem.detail) : null),
    approval
      ? h(
          'section',
          { 'aria-labelledby': 'current-heading' },
          h('h2', { id: 'current-heading' }, 'The request as it stands'),
          h('p', {}, summaryLine(approval.summary)),
          h('p', { class: 'status-line' }, 'Status: ', statusBadge(approval.status)),
          historySection(approval, now),
        )
      : null,
    actions.length > 0 ? h('div', { class: 'actions' }, actions) : null,
  ];
}

/** The signed-out view: why to sign in, and the button. */
export function signInView({ deepLink, onSignIn, problem }) {
  return [
    h('h1', { tabindex: '-1' }, problem ? problem.title : 'Sign in to review approvals'),
    problem ? h('div', { class: 'panel panel-warning', 'data-problem': problem.kind }, h('p', {}, problem.explanation)) : null,
    h('p', {}, deepLink ? 'Sign in to see the approval you were sent. Opening this link decides nothing: only your explicit choice on the next page does.' : 'Sign in to see the requests that wait for your decision.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: onSignIn }, 'Sign in')),
  ];
}
