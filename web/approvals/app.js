/**
 * The approvals page: signs the reviewer in, lists what waits for their decision, shows one
 * approval and sends their explicit decision. Opening any address of the page (a deep link
 * `/?approval=<id>` included) only reads: the one write is the decision form's POST.
 */

import { beginSignIn, completeSignIn, forgetSession, isSignedIn, returnPathFor, signOut, takeRedirect, userName } from './auth.js';
import { decide, getApproval, listApprovals, NetworkError, serverNow } from './api.js';
import { h, replaceChildren } from './dom.js';
import { isApprovalId, summaryLine } from './format.js';
import { DECISION_NETWORK_PROBLEM, NETWORK_PROBLEM, problemOf } from './states.js';
import { approvalView, listView, outcomePanel, problemView, signInView } from './views.js';

const main = document.getElementById('main');
const announcer = document.getElementById('announcer');
let config;

/** Shows a view: its nodes in `<main>`, the document title, and focus on its first heading (or `focusSelector`). */
function show(title, nodes, focusSelector = 'h1') {
  replaceChildren(main, nodes);
  document.title = `${title} – Approvals`;
  const target = main.querySelector(focusSelector) ?? main;
  target.focus();
}

/** Tells assistive technology about a result without moving focus. */
function announce(text) {
  announcer.textContent = '';
  setTimeout(() => (announcer.textContent = text), 50);
}

function currentApprovalId() {
  return new URLSearchParams(location.search).get('approval');
}

/** A link inside the page: followed without reloading, so the in-memory sign-in stays. */
function pageLink(href, text) {
  return h(
    'a',
    {
      href,
      onclick: (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      },
    },
    text,
  );
}

function navigate(href) {
  history.pushState(null, '', href);
  route();
}

function approvalLink(approvalId, text) {
  return pageLink(returnPathFor(approvalId), text);
}

function backLink() {
  return pageLink('/', 'All pending approvals');
}

function signInAgain(problem) {
  forgetSession();
  updateSession();
  const deepLink = isApprovalId(currentApprovalId()) ? currentApprovalId() : undefined;
  show(problem ? problem.title : 'Sign in', signInView({ deepLink, problem, onSignIn: () => beginSignIn(config, returnPathFor(deepLink)) }));
}

function updateSession() {
  const session = document.getElementById('session');
  session.hidden = !isSignedIn();
  const name = userName();
  document.getElementById('session-user').textContent = name ? `Signed in as ${name}` : 'Signed in';
}

async function route() {
  if (!isSignedIn()) return signInAgain();
  const approvalId = currentApprovalId();
  if (approvalId === null) return showList();
  return showApproval(approvalId);
}

async function showList() {
  const answer = await read(() => listApprovals(), () => showList());
  if (!answer) return;
  const approvals = Array.isArray(answer.body.approvals) ? answer.body.approvals : [];
  show('Pending approvals', listView(approvals, serverNow(), { link: approvalLink, onRefresh: () => showList() }));
}

async function showApproval(approvalId) {
  const answer = await read(() => getApproval(approvalId), () => showApproval(approvalId));
  if (answer) renderApproval(answer.body.approval);
}

/** One approval; with `decided`, the confirmation of the reviewer's decision above it, focused. */
function renderApproval(approval, decided = false) {
  const panel = decided ? outcomePanel(approval) : undefined;
  show(
    summaryLine(approval.summary),
    approvalView(approval, serverNow(), { backLink: backLink(), outcome: panel, onDecide: (decision, comment) => sendDecision(approval, decision, comment) }),
    panel ? '#outcome h2' : 'h1',
  );
}

/** A read of the API; a refusal or no answer is shown as a problem (401: sign in again) and gives undefined. */
async function read(request, retry) {
  let answer;
  try {
    answer = await request();
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    show(NETWORK_PROBLEM.title, problemView(NETWORK_PROBLEM, { actions: [h('button', { type: 'button', onclick: retry }, 'Try again')] }));
    return undefined;
  }
  if (answer.status === 200) return answer;
  showProblem(answer);
  return undefined;
}

function showProblem(answer) {
  const problem = problemOf(answer.status, answer.body);
  if (answer.status === 401) return signInAgain(problem);
  show(problem.title, problemView(problem, { approval: answer.body.approval, now: serverNow(), actions: [backLink()] }));
  announce(problem.title);
}

async function sendDecision(approval, decision, comment) {
  announce(decision === 'APPROVE' ? 'Sending your approval…' : 'Sending your rejection…');
  let answer;
  try {
    answer = await decide(approval.approvalId, decision, comment);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const check = h('button', { type: 'button', onclick: () => showApproval(approval.approvalId) }, 'Check the approval');
    show(DECISION_NETWORK_PROBLEM.title, problemView(DECISION_NETWORK_PROBLEM, { actions: [check, backLink()] }));
    announce(DECISION_NETWORK_PROBLEM.title);
    return;
  }
  if (answer.status !== 200) return showProblem(answer);
  const decided = answer.body.approval;
  renderApproval(decided, true);
  announce(decided.status === 'APPROVED' ? 'Approved. The workflow continues.' : decided.status === 'REJECTED' ? 'Rejected. The workflow was told.' : 'Your decision was recorded.');
}

async function boot() {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    config = await response.json();
    if (!config.authorizeUrl || !config.tokenUrl || !config.logoutUrl || !config.clientId) throw new Error('incomplete');
  } catch {
    show('Not configured', [h('h1', { tabindex: '-1' }, 'This page is not configured'), h('p', {}, 'Its sign-in settings (/config.json) could not be read. Try again later.')]);
    return;
  }
  document.getElementById('sign-out').addEventListener('click', () => signOut(config));
  document.getElementById('home-link').addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate('/');
  });
  window.addEventListener('popstate', () => route());
  const redirect = takeRedirect();
  if (redirect) {
    try {
      await completeSignIn(config, redirect);
    } catch (error) {
      return signInAgain({ kind: 'sign-in-failed', title: 'Sign-in did not complete', explanation: error instanceof Error ? error.message : String(error) });
    }
  }
  updateSession();
  await route();
}

boot();
