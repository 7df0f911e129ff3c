import type * as sha256 from '@aws-crypto/sha256-js';
import type * as credentialProviders from '@aws-sdk/credential-providers';
import type * as protocolHttp from '@smithy/protocol-http';
import type * as signatureV4 from '@smithy/signature-v4';
import { requireOptional } from '../private/optional-dependency';

const SIGNING_FEATURE = 'Signing requests to the decision API (cdk-sfn-workflows approvals)';
const SIGNING_PACKAGES = ['@aws-crypto/sha256-js', '@aws-sdk/credential-providers', '@smithy/protocol-http', '@smithy/signature-v4'];

/** The request-signing packages, optional peer dependencies, loaded on the first signed request. */
function signing() {
  const load = <T>(name: string) => requireOptional<T>(name, SIGNING_FEATURE, SIGNING_PACKAGES);
  return {
    Sha256: load<typeof sha256>('@aws-crypto/sha256-js').Sha256,
    fromNodeProviderChain: load<typeof credentialProviders>('@aws-sdk/credential-providers').fromNodeProviderChain,
    HttpRequest: load<typeof protocolHttp>('@smithy/protocol-http').HttpRequest,
    SignatureV4: load<typeof signatureV4>('@smithy/signature-v4').SignatureV4,
  };
}

/** The answer of a signed request. */
export interface SignedResponse {
  readonly status: number;
  readonly body: any;
}

/**
 * Sends a request to an API Gateway API with IAM authorization, signed (SigV4, service
 * `execute-api`) with the caller's AWS credentials from the default provider chain
 * (environment, shared config and SSO, container or instance role).
 *
 * @throws MissingOptionalDependencyError when the request-signing packages are not installed.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export async function sendSignedRequest(method: 'GET' | 'POST', url: string, region: string, body?: unknown): Promise<SignedResponse> {
  const { Sha256, fromNodeProviderChain, HttpRequest, SignatureV4 } = signing();
  const target = new URL(url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const request = new HttpRequest({
    method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port ? Number(target.port) : undefined,
    path: target.pathname,
    headers: { host: target.host, ...(payload ? { 'content-type': 'application/json' } : {}) },
    body: payload,
  });
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: fromNodeProviderChain(), sha256: Sha256 });
  const signed = await signer.sign(request);
  const response = await fetch(url, { method, headers: signed.headers as Record<string, string>, body: payload });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

/** The region of an `https://<id>.execute-api.<region>.amazonaws.com/<stage>/` URL, if it is one. */
export function regionOfApiUrl(url: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
}
