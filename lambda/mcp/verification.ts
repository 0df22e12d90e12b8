/**
 * The token verifier as the configuration asks for it: the issuer (Cognito pool or `TOKEN_ISSUER`),
 * the audience rule and the client check (`CLIENT_CHECK`). The Lambda entry builds it once per
 * container; tests build it the same way with their own JWKS cache and DynamoDB client.
 */
import type { JwksCache } from 'aws-jwt-verify/jwk';
import type { DynamoDbLite } from '../shared/dynamodb-lite';
import { createClientCheck, type ClientCheck } from './client-liveness';
import type { McpConfig } from './config';
import { createTokenVerifier, type TokenVerifier } from './token-verifier';

export interface VerificationDeps {
  readonly ddb: Pick<DynamoDbLite, 'getItem' | 'updateItem'>;
  readonly jwksCache: JwksCache;
}

export function createConfiguredVerifier(config: McpConfig, { ddb, jwksCache }: VerificationDeps): TokenVerifier {
  return createTokenVerifier({
    userPoolId: config.userPoolId,
    issuer: config.tokenIssuer,
    jwksUri: config.tokenJwksUri,
    audience: {
      accepted: config.tokenAudience ? [config.resourceUrl, config.tokenAudience] : [config.resourceUrl],
      scopePrefix: `${config.resourceUrl}/`,
      requireAudience: config.requireAudience,
    },
    isClientLive: clientCheckOf(config, ddb),
    machineClients: config.machineClients,
    jwksCache,
  });
}

function clientCheckOf(config: McpConfig, ddb: Pick<DynamoDbLite, 'getItem' | 'updateItem'>): ClientCheck | null {
  if (config.clientCheck === 'none') return null;
  // loadConfig requires both with CLIENT_CHECK=registrations.
  if (!config.registrationsTable || !config.staticClientId) throw new Error('CLIENT_CHECK=registrations needs REGISTRATIONS_TABLE and STATIC_CLIENT_ID');
  return createClientCheck({ ddb, table: config.registrationsTable, staticClientId: config.staticClientId, ttlSeconds: config.clientCheckTtlSeconds });
}
