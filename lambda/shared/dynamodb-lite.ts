/**
 * A minimal DynamoDB client: the JSON API over node:https (keep-alive), signed with SigV4. Items use DynamoDB's
 * attribute-value JSON (`{ S: "..." }`), exactly as the API does. Only what the handlers call.
 * Errors surface as `DynamoDbError` with the service's error type (`ConditionalCheckFailedException`...).
 */
import { httpRequest } from './http-request';
import { signRequest, type AwsCredentials } from './sigv4';

export type AttributeValue = { S: string } | { N: string } | { BOOL: boolean } | { NULL: true } | { M: Item } | { L: AttributeValue[] } | { SS: string[] };
export type Item = Record<string, AttributeValue>;

/** Per attempt; the Lambda's own timeout bounds the whole request. */
export const DYNAMODB_TIMEOUT_MS = 2000;
/** Attempts for throttling, 5xx and network errors. */
export const DYNAMODB_MAX_ATTEMPTS = 3;

export class DynamoDbError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = type || 'DynamoDbError';
  }
}

export interface DynamoDbLiteOptions {
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** Default `dynamoDbEndpoint(region)`; dynalite's URL locally (`DYNAMODB_ENDPOINT`). */
  readonly endpoint?: string;
}

export interface DynamoDbLite {
  getItem(input: { TableName: string; Key: Item; ProjectionExpression?: string; ConsistentRead?: boolean }): Promise<{ Item?: Item }>;
  putItem(input: { TableName: string; Item: Item; ConditionExpression?: string }): Promise<void>;
  /**
   * A conditional update fails with `DynamoDbError` type `ConditionalCheckFailedException` (not
   * retried); callers for whom a failed condition is an expected outcome catch that type.
   * No `ReturnValues`: the response carries no item attributes.
   */
  updateItem(input: {
    TableName: string;
    Key: Item;
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Item;
  }, options?: CallOptions): Promise<void>;
  query(input: {
    TableName: string;
    KeyConditionExpression: string;
    ExpressionAttributeValues: Item;
    ScanIndexForward?: boolean;
    Limit?: number;
  }): Promise<{ Items?: Item[] }>;
}

/**
 * DNS suffixes of the partitions whose regions do not live under `amazonaws.com`, by region prefix
 * (most specific first). Commercial and GovCloud regions (`us-gov-*`) use `amazonaws.com`.
 */
const PARTITION_DNS_SUFFIXES: readonly (readonly [prefix: string, suffix: string])[] = [
  ['cn-', 'amazonaws.com.cn'], // aws-cn
  ['eusc-', 'amazonaws.eu'], // aws-eusc (European Sovereign Cloud)
  ['us-isob-', 'sc2s.sgov.gov'], // aws-iso-b
  ['us-isof-', 'csp.hci.ic.gov'], // aws-iso-f
  ['us-iso-', 'c2s.ic.gov'], // aws-iso
  ['eu-isoe-', 'cloud.adc-e.uk'], // aws-iso-e
];

/** The DNS suffix of a region's partition: `amazonaws.com.cn` for `cn-*`, `amazonaws.com` for commercial regions. */
export function dnsSuffix(region: string): string {
  return PARTITION_DNS_SUFFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'amazonaws.com';
}

/** DynamoDB's regional endpoint, e.g. `https://dynamodb.cn-north-1.amazonaws.com.cn`. */
export function dynamoDbEndpoint(region: string): string {
  return `https://dynamodb.${region}.${dnsSuffix(region)}`;
}

/** A conditional write whose condition did not hold: the item is unchanged. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return err instanceof DynamoDbError && err.type === 'ConditionalCheckFailedException';
}

const RETRYABLE = /Throttling|ProvisionedThroughputExceeded|RequestLimitExceeded|InternalServerError|ServiceUnavailable/;

export interface CallOptions {
  /** Attempts for throttling, 5xx and network errors. @default DYNAMODB_MAX_ATTEMPTS */
  readonly maxAttempts?: number;
}

export function createDynamoDbLite(options: DynamoDbLiteOptions): DynamoDbLite {
  const url = new URL(options.endpoint ?? dynamoDbEndpoint(options.region));

  async function call<T>(operation: string, input: unknown, callOptions: CallOptions = {}): Promise<T> {
    const body = JSON.stringify(input);
    const maxAttempts = callOptions.maxAttempts ?? DYNAMODB_MAX_ATTEMPTS;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        const headers = signRequest({
          url,
          region: options.region,
          service: 'dynamodb',
          credentials: options.credentials,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
          body,
        });
        const response = await httpRequest(url, { method: 'POST', headers, body, timeoutMs: DYNAMODB_TIMEOUT_MS });
        const text = response.body.toString('utf8');
        if (response.status >= 200 && response.status < 300) return (text ? JSON.parse(text) : {}) as T;
        const parsed = (text ? JSON.parse(text) : {}) as { __type?: string; message?: string; Message?: string };
        const type = (parsed.__type ?? '').split('#').pop() ?? '';
        const error = new DynamoDbError(type, parsed.message ?? parsed.Message ?? `DynamoDB answered ${response.status}`, response.status);
        if (response.status < 500 && !RETRYABLE.test(type)) throw error;
        lastError = error;
      } catch (err) {
        if (err instanceof DynamoDbError && err.statusCode < 500 && !RETRYABLE.test(err.type)) throw err;
        lastError = err;
      }
      if (attempt < maxAttempts) await new Promise((ok) => setTimeout(ok, 25 * 2 ** attempt));
    }
    throw lastError;
  }

  return {
    getItem: (input) => call('GetItem', input),
    putItem: async (input) => {
      await call('PutItem', input);
    },
    updateItem: async (input, callOptions) => {
      await call('UpdateItem', input, callOptions);
    },
    query: (input) => call('Query', input),
  };
}
