import { createHash, randomBytes } from 'node:crypto';
import type { LocalReviewer } from './local-reviewer';

/** What the authorization request asked for, kept with its code until the token request. */
interface IssuedCode {
  readonly reviewer: LocalReviewer;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly expiresAt: number;
}

/** An error of the token endpoint, as RFC 6749 §5.2 names them. */
export class TokenRequestError extends Error {
  constructor(
    public readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type',
    description: string,
  ) {
    super(description);
  }
}

/** Authorization codes live 5 minutes, as Cognito's do; access tokens 1 hour, Cognito's default. */
const CODE_LIFETIME_MS = 5 * 60 * 1000;
const TOKEN_LIFETIME_SECONDS = 3600;

/** A PKCE code challenge or verifier: 43 to 128 of the unreserved characters (RFC 7636 §4.1). */
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * The fake sign-in of the local approvals server: authorization codes bound to a PKCE S256
 * challenge, single use, exchanged for opaque random access tokens kept in memory. Times are
 * real (not the runner's virtual clock): sign-in happens in the developer's time.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
export class LocalSignIn {
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, { reviewer: LocalReviewer; expiresAt: number }>();

  constructor(public readonly clientId: string) {}

  /** Whether a code challenge has the S256 format (43 base64url characters). */
  public static isChallenge(value: unknown): value is string {
    return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
  }

  /** A new single-use code for `reviewer`. */
  public issueCode(reviewer: LocalReviewer, redirectUri: string, codeChallenge: string): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { reviewer, clientId: this.clientId, redirectUri, codeChallenge, expiresAt: Date.now() + CODE_LIFETIME_MS });
    return code;
  }

  /**
   * The token request of the authorization code grant with PKCE.
   *
   * @throws TokenRequestError for a request RFC 6749 and RFC 7636 refuse
   */
  public exchange(form: URLSearchParams): { access_token: string; id_token: string; token_type: 'Bearer'; expires_in: number } {
    if (form.get('grant_type') !== 'authorization_code') throw new TokenRequestError('unsupported_grant_type', 'grant_type must be authorization_code.');
    if (form.get('client_id') !== this.clientId) throw new TokenRequestError('invalid_client', 'Unknown client_id.');
    const code = form.get('code') ?? '';
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued || issued.expiresAt < Date.now()) throw new TokenRequestError('invalid_grant', 'The code is unknown, used or expired.');
    if (form.get('redirect_uri') !== issued.redirectUri) throw new TokenRequestError('invalid_grant', 'redirect_uri differs from the authorization request.');
    const verifier = form.get('code_verifier') ?? '';
    if (!PKCE_VALUE.test(verifier)) throw new TokenRequestError('invalid_request', 'code_verifier is missing or malformed.');
    if (createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge) {
      throw new TokenRequestError('invalid_grant', 'code_verifier does not match the code challenge.');
    }
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { reviewer: issued.reviewer, expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000 });
    return { access_token: accessToken, id_token: this.idToken(issued.reviewer), token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS };
  }

  /**
   * An ID token of the shape Cognito's has (`cognito:username`, `cognito:groups`), unsigned
   * (`alg: none`): only for the page to say who is signed in. Nothing trusts it; the API reads
   * the reviewer from the opaque access token.
   */
  private idToken(reviewer: LocalReviewer): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { 'token_use': 'id', 'aud': this.clientId, 'cognito:username': reviewer.name, 'cognito:groups': reviewer.groups ?? [], 'exp': Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS };
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  }

  /** The reviewer of an `Authorization` header value (the raw token, or `Bearer <token>`); undefined when not valid. */
  public reviewerOf(authorization: string | undefined): LocalReviewer | undefined {
    const token = (authorization ?? '').replace(/^Bearer\s+/i, '').trim();
    const session = this.tokens.get(token);
    if (!session) return undefined;
    if (session.expiresAt < Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return session.reviewer;
  }
}
