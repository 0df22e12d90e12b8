/**
 * The broker's HMAC key (consent cookies, CSRF tokens), read once per container and only when a
 * request first needs it: from `BROKER_SIGNING_KEY` (hex; the local stack) or from the Secrets
 * Manager secret the stack generates (`BROKER_SIGNING_KEY_SECRET_ARN`). The GetSecretValue call is
 * signed with `lambda/shared/sigv4.ts` rather than adding the Secrets Manager SDK to the bundle; the
 * credentials come from the AWS SDK's default chain the facade already has (its DynamoDB client).
 */
import { TemporarilyUnavailableError } from '../../shared/errors';
import { httpRequest } from '../../shared/http-request';
import { errorFields, log } from '../../shared/logger';
import { signRequest, type AwsCredentials } from '../../shared/sigv4';
import { MIN_SIGNING_KEY_BYTES, type OAuthConfig } from '../config';

/** The whole GetSecretValue exchange. */
export const SECRET_TIMEOUT_MS = 3000;

export type CredentialsProvider = () => Promise<AwsCredentials>;

export interface SecretSource {
  readonly region: string;
  readonly credentials: CredentialsProvider;
  /** @default `https://secretsmanager.<region>.amazonaws.com` */
  readonly endpoint?: string;
}

/** Secrets Manager `GetSecretValue` (JSON 1.1 protocol): the secret's `SecretString`. */
export async function getSecretString(source: SecretSource, secretId: string): Promise<string> {
  const url = new URL(source.endpoint ?? `https://secretsmanager.${source.region}.amazonaws.com/`);
  const body = JSON.stringify({ SecretId: secretId });
  const headers = signRequest({
    url,
    region: source.region,
    service: 'secretsmanager',
    credentials: await source.credentials(),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
    body,
  });
  const res = await httpRequest(url, { method: 'POST', headers, body, timeoutMs: SECRET_TIMEOUT_MS });
  const parsed = JSON.parse(res.body.toString('utf8') || '{}') as { SecretString?: unknown; __type?: string };
  // The error type names the failure (AccessDeniedException...); the body never carries the secret then.
  if (res.status !== 200) throw new Error(`GetSecretValue failed: ${res.status} ${String(parsed.__type ?? '')}`);
  if (typeof parsed.SecretString !== 'string') throw new Error('GetSecretValue returned no SecretString');
  return parsed.SecretString;
}

/** The key bytes: the hex key, or the secret string's UTF-8 bytes (at least 32). */
async function readKey(config: Pick<OAuthConfig, 'brokerSigningKey'>, source: SecretSource): Promise<Buffer> {
  if ('hex' in config.brokerSigningKey) return Buffer.from(config.brokerSigningKey.hex, 'hex');
  const key = Buffer.from(await getSecretString(source, config.brokerSigningKey.secretArn), 'utf8');
  if (key.length < MIN_SIGNING_KEY_BYTES) throw new Error(`The broker signing key secret is shorter than ${MIN_SIGNING_KEY_BYTES} bytes`);
  return key;
}

/** Retry-After when the key could not be read. */
export const KEY_RETRY_AFTER_SECONDS = 2;

/**
 * A loader that reads the key on first call and then returns the same promise (one read per
 * container); a failed read is forgotten, so the next request tries again instead of failing
 * forever, and answers 503 `temporarily_unavailable` meanwhile (the cause goes to the log only).
 */
export function signingKeyLoader(config: Pick<OAuthConfig, 'brokerSigningKey'>, source: SecretSource): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () => {
    pending ??= readKey(config, source).catch((err: unknown) => {
      pending = undefined;
      log.error('broker signing key unavailable', errorFields(err));
      throw new TemporarilyUnavailableError('The sign-in service is starting or unavailable; retry after the indicated delay.', KEY_RETRY_AFTER_SECONDS);
    });
    return pending;
  };
}
