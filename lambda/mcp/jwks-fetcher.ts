/**
 * Fetches JWKS documents for aws-jwt-verify with the runtime's `fetch`. aws-jwt-verify's own
 * fetcher speaks https only; the local stack's issuer is http, so one fetcher serves both.
 * aws-jwt-verify's `SimpleJwksCache` keeps the keys for the container's life and refetches
 * (at most every 10 s, its penalty box) when a token names an unknown `kid`.
 */
import { SimpleJwksCache, type JwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';

/** Give up on the JWKS endpoint after this long; the request answers 503 and the client retries. */
export const JWKS_FETCH_TIMEOUT_MS = 3000;

export const webFetcher: Fetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    let response: Response;
    try {
      response = await fetch(uri, { signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    } catch (err) {
      throw new FetchError(uri, (err as Error).message);
    }
    if (!response.ok) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  },
};

/** One JWKS cache per container. */
export function createJwksCache(fetcher: Fetcher = webFetcher): JwksCache {
  return new SimpleJwksCache({ fetcher });
}
