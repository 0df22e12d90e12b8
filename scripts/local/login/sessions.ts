/**
 * The login session of the hosted-login stand-in, as Cognito's managed login keeps one in a
 * cookie: after a successful login, the next authorization request from the same browser within
 * the session's lifetime is answered without the form (step-up, a second client). In memory only.
 */
import { randomBytes } from 'node:crypto';
import type { LoginUser } from './directory';

/** Cognito's managed login session lasts one hour. */
export const SESSION_TTL_SECONDS = 3600;
export const SESSION_COOKIE = 'mcp_local_session';

export class SessionStore {
  private readonly sessions = new Map<string, { user: LoginUser; authTime: number; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts a session; returns the Set-Cookie value. */
  start(user: LoginUser, authTime: number): string {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { user, authTime, expiresAt: this.now() + SESSION_TTL_SECONDS * 1000 });
    return `${SESSION_COOKIE}=${id}; Path=/oauth2; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_SECONDS}`;
  }

  /** The signed-in user for the request's cookies, if the session is live. */
  find(cookies: readonly string[] | undefined): { user: LoginUser; authTime: number } | undefined {
    for (const cookie of cookies ?? []) {
      const [name, value] = cookie.trim().split('=', 2);
      if (name !== SESSION_COOKIE || !value) continue;
      const session = this.sessions.get(value);
      if (session && session.expiresAt > this.now()) return session;
      this.sessions.delete(value);
    }
    return undefined;
  }
}
