/**
 * `logout`: revoke the refresh token (RFC 7009), delete the registration if this CLI made it
 * (RFC 7592 §2.3), and forget everything stored for the server.
 */
import { discoverOAuthServerInfo } from '@modelcontextprotocol/client';
import type { StateStore } from './store';

export async function logout(store: StateStore, say: (sentence: string) => void, clientId?: string): Promise<void> {
  const { tokens, client } = store.state;
  const id = clientId ?? client?.client_id;
  if (tokens?.refresh_token && id) {
    try {
      const info = await discoverOAuthServerInfo(store.serverUrl);
      const endpoint = (info.authorizationServerMetadata as { revocation_endpoint?: string } | undefined)?.revocation_endpoint;
      if (endpoint) {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: tokens.refresh_token, token_type_hint: 'refresh_token', client_id: id }).toString(),
        });
        say(res.ok ? 'Revoked the refresh token.' : `The server did not revoke the refresh token (HTTP ${res.status}).`);
      }
    } catch (err) {
      say(`Could not reach the authorization server to revoke the refresh token: ${(err as Error).message}`);
    }
  }
  if (!clientId && client?.registration_client_uri && client.registration_access_token) {
    const res = await fetch(client.registration_client_uri, { method: 'DELETE', headers: { authorization: `Bearer ${client.registration_access_token}` } });
    say(res.status === 204 ? 'Deleted this client\'s registration.' : `The server did not delete the registration (HTTP ${res.status}).`);
  }
  store.remove();
  say(`Logged out of ${store.serverUrl}.`);
}
