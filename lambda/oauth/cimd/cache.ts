/**
 * How long a fetched CIMD document is used before it is fetched again: the document's HTTP caching
 * headers (RFC 9111 §5.2.2.1 `max-age`, §5.3 `Expires`), clamped so that a document can neither
 * make the server fetch on every authorization nor pin a stale copy for days.
 */

/** Even `no-store`/`no-cache` documents are kept this long: each authorization must not cost a fetch. */
export const CIMD_MIN_CACHE_SECONDS = 60;
/** A changed (or withdrawn) document takes effect within a day at most. */
export const CIMD_MAX_CACHE_SECONDS = 86_400;
/** Documents that say nothing about caching. */
export const CIMD_DEFAULT_CACHE_SECONDS = 3_600;

export interface CacheHeaders {
  readonly cacheControl?: string;
  readonly expires?: string;
  /** The response's `Date`, so that `Expires` is read against the server's clock. */
  readonly date?: string;
}

const clamp = (seconds: number) => Math.min(CIMD_MAX_CACHE_SECONDS, Math.max(CIMD_MIN_CACHE_SECONDS, Math.floor(seconds)));

/** Seconds to cache the document for, within [CIMD_MIN_CACHE_SECONDS, CIMD_MAX_CACHE_SECONDS]. */
export function cacheSeconds(headers: CacheHeaders, now: Date): number {
  const directives = (headers.cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  if (directives.some((d) => d === 'no-store' || d === 'no-cache' || d === 'private')) return CIMD_MIN_CACHE_SECONDS;
  // s-maxage is for shared caches, which this server's cache is (one per deployment).
  for (const name of ['s-maxage', 'max-age']) {
    const match = directives.map((d) => new RegExp(`^${name}\\s*=\\s*"?(\\d+)"?$`).exec(d)).find(Boolean);
    if (match) return clamp(Number(match[1]));
  }
  if (headers.expires !== undefined) {
    const expires = Date.parse(headers.expires);
    // RFC 9111 §5.3: an invalid date (e.g. "0") means already expired.
    if (Number.isNaN(expires)) return CIMD_MIN_CACHE_SECONDS;
    const date = headers.date !== undefined ? Date.parse(headers.date) : Number.NaN;
    const base = Number.isNaN(date) ? now.getTime() : date;
    return clamp((expires - base) / 1000);
  }
  return CIMD_DEFAULT_CACHE_SECONDS;
}
