/**
 * The facade's routes as the `Route` metric dimension names them (docs/contracts.md, PLAN's broker
 * routes included); any other path counts as `other`.
 */
export const OAUTH_METRIC_ROUTES = [
  '/.well-known/oauth-authorization-server',
  '/register',
  '/register/{client_id}',
  '/authorize',
  '/consent',
  '/callback',
  '/token',
  '/revoke',
] as const;
