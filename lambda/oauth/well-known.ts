/** `GET /.well-known/oauth-authorization-server` (RFC 8414 §3). */
import { json, type HttpResult } from '../shared/http';
import { METADATA_MAX_AGE_SECONDS } from './config';
import type { OAuthDeps } from './deps';
import { authorizationServerMetadata } from './metadata';

const CACHE = { 'cache-control': `public, max-age=${METADATA_MAX_AGE_SECONDS}` };

export async function getAuthorizationServerMetadata(deps: OAuthDeps): Promise<HttpResult> {
  return json(200, authorizationServerMetadata(deps.config), CACHE);
}
