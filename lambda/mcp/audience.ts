/**
 * The audience rule (DESIGN.md "Audience"; MCP authorization: the resource server MUST validate
 * that the token was issued for it). aws-jwt-verify never checks `aud` on access tokens, so this
 * runs as its `customJwtCheck`.
 */
export interface AudienceRule {
  /** RESOURCE_URL, and TOKEN_AUDIENCE when configured. */
  readonly accepted: readonly string[];
  /** Scopes of this resource start with this (`<RESOURCE_URL>/`). */
  readonly scopePrefix: string;
  readonly requireAudience: boolean;
}

/** Why the token is not for this resource, or undefined when it is. */
export function audienceProblem(aud: unknown, scopes: readonly string[], rule: AudienceRule): string | undefined {
  if (aud !== undefined) {
    const values = Array.isArray(aud) ? aud : [aud];
    return values.some((value) => typeof value === 'string' && rule.accepted.includes(value))
      ? undefined
      : 'The access token was issued for another resource (aud)';
  }
  if (rule.requireAudience) return 'The access token has no audience (aud)';
  // Cognito puts `aud` only when the client sent RFC 8707 `resource`; without it, this resource's
  // own scopes are what say the token is for it.
  return scopes.some((value) => value.startsWith(rule.scopePrefix)) ? undefined : 'The access token carries no scope of this resource';
}
