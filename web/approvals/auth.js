/**
 * Sign-in with OAuth 2.0 authorization code and PKCE (S256), as the Cognito hosted UI offers it.
 *
 * Across the redirect only the PKCE verifier, the `state` and the page to come back to are kept,
 * in sessionStorage (this tab only), and removed as soon as the page is back. The access token is
 * kept in this module's memory: never in storage, never in a URL. Reloading the page signs the
 * reviewer in again (the hosted UI remembers its own session).
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 * @see https://www.rfc-editor.org/rfc/rfc7636
 */

import { isApprovalId } from './format.js';

const PENDING_KEY = 'approvals.pendingSignIn';

let session;

/** The page to come back to after sign-in: the list, or one approval's deep link. */
export function returnPathFor(approvalId) {
  return isApprovalId(approvalId) ? `/?approval=${approvalId}` : '/';
}

/** Whether a reviewer is signed in (with a token that has not expired yet, as far as the page knows). */
export function isSignedIn() {
  return session !== undefined && Date.now() < session.expiresAt;
}

/** The access token, for the `Authorization` header. */
export function accessToken() {
  return isSignedIn() ? session.accessToken : undefined;
}

/**
 * The signed-in reviewer's user name, for display only: the access token's `username` claim, or
 * the ID token's `cognito:username` (the API, not the page, decides who may do what).
 */
export function userName() {
  if (!session) return undefined;
  const access = claimsOf(session.accessToken);
  if (typeof access?.username === 'string') return access.username;
  const id = claimsOf(session.idToken);
  return typeof id?.['cognito:username'] === 'string' ? id['cognito:username'] : undefined;
}

/** The payload of a JWT, unverified; undefined for anything else. */
function claimsOf(token) {
  const [, payload] = String(token ?? '').split('.');
  if (!payload) return undefined;
  try {
    const text = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(text);
    return claims && typeof claims === 'object' ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the token (the API answered 401: the session ended). */
export function forgetSession() {
  session = undefined;
}

/** Sends the browser to the sign-in page; it comes back to `returnPath`. */
export async function beginSignIn(config, returnPath) {
  const verifier = randomString(48);
  const state = randomString(24);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnPath }));
  const url = new URL(config.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * When the page is the end of a sign-in redirect (`?code=…&state=…` or `?error=…`): removes those
 * from the address bar at once (the page's own address comes back: the list or the deep link)
 * and returns them with what was kept across the redirect; undefined otherwise.
 */
export function takeRedirect() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error') && !params.has('state')) return undefined;
  const kept = readPending();
  sessionStorage.removeItem(PENDING_KEY);
  const returnPath = kept && typeof kept.returnPath === 'string' ? returnPathFor(new URLSearchParams(kept.returnPath.slice(1)).get('approval')) : '/';
  history.replaceState(null, '', returnPath);
  return {
    code: params.get('code') ?? undefined,
    state: params.get('state') ?? undefined,
    error: params.get('error') ?? undefined,
    errorDescription: params.get('error_description') ?? undefined,
    kept,
  };
}

/**
 * Exchanges the code for tokens at the token endpoint, with the PKCE verifier.
 *
 * @throws Error with a reader's message if the state does not match, nothing was kept, or the endpoint refuses.
 */
export async function completeSignIn(config, redirect) {
  if (redirect.error) throw new Error(`The sign-in page answered: ${redirect.errorDescription || redirect.error}.`);
  if (!redirect.kept || !redirect.code || redirect.state !== redirect.kept.state) {
    throw new Error('This sign-in link does not belong to this browser tab (its state does not match). Sign in again from this page.');
  }
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code: redirect.code,
    redirect_uri: redirectUri(),
    code_verifier: redirect.kept.verifier,
  });
  const response = await fetch(config.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    credentials: 'omit',
    cache: 'no-store',
    referrerPolicy: 'no-referrer',
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || typeof tokens.access_token !== 'string') {
    throw new Error(`Sign-in could not be completed (${tokens.error || `HTTP ${response.status}`}). Sign in again.`);
  }
  const lifetimeSeconds = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : 3600;
  session = {
    accessToken: tokens.access_token,
    idToken: typeof tokens.id_token === 'string' ? tokens.id_token : undefined,
    expiresAt: Date.now() + lifetimeSeconds * 1000,
  };
}

/** Forgets the token and ends the sign-in session at the sign-in domain, which sends the browser back here. */
export function signOut(config) {
  session = undefined;
  sessionStorage.removeItem(PENDING_KEY);
  const url = new URL(config.logoutUrl);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() }).toString();
  location.assign(url.toString());
}

function redirectUri() {
  return `${location.origin}/`;
}

function readPending() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
    return kept && typeof kept.verifier === 'string' && typeof kept.state === 'string' ? kept : undefined;
  } catch {
    return undefined;
  }
}

/** A random string of the URL-safe characters PKCE allows, from `bytes` random bytes. */
function randomString(bytes) {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge: BASE64URL(SHA-256(verifier)). */
async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function base64Url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
