import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

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
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export async function sendSignedRequest(method: 'GET' | 'POST', url: string, region: string, body?: unknown): Promise<SignedResponse> {
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
