/**
 * The Cognito path of token verification (CognitoJwtVerifier, used on AWS when TOKEN_ISSUER is
 * unset), without network: the verifier is built from the configuration exactly as the Lambda entry
 * builds it (`createConfiguredVerifier`), and its JWKS cache gets a fetcher that serves a test key
 * for the fake pool's JWKS URL only (aws-jwt-verify's `hydrate`, as at cold start).
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import { NonRetryableFetchError } from 'aws-jwt-verify/error';
import { loadConfig } from '../../../lambda/mcp/config';
import { createJwksCache } from '../../../lambda/mcp/jwks-fetcher';
import { TokenRejectedError, type TokenVerifier } from '../../../lambda/mcp/token-verifier';
import { createConfiguredVerifier } from '../../../lambda/mcp/verification';
import { rsaKey, signRs256 } from '../../integration/mcp/jwt';

const REGION = 'eu-west-1';
const POOL = `${REGION}_TestPool42`;
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
const RESOURCE_URL = 'https://api.example/mcp';
const KID = 'cognito-kid-1';
const key = rsaKey(KID);

const env = {
  AWS_REGION: REGION,
  RESOURCE_URL,
  AUTHORIZATION_SERVER_URL: 'https://as.example',
  STATIC_CLIENT_ID: 'static-client',
  REGISTRATIONS_TABLE: 'registrations',
  NOTES_TABLE: 'notes',
  SCOPE_READ: `${RESOURCE_URL}/read`,
  SCOPE_WRITE: `${RESOURCE_URL}/write`,
  USER_POOL_ID: POOL,
};

const fetched: string[] = [];
const fetcher: Fetcher = {
  async fetch(uri) {
    fetched.push(uri);
    if (uri !== `${ISSUER}/.well-known/jwks.json`) throw new NonRetryableFetchError(uri, 'not served in this test');
    return new TextEncoder().encode(JSON.stringify({ keys: [key.jwk] })).buffer as ArrayBuffer;
  },
};
const lookups: string[] = [];
const ddb = {
  getItem: async (input: { Key: Record<string, { S: string }> }) => {
    lookups.push(input.Key.pk.S);
    return { Item: input.Key.pk.S === 'client#dcr-live' ? input.Key : undefined };
  },
  updateItem: async () => undefined, // lastUsedAt: covered by client-liveness.test.ts
} as never;

let verify: TokenVerifier;
beforeAll(async () => {
  verify = createConfiguredVerifier(loadConfig(env), { ddb, jwksCache: createJwksCache(fetcher) });
  await verify.hydrate();
});

const now = () => Math.floor(Date.now() / 1000);

/** An access token shaped like Cognito's. */
function cognitoToken(overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  const claims: Record<string, unknown> = {
    sub: 'user-1',
    iss: ISSUER,
    client_id: 'static-client',
    origin_jti: 'o-1',
    event_id: 'e-1',
    token_use: 'access',
    scope: `${RESOURCE_URL}/read ${RESOURCE_URL}/write`,
    auth_time: now(),
    iat: now(),
    exp: now() + 600,
    jti: 'j-1',
    username: 'alice',
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return signRs256(claims, { kid: KID, ...header }, key.privateKey);
}

async function rejection(token: string): Promise<string> {
  const err = await verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TokenRejectedError);
  return (err as Error).message;
}

test('the JWKS comes from the pool issuer URL', () => {
  expect(fetched).toContain(`${ISSUER}/.well-known/jwks.json`);
});

test('valid access token with aud = the resource', async () => {
  const caller = await verify(cognitoToken({ aud: RESOURCE_URL, scope: 'openid' }));
  expect(caller).toMatchObject({ subject: 'user-1', username: 'alice', clientId: 'static-client', scopes: ['openid'] });
});

test('valid access token without aud, carrying a scope of the resource', async () => {
  const caller = await verify(cognitoToken({ scope: `${RESOURCE_URL}/read` }));
  expect(caller.scopes).toEqual([`${RESOURCE_URL}/read`]);
});

test('wrong aud', async () => {
  expect(await rejection(cognitoToken({ aud: 'https://other.example/mcp' }))).toMatch(/another resource/);
});

test('no aud and no scope of the resource', async () => {
  expect(await rejection(cognitoToken({ scope: 'openid email' }))).toMatch(/no scope of this resource/);
});

test('ID token (token_use id, aud = the app client)', async () => {
  expect(await rejection(cognitoToken({ token_use: 'id', aud: 'static-client', client_id: undefined, email: 'a@example.com' }))).toMatch(/not an access token/);
});

test('RFC 9068 at+jwt without token_use is not a Cognito access token', async () => {
  expect(await rejection(cognitoToken({ token_use: undefined }, { typ: 'at+jwt' }))).toMatch(/not an access token/);
});

test('wrong issuer: another pool, same key', async () => {
  expect(await rejection(cognitoToken({ iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_OtherPool` }))).toMatch(/another issuer/);
});

test('expired', async () => {
  expect(await rejection(cognitoToken({ iat: now() - 7200, exp: now() - 3600 }))).toMatch(/expired/);
});

test('signed by another key under the same kid', async () => {
  const forged = signRs256({ sub: 'user-1', iss: ISSUER, client_id: 'static-client', token_use: 'access', scope: `${RESOURCE_URL}/read`, exp: now() + 600 }, { kid: KID }, rsaKey(KID).privateKey);
  expect(await rejection(forged)).toMatch(/signature/);
});

test('client liveness: a live registration passes, an unknown client is refused (CLIENT_CHECK default)', async () => {
  expect((await verify(cognitoToken({ client_id: 'dcr-live' }))).clientId).toBe('dcr-live');
  expect(await rejection(cognitoToken({ client_id: 'dcr-gone' }))).toMatch(/no longer registered/);
  expect(lookups).toEqual(['client#dcr-live', 'client#dcr-gone']);
});
