/**
 * End to end with a Client ID Metadata Document (issue 13): the official MCP SDK v2 client, given
 * a `clientMetadataUrl`, logs in through the broker with that URL as its `client_id`, never
 * registering. The document is served over https from 127.0.0.1 (support/cimd-server.ts), an
 * origin the local stack is told to trust (`cimdTrustedOrigins`, MCP_LOCAL_CIMD_TRUSTED_ORIGINS).
 *
 * | test                                                        | spec                                                    |
 * |-------------------------------------------------------------|---------------------------------------------------------|
 * | URL as client_id, no registration, login, tools             | MCP 2026-07-28 §Client ID Metadata Documents; SEP-991   |
 * | consent names the document's host, warns for localhost-only | draft-ietf-oauth-client-id-metadata-document §6 (security) |
 * | the token's client_id is the provisioned app client         | docs/authorization.md; contracts.md `cimd#`             |
 * | a second client with the same URL reuses the app client     | lambda/oauth/cimd/provision.ts                          |
 * | a document whose client_id is not its URL is refused        | CIMD §4.1                                               |
 */
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getMapping } from '../../lambda/oauth/cimd/store';
import { TABLES } from '../../scripts/local/config';
import { LOCAL_AWS } from '../../scripts/local/services';
import { startCimdServer, type CimdServer } from './support/cimd-server';
import { connect } from './support/connect';
import { authorizationUrl, decodeJwt, pkce } from './support/oauth';
import { recordingFetch, startTestStack } from './support/stack';
import { FormLoginProvider } from './support/v2-provider';

jest.setTimeout(90_000);

const DOCUMENT = '/clients/e2e-agent.json';
const MISMATCH = '/clients/mismatch.json';
const REDIRECT = 'http://127.0.0.1:8765/callback';

let cimd: CimdServer;
let stack: Awaited<ReturnType<typeof startTestStack>>;
let ddb: DynamoDBDocumentClient;

beforeAll(async () => {
  cimd = await startCimdServer();
  const metadata = (url: string, clientId = url) => ({
    client_id: clientId,
    client_name: 'CIMD e2e agent',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: `${stack.urls.mcp}/read ${stack.urls.mcp}/write`,
  });
  cimd.documents.set(DOCUMENT, (url) => metadata(url));
  cimd.documents.set(MISMATCH, (url) => metadata(url, url.replace('mismatch', 'someone-else')));
  stack = await startTestStack({ cimdTrustedOrigins: [cimd.origin] });
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.endpoints.dynamodb }));
});
afterAll(async () => {
  ddb?.destroy();
  await stack?.cleanup();
  await cimd?.close();
});

/** Connects the v2 SDK with the document URL as its client, calls whoami; the requests it made, its provider, whoami's answer. */
async function connectWithDocument(): Promise<{ requests: string[]; provider: FormLoginProvider; whoami: Record<string, unknown> }> {
  const requests: string[] = [];
  const provider = new FormLoginProvider({ username: stack.username, password: stack.password, redirectUrl: REDIRECT, clientMetadataUrl: cimd.url(DOCUMENT) });
  const client = await connect(stack.urls.mcp, provider, { sdk: 'v2', mode: 'auto' }, recordingFetch(requests));
  try {
    const whoami = await client.callTool('whoami');
    expect(whoami.isError).toBeFalsy();
    return { requests, provider, whoami: whoami.structuredContent as Record<string, unknown> };
  } finally {
    await client.close();
  }
}

test('the SDK v2 client logs in with its document URL as client_id, never registers, and its token names the provisioned app client', async () => {
  const url = cimd.url(DOCUMENT);
  const { requests, provider, whoami } = await connectWithDocument();

  // Discovery found client_id_metadata_document_supported, so the SDK skipped registration.
  expect(requests).toContain('GET /.well-known/oauth-authorization-server 200');
  expect(requests.filter((line) => line.startsWith('POST /register'))).toEqual([]);
  expect(provider.clientInformation()?.client_id).toBe(url);
  expect(provider.authorizationUrls[0].searchParams.get('client_id')).toBe(url);
  expect(cimd.fetched).toContain(DOCUMENT);

  // The consent page: the document's host, and the localhost-only warning (every redirect URI is loopback).
  const consent = provider.consentPages[0];
  expect(consent).toContain('<q>CIMD e2e agent</q>');
  expect(consent).toContain(`published at <strong>${new URL(cimd.origin).host}</strong>`);
  expect(consent).toMatch(/<p class="warn">This client can only return to a program running on this computer \(localhost\)/);

  // The access token is Cognito's, for the app client provisioned for this URL (cimd# item), not the URL.
  const mapping = await getMapping({ ddb, tableName: TABLES.registrations }, url);
  expect(mapping?.cognitoClientId).toMatch(/^\w+$/);
  const token = decodeJwt(provider.tokens()!.access_token).payload;
  expect(token).toMatchObject({ client_id: mapping!.cognitoClientId, aud: stack.urls.mcp });
  expect(whoami).toMatchObject({ username: stack.username, clientId: mapping!.cognitoClientId });
  // That app client's only callback is the broker's.
  const cognito = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: stack.endpoints.cognito });
  try {
    const described = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: stack.userPoolId, ClientId: mapping!.cognitoClientId }));
    expect(described.UserPoolClient?.CallbackURLs).toEqual([`${stack.urls.base}/callback`]);
  } finally {
    cognito.destroy();
  }
});

test('a second client with the same document URL reuses the same app client', async () => {
  const first = await getMapping({ ddb, tableName: TABLES.registrations }, cimd.url(DOCUMENT));
  const { requests, provider, whoami } = await connectWithDocument();
  expect(requests.filter((line) => line.startsWith('POST /register'))).toEqual([]);
  expect(decodeJwt(provider.tokens()!.access_token).payload.client_id).toBe(first!.cognitoClientId);
  expect(whoami.clientId).toBe(first!.cognitoClientId);
  expect((await getMapping({ ddb, tableName: TABLES.registrations }, cimd.url(DOCUMENT)))?.cognitoClientId).toBe(first!.cognitoClientId);
});

test('a document whose client_id is not its own URL is refused with an error page, no redirect, no app client', async () => {
  const url = cimd.url(MISMATCH);
  const res = await fetch(
    authorizationUrl(stack.urls, { response_type: 'code', client_id: url, redirect_uri: REDIRECT, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 'st', resource: stack.urls.mcp }),
    { redirect: 'manual' },
  );
  expect(res.status).toBe(400);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const page = await res.text();
  expect(page).toContain('invalid_client');
  expect(page).toContain('client_id must equal its URL exactly');
  expect(cimd.fetched).toContain(MISMATCH);
  expect(await getMapping({ ddb, tableName: TABLES.registrations }, url)).toBeUndefined();
});
