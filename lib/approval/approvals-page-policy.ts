/**
 * The Content-Security-Policy of the approvals web page, the same in AWS (the CloudFront
 * response headers policy) and locally (the local server): the page's own scripts, styles and
 * API only, plus the sign-in origin (the Cognito hosted UI) for the token request and the
 * sign-in form; no framing, no `<base>`.
 *
 * @param signInOrigin the origin of the sign-in endpoints, e.g. `https://<prefix>.auth.<region>.amazoncognito.com`
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
 */
export function contentSecurityPolicy(signInOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${signInOrigin}`,
    `form-action 'self' ${signInOrigin}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
