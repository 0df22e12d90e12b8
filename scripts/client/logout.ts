/**
 * `logout`: revoke the refresh token (RFC 7009), delete the registration if this CLI made it
 * (RFC 7592 §2.3), and forget everything stored for the server. Tokens go only to https or
 * loopback endpoints; the registration access token only to a management URI on the registration
 * endpoint's origin (issue 12.4).
 */
import { discoverOAuthServerInfo } from '@modelcontextprotocol/client';
import type { StateStore } from './store';
import { managementUriProblem, secureOrigin } from './url-rules';

type Metadata = { revocation_endpoint?: string; registration_endpoint?: string } | undefined;

async function discoverMetadata(store: StateStore, say: (sentence: string) => void): Promise<Metadata> {
  try {
    return (await discoverOAuthServerInfo(store.serverUrl)).authorizationServerMetadata as Metadata;
  } catch (err) {
    say(`Could not reach the authorization server: ${(err as Error).message}`);
    return undefined;
  }
}

async function revoke(store: StateStore, metadata: Metadata, say: (sentence: string) => void): Promise<void> {
  const { tokens, client } = store.state;
  const endpoint = metadata?.revocation_endpoint;
  if (!tokens?.refresh_token || !client?.client_id || !endpoint) return;
  const origin = secureOrigin(endpoint, 'The revocation endpoint');
  if (origin instanceof Error) {
    say(`${origin.message} Not sending the refresh token there.`);
    return;
  }
  const body = new URLSearchParams({ token: tokens.refresh_token, token_type_hint: 'refresh_token' });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  // RFC 7009 §2.1: a confidential client authenticates (client_secret_basic, RFC 6749 §2.3.1).
  if (client.client_secret) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
  else body.set('client_id', client.client_id);
  try {
    const res = await fetch(endpoint, { method: 'POST', headers, body: body.toString() });
    say(res.ok ? 'Revoked the refresh token.' : `The server did not revoke the refresh token (HTTP ${res.status}).`);
  } catch (err) {
    say(`Could not reach the authorization server to revoke the refresh token: ${(err as Error).message}`);
  }
}

async function deleteRegistration(store: StateStore, metadata: Metadata, say: (sentence: string) => void): Promise<void> {
  const { client } = store.state;
  if (!client?.registration_client_uri || !client.registration_access_token) return;
  const endpoint = client.registration_endpoint ?? metadata?.registration_endpoint;
  const problem = endpoint ? managementUriProblem(client.registration_client_uri, endpoint) : 'The registration endpoint is not known.';
  if (problem) {
    say(`${problem} Not sending the registration access token there; the registration is left in place.`);
    return;
  }
  const res = await fetch(client.registration_client_uri, { method: 'DELETE', headers: { authorization: `Bearer ${client.registration_access_token}` } });
  say(res.status === 204 ? 'Deleted this client\'s registration.' : `The server did not delete the registration (HTTP ${res.status}).`);
}

export async function logout(store: StateStore, say: (sentence: string) => void): Promise<void> {
  const { tokens, client } = store.state;
  const needsMetadata = Boolean(tokens?.refresh_token) || Boolean(client?.registration_client_uri && !client.registration_endpoint);
  const metadata = needsMetadata ? await discoverMetadata(store, say) : undefined;
  await revoke(store, metadata, say);
  await deleteRegistration(store, metadata, say);
  store.remove();
  say(`Logged out of ${store.serverUrl}.`);
}
