/**
 * Which redirect URI an authorization request may use: one of the client's registered URIs,
 * compared as strings (OAuth 2.1 §2.3.1, RFC 9700 §4.1.3: exact match, no normalization, so
 * trailing slashes, dot segments, case, userinfo and extra query parameters never match), with the
 * one exception RFC 8252 §7.3 requires: a loopback URI may differ in its port only.
 */

/** `http://<loopback host>[:port]<rest>`, parsed from the raw string (never from a normalized URL). */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::(\d{1,5}))?([/?][^#\s]*)?$/;

interface Loopback {
  readonly host: string;
  readonly port?: number;
  readonly rest: string;
}

function loopback(uri: string): Loopback | undefined {
  const match = LOOPBACK.exec(uri);
  if (!match) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535 || match[2].startsWith('0'))) return undefined;
  return { host: match[1], port, rest: match[3] ?? '' };
}

/**
 * The registered URI `requested` matches, or undefined. Exact string equality; for a loopback
 * redirect (RFC 8252 §7.3: "MUST allow any port"), the same scheme, host spelling, path and query
 * with any port. `localhost` and `127.0.0.1` are different hosts here, as registered.
 */
export function matchRedirectUri(registered: readonly string[], requested: string): string | undefined {
  if (registered.includes(requested)) return requested;
  const asked = loopback(requested);
  if (!asked || asked.rest.includes('@')) return undefined;
  return registered.find((uri) => {
    const candidate = loopback(uri);
    return candidate !== undefined && candidate.host === asked.host && candidate.rest === asked.rest;
  });
}

/** True when every one of `uris` is a loopback redirect (the consent page warns: any local program can receive them). */
export function allLoopback(uris: readonly string[]): boolean {
  return uris.length > 0 && uris.every((uri) => loopback(uri) !== undefined);
}
