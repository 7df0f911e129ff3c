/**
 * The security headers of the approvals web page, the same wherever it is served: CloudFront's
 * response headers policy in AWS, the local approvals server on a developer's machine.
 *
 * The page is static ES modules and one style sheet from its own origin; it talks to its own
 * origin (the decision API behind the same CloudFront distribution) and to the sign-in origin
 * (the Cognito domain's token endpoint). Nothing else may load, frame it or be posted to.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
 */

/**
 * The page's Content-Security-Policy: scripts and styles from its own origin only (no inline
 * script or style), images from its origin or `data:`, `fetch` to its origin and the sign-in
 * origin, forms posted to the same two, no `<base>`, never framed.
 *
 * @param signInOrigin the origin of the sign-in endpoints (`https://<domain>`, no path); a CDK
 *   token that resolves to one is accepted as is.
 * @throws Error if `signInOrigin` holds characters that would add or end a CSP directive or
 *   source (whitespace, `;`, `,`, `'`), or a path, query or fragment.
 */
export function contentSecurityPolicy(signInOrigin: string): string {
  if (/[\s;,']/.test(signInOrigin) || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*[/?#]/i.test(signInOrigin) || signInOrigin === '') {
    throw new Error(
      `contentSecurityPolicy: '${signInOrigin}' is not an origin. Pass the sign-in origin alone, e.g. 'https://reviewers.auth.eu-west-1.amazoncognito.com' (no path, no spaces, no quotes, no ';' or ',').`,
    );
  }
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

/**
 * `Strict-Transport-Security`'s max-age in AWS (two years, with subdomains), in seconds. Never
 * sent over plain HTTP, so the local server, which serves plain HTTP on a loopback address,
 * leaves the header out.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security
 */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/**
 * Every header the page is served with except Strict-Transport-Security (HTTPS only), as HTTP
 * header names and values.
 *
 * @param signInOrigin as {@link contentSecurityPolicy} takes it
 */
export function approvalsPageHeaders(signInOrigin: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(signInOrigin),
    // The same three as the CloudFront response headers policy (approvals-page.ts) sets:
    // a module is never sniffed, no URL with an approval id goes to another site, never framed.
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  };
}
