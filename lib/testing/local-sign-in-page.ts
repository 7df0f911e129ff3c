import type { LocalReviewer } from './local-reviewer';

/** The authorization request's parameters the sign-in form carries through. */
export const AUTHORIZE_PARAMETERS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;

/**
 * The local server's stand-in for the Cognito hosted UI: a form that picks a reviewer (one of
 * `reviewers`, or any name and groups typed in), without a password, plainly labelled as local.
 * Every value is HTML-escaped; the page has no script and uses the approvals page's style sheet.
 */
export function signInPage(reviewers: LocalReviewer[], parameters: URLSearchParams): string {
  const hidden = AUTHORIZE_PARAMETERS.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(parameters.get(name) ?? '')}">`).join('\n      ');
  const choices = reviewers
    .map((reviewer, index) => {
      const groups = reviewer.groups && reviewer.groups.length > 0 ? ` <span class="muted">(groups: ${escapeHtml(reviewer.groups.join(', '))})</span>` : '';
      return `<div class="choice"><input type="radio" name="reviewer" id="reviewer-${index}" value="${escapeHtml(reviewer.name)}"${index === 0 ? ' checked' : ''}>
        <label for="reviewer-${index}"><span class="id">${escapeHtml(reviewer.name)}</span>${groups}</label></div>`;
    })
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Local sign-in (no password) – Approvals</title>
  <link rel="stylesheet" href="/app.css">
  <link rel="icon" href="data:,">
</head>
<body>
  <header class="site-header"><p class="site-name">Approvals – local sign-in</p></header>
  <main id="main">
    <h1>Local sign-in, no password</h1>
    <p class="local-notice"><strong>For local development only.</strong> This page stands in for the Amazon Cognito sign-in of a deployed ApprovalService: pick who you are and continue. Nothing here is checked.</p>
    <form method="post" action="/oauth2/authorize">
      ${hidden}
      <fieldset>
        <legend>Sign in as</legend>
        ${choices}
        <div class="choice"><input type="radio" name="reviewer" id="reviewer-other" value="other"${reviewers.length === 0 ? ' checked' : ''}>
          <label for="reviewer-other">Another reviewer (below)</label></div>
        <div class="stack">
          <label for="name">Reviewer name (a user name, or an IAM caller ARN for approvers named by ARN)</label>
          <input type="text" id="name" name="name" autocomplete="off">
          <label for="groups">Groups, separated by commas</label>
          <input type="text" id="groups" name="groups" autocomplete="off">
        </div>
      </fieldset>
      <div class="actions"><button type="submit">Continue</button></div>
    </form>
  </main>
</body>
</html>
`;
}

/** A page that explains a refused sign-in request (400). */
export function signInErrorPage(message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in request refused – Approvals</title><link rel="stylesheet" href="/app.css"><link rel="icon" href="data:,"></head>
<body><main id="main"><h1>Sign-in request refused</h1><p class="panel panel-warning">${escapeHtml(message)}</p><p><a href="/">Back to the approvals page</a></p></main></body>
</html>
`;
}

/** Text as HTML text or attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
