/**
 * Who may register (RFC 7591 §3: the server MAY require an initial access token or refuse):
 * `open` lets anyone, `token` needs `Authorization: Bearer <initial access token>` whose SHA-256
 * matches the configured one (compared in constant time), `closed` refuses everyone.
 */
import { AccessDeniedError, InvalidTokenError } from '../shared/errors';
import { bearerToken, sameHash, sha256Hex } from '../shared/tokens';
import type { OAuthConfig } from './config';

export function authorizeRegistration(
  config: Pick<OAuthConfig, 'registrationMode' | 'initialAccessTokenSha256'>,
  authorization: string | undefined,
): void {
  if (config.registrationMode === 'open') return;
  if (config.registrationMode === 'closed') {
    throw new AccessDeniedError('Dynamic client registration is closed on this server; ask the operator for a client.');
  }
  const token = bearerToken(authorization);
  const ok = sameHash(sha256Hex(token ?? ''), config.initialAccessTokenSha256 ?? '');
  if (!token || !ok) {
    throw new InvalidTokenError(
      'Registration on this server needs an initial access token: send Authorization: Bearer <token> (ask the operator for one).',
      'Bearer error="invalid_token", error_description="initial access token required"',
    );
  }
}
