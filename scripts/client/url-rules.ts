/**
 * Where the CLI lets a server send it, and what it lets it open. Everything here guards against a
 * malicious or compromised server: its metadata names the URLs the CLI opens (authorization
 * endpoint), posts passwords to (the login form), and sends tokens to (revocation, RFC 7592).
 *
 * - Opening: only `https:`, or `http:` on a loopback host (the class of CVE-2025-6514: an
 *   authorization URL handed to the OS opener can be `file:`, `smb:` or a protocol handler).
 * - Sending secrets: only to origins that are https, or http on a loopback host (RFC 8252 §8.3:
 *   loopback needs no TLS; RFC 6749 §3.1/§3.2 require TLS everywhere else).
 */

/** The loopback hosts of RFC 8252 §7.3 and §8.3, as the WHATWG URL parser serializes them. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** https, or http on a loopback host: the only places the CLI sends a secret or opens. */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

function parse(raw: string | URL): URL | undefined {
  if (raw instanceof URL) return new URL(raw.href);
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * The URL the CLI may hand to a browser, or an Error saying why not. The caller opens the returned
 * URL's serialization, which starts with `https:` or `http:`, so it can never be read as an option
 * by the opener (no leading `-`) and carries no whitespace or control characters.
 */
export function openableUrl(raw: string | URL): URL | Error {
  const url = parse(raw);
  if (!url) return new Error(`Refusing to open ${JSON.stringify(String(raw))}: it is not a URL.`);
  if (!isSecureUrl(url)) {
    return new Error(`Refusing to open ${JSON.stringify(url.href)}: the CLI opens only https URLs, or http on 127.0.0.1, [::1] or localhost.`);
  }
  return url;
}

/**
 * The origin of `raw` when secrets may go there (https, or http on loopback); an Error otherwise.
 * `what` names the secret's destination in the message (e.g. "the registration management URI").
 */
export function secureOrigin(raw: string | URL, what: string): string | Error {
  const url = parse(raw);
  if (!url) return new Error(`${what} ${JSON.stringify(String(raw))} is not a URL.`);
  if (!isSecureUrl(url)) return new Error(`${what} ${url.origin} is neither https nor http on a loopback host.`);
  return url.origin;
}

/**
 * RFC 7592 §3: the management URI comes from the server's registration response. The CLI sends
 * the registration access token there only when it is on the registration endpoint's origin, over
 * https or loopback; anything else would hand a bearer token to whoever the response names.
 */
export function managementUriProblem(registrationClientUri: string, registrationEndpoint: string): string | undefined {
  const target = secureOrigin(registrationClientUri, 'The registration management URI');
  if (target instanceof Error) return target.message;
  const endpoint = parse(registrationEndpoint);
  if (!endpoint) return `The registration endpoint ${JSON.stringify(registrationEndpoint)} is not a URL.`;
  if (target !== endpoint.origin) return `The registration management URI is on ${target}, not on the registration endpoint's origin ${endpoint.origin}.`;
  return undefined;
}

/** A `--login-origin` value: exactly an origin (no path, query or userinfo), https or loopback http. */
export function loginOriginOption(raw: string): string | Error {
  const url = parse(raw);
  const invalid = new Error(`--login-origin takes an origin such as https://<prefix>.auth.<region>.amazoncognito.com, got ${JSON.stringify(raw)}.`);
  if (!url || url.origin === 'null' || url.origin !== raw.replace(/\/$/, '')) return invalid;
  return secureOrigin(url, '--login-origin');
}
