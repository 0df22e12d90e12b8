/** The client information response (RFC 7591 §3.2.1, RFC 7592 §3): record → snake_case wire format. */
import { registrationResponse } from '../../../lambda/oauth/registration-response';
import type { RegistrationRecord } from '../../../lambda/oauth/registration-store';

const record: RegistrationRecord = {
  pk: 'client#abc',
  clientId: 'abc',
  registrationTokenHash: 'f'.repeat(64),
  metadata: { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 's' },
  confidential: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdBy: { sourceIp: '1.2.3.4', userAgent: 'ua' },
};

test('on creation: secret, expiry 0, registration token and URI, then the metadata', () => {
  expect(registrationResponse(record, 'https://as.test', { clientSecret: 'sec', registrationAccessToken: 'tok' })).toEqual({
    client_id: 'abc',
    client_id_issued_at: 1767225600,
    client_secret: 'sec',
    client_secret_expires_at: 0,
    registration_access_token: 'tok',
    registration_client_uri: 'https://as.test/register/abc',
    ...record.metadata,
  });
});

test('on reads and updates: the rotated token (RFC 7592 §3), no secret', () => {
  const out = registrationResponse(record, 'https://as.test', { registrationAccessToken: 'rotated' });
  expect(out.registration_access_token).toBe('rotated');
  expect(out).not.toHaveProperty('client_secret');
});

test('without issued credentials: no secret, no token, never the stored hash or audit data', () => {
  const out = registrationResponse(record, 'https://as.test');
  expect(out).not.toHaveProperty('client_secret');
  expect(out).not.toHaveProperty('registration_access_token');
  expect(JSON.stringify(out)).not.toMatch(/registrationTokenHash|createdBy|f{64}/);
  expect(out.client_secret_expires_at).toBe(0);
});

test('public clients get no client_secret_expires_at', () => {
  expect(registrationResponse({ ...record, confidential: false }, 'https://as.test')).not.toHaveProperty('client_secret_expires_at');
});
