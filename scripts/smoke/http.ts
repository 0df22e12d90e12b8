/**
 * The smoke test's view of HTTP: every request the run makes (also those of the headless login,
 * which calls the global fetch) is remembered, so a failing step can print the request that failed:
 * method, URL without query or fragment (codes, states and tokens travel there), status, and a
 * body excerpt with token-like values masked. Request bodies are never printed (passwords).
 */

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  status?: number;
  excerpt?: string;
  /** Settles once the excerpt has been read. */
  read?: Promise<unknown>;
}

const SECRET_KEYS = /("?(?:access_token|refresh_token|id_token|code|registration_access_token|client_secret|password|_csrf)"?\s*[:=]\s*"?)[^"&\s,}]+/gi;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
/** HTML form values (hidden fields such as a CSRF token). */
const FORM_VALUES = /(\bvalue\s*=\s*["'])[^"']*/gi;

/** Masks secrets in a response body excerpt. */
export function redact(text: string): string {
  return text.replace(SECRET_KEYS, '$1[redacted]').replace(JWT, '[jwt]').replace(FORM_VALUES, '$1[redacted]');
}

/** A URL as it may be printed: origin and path only. */
export function printable(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

export function describe(req: SeenRequest): string {
  const status = req.status === undefined ? 'no response' : String(req.status);
  return `${req.method} ${req.url} -> ${status}${req.excerpt ? `: ${req.excerpt}` : ''}`;
}

/**
 * Wraps the global fetch for the run; `last()` is the most recent request to finish (or the one in
 * flight), so a request made while answering another in the same process (the local stack's broker
 * calling its login stand-in when the smoke test runs in-process) never hides the outer one.
 */
export function recordRequests(): { last(): SeenRequest | undefined; restore(): void } {
  const original = globalThis.fetch;
  let last: SeenRequest | undefined;
  let inFlight = 0;
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const seen: SeenRequest = { method: request.method, url: printable(request.url) };
    if (inFlight === 0) last = seen;
    inFlight++;
    try {
      const response = await original(input, init);
      seen.status = response.status;
      // Read a copy, so the caller still gets the body; only an excerpt is kept.
      seen.read = response
        .clone()
        .text()
        .then((body) => (seen.excerpt = redact(body.replace(/\s+/g, ' ')).slice(0, 300)))
        .catch(() => undefined);
      return response;
    } finally {
      inFlight--;
      last = seen;
    }
  };
  return {
    last: () => last,
    restore: () => {
      globalThis.fetch = original;
    },
  };
}
