/**
 * Fetches JWKS documents for aws-jwt-verify over node:http(s). aws-jwt-verify's own fetcher
 * speaks https only; the local stack's issuer is http, so one fetcher serves both.
 * aws-jwt-verify's `SimpleJwksCache` keeps the keys for the container's life and refetches
 * (at most every 10 s, its penalty box) when a token names an unknown `kid`.
 */
import { SimpleJwksCache, type JwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import { httpRequest } from '../shared/http-request';

/** Give up on the JWKS endpoint after this long; the request answers 503 and the client retries. */
export const JWKS_FETCH_TIMEOUT_MS = 3000;

export const webFetcher: Fetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    let response: { status: number; body: Buffer };
    try {
      response = await httpRequest(new URL(uri), { headers: { accept: 'application/json' }, timeoutMs: JWKS_FETCH_TIMEOUT_MS });
    } catch (err) {
      throw new FetchError(uri, (err as Error).message);
    }
    if (response.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    const { body } = response;
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  },
};

/** One JWKS cache per container. */
export function createJwksCache(fetcher: Fetcher = webFetcher): JwksCache {
  return new SimpleJwksCache({ fetcher });
}
