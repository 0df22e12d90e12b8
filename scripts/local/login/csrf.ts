/**
 * The login form's CSRF token, as Cognito's hosted UI does it: a random `_csrf` hidden field and
 * the same value in an `XSRF-TOKEN` cookie (double submit). A POST whose field is missing or
 * differs from the cookie is refused before the password is looked at. The cookie is
 * SameSite=Lax, so another site's page cannot post the form with it (RFC 6749 §10.12, OWASP CSRF).
 */
import { randomBytes } from 'node:crypto';
import { sameText } from '../../../lambda/shared/tokens';

export const CSRF_FIELD = '_csrf';
export const CSRF_COOKIE = 'XSRF-TOKEN';
/** As long as a login page may sensibly stay open. */
const CSRF_TTL_SECONDS = 3600;

/** A new token and the Set-Cookie value that carries it. */
export function newCsrfToken(): { token: string; cookie: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, cookie: `${CSRF_COOKIE}=${token}; Path=/oauth2; HttpOnly; SameSite=Lax; Max-Age=${CSRF_TTL_SECONDS}` };
}

/** The value of cookie `name` in a request's cookies (API Gateway v2 `event.cookies`), if exactly one is sent. */
export function cookieValue(cookies: readonly string[] | undefined, name: string): string | undefined {
  const values = (cookies ?? []).flatMap((c) => c.split(';')).map((c) => c.trim()).filter((c) => c.startsWith(`${name}=`)).map((c) => c.slice(name.length + 1));
  return values.length === 1 ? values[0] : undefined;
}

/** True when the form's token equals the cookie's (constant time). */
export function csrfMatches(form: URLSearchParams, cookies: readonly string[] | undefined): boolean {
  const sent = form.getAll(CSRF_FIELD);
  const expected = cookieValue(cookies, CSRF_COOKIE);
  if (sent.length !== 1 || !expected) return false;
  return expected.length >= 32 && sameText(sent[0]!, expected);
}
