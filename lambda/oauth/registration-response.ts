/**
 * The RFC 7591 §3.2.1 / RFC 7592 §3 response body: camelCase record → snake_case wire format,
 * in one place.
 */
import type { RegistrationRecord } from './registration-store';

export interface IssuedCredentials {
  /** Only on creation, for confidential clients; never stored. */
  readonly clientSecret?: string;
  /** On creation, and a new one on every read and update (RFC 7592 §3 rotation); stored as a hash only. */
  readonly registrationAccessToken?: string;
}

export function registrationClientUri(issuerUrl: string, clientId: string): string {
  return `${issuerUrl}/register/${encodeURIComponent(clientId)}`;
}

/**
 * The client information response. RFC 7592 §3 requires `registration_access_token` in it; the
 * stored hash cannot give the token back, so reads and updates pass a freshly rotated one. The
 * secret is never stored, so only the creation response carries it (RFC 7592 §3 lets it be omitted).
 */
export function registrationResponse(record: RegistrationRecord, issuerUrl: string, issued: IssuedCredentials = {}): Record<string, unknown> {
  return {
    client_id: record.clientId,
    client_id_issued_at: Math.floor(Date.parse(record.createdAt) / 1000),
    // RFC 7591 §3.2.1: a secret (and its expiry, 0 = never) only for confidential clients.
    ...(issued.clientSecret ? { client_secret: issued.clientSecret } : {}),
    ...(record.confidential ? { client_secret_expires_at: 0 } : {}),
    ...(issued.registrationAccessToken ? { registration_access_token: issued.registrationAccessToken } : {}),
    registration_client_uri: registrationClientUri(issuerUrl, record.clientId),
    ...record.metadata,
  };
}
