/**
 * The facade's dependencies: configuration and AWS clients, built once per Lambda container (or
 * once per test / local stack) and passed to every domain function.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { signingKeyLoader } from './broker/signing-key';
import type { OAuthConfig } from './config';

export interface OAuthDeps {
  readonly config: Readonly<OAuthConfig>;
  readonly ddb: DynamoDBDocumentClient;
  readonly idp: CognitoIdentityProviderClient;
  /** The clock (tests freeze it). */
  readonly now: () => Date;
  /** The authorization broker's HMAC key, read once per container on first use (`broker/signing-key.ts`). */
  readonly signingKey: () => Promise<Buffer>;
}

/** Dummy credentials for the local stand-ins, which check none; never used against AWS. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The settings the AWS clients are built from (the facade's and the sweeper's config both have them). */
export type ClientConfig = Pick<OAuthConfig, 'region' | 'dynamodbEndpoint' | 'cognitoEndpoint'>;

/**
 * Builds the AWS clients from config. `DYNAMODB_ENDPOINT` / `COGNITO_ENDPOINT` point them at
 * dynalite / cognito-local, with dummy credentials only then; on AWS the default chain applies.
 */
export function createAwsClients(config: ClientConfig): Pick<OAuthDeps, 'ddb' | 'idp'> {
  const dynamo = new DynamoDBClient({
    region: config.region,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  const idp = new CognitoIdentityProviderClient({
    region: config.region,
    ...(config.cognitoEndpoint ? { endpoint: config.cognitoEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  // Stored items may omit absent optional fields; never write `undefined`.
  const ddb = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return { ddb, idp };
}

/** The facade's dependencies: config, the AWS clients of `createAwsClients`, the real clock, the lazy signing key. */
export function createDeps(config: Readonly<OAuthConfig>): OAuthDeps {
  const clients = createAwsClients(config);
  // The SDK's default credential chain, already configured on the DynamoDB client, signs the secret read too.
  const credentials = async () => clients.ddb.config.credentials();
  return { config, ...clients, now: () => new Date(), signingKey: signingKeyLoader(config, { region: config.region, credentials }) };
}

/** Closes the clients' sockets (tests and the local stack call this on shutdown). */
export function destroyDeps(deps: Pick<OAuthDeps, 'ddb' | 'idp'>): void {
  deps.ddb.destroy();
  deps.idp.destroy();
}
