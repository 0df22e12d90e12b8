/**
 * Where the DynamoDB client sends its requests (the region's partition decides the DNS suffix),
 * and what UpdateItem sends: target, signature, body, error type.
 */
import { createHash } from 'node:crypto';
import { createDynamoDbLite, dnsSuffix, DynamoDbError, dynamoDbEndpoint, isConditionalCheckFailed } from '../../../lambda/shared/dynamodb-lite';
import { httpRequest } from '../../../lambda/shared/http-request';
import { signRequest } from '../../../lambda/shared/sigv4';

jest.mock('../../../lambda/shared/http-request', () => ({
  httpRequest: jest.fn(async () => ({ status: 200, body: Buffer.from('{}') })),
}));
const sent = httpRequest as jest.MockedFunction<typeof httpRequest>;

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

beforeEach(() => sent.mockClear());

test.each([
  ['us-east-1', 'amazonaws.com'],
  ['eu-west-1', 'amazonaws.com'],
  ['us-gov-west-1', 'amazonaws.com'],
  ['cn-north-1', 'amazonaws.com.cn'],
  ['cn-northwest-1', 'amazonaws.com.cn'],
  ['eusc-de-east-1', 'amazonaws.eu'],
  ['us-iso-east-1', 'c2s.ic.gov'],
  ['us-isob-east-1', 'sc2s.sgov.gov'],
])('%s → %s', (region, suffix) => {
  expect(dnsSuffix(region)).toBe(suffix);
  expect(dynamoDbEndpoint(region)).toBe(`https://dynamodb.${region}.${suffix}`);
});

test.each([
  ['eu-west-1', 'dynamodb.eu-west-1.amazonaws.com'],
  ['cn-north-1', 'dynamodb.cn-north-1.amazonaws.com.cn'],
])('a client for %s calls and signs for %s', async (region, host) => {
  const ddb = createDynamoDbLite({ region, credentials });
  await ddb.getItem({ TableName: 't', Key: { pk: { S: 'client#a' } } });
  expect(sent).toHaveBeenCalledTimes(1);
  const [url, init] = sent.mock.calls[0];
  expect(url.href).toBe(`https://${host}/`);
  const headers = (init as { headers: Record<string, string> }).headers;
  expect(headers.host).toBe(host);
  expect(headers.authorization).toContain(`/${region}/dynamodb/aws4_request`);
});

test('DYNAMODB_ENDPOINT (the endpoint option) overrides the derived endpoint', async () => {
  const ddb = createDynamoDbLite({ region: 'cn-north-1', credentials, endpoint: 'http://127.0.0.1:4567' });
  await ddb.query({ TableName: 't', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'x' } } });
  expect(sent.mock.calls[0][0].href).toBe('http://127.0.0.1:4567/');
});

describe('updateItem', () => {
  const input = {
    TableName: 'registrations',
    Key: { pk: { S: 'client#abc' } },
    UpdateExpression: 'SET lastUsedAt = :now',
    ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
    ExpressionAttributeValues: { ':now': { N: '1780000000' }, ':stale': { N: '1779913600' } },
  };

  test('sends a signed UpdateItem with the input as the JSON body', async () => {
    const ddb = createDynamoDbLite({ region: 'eu-west-1', credentials: { ...credentials, sessionToken: 'session' } });
    await expect(ddb.updateItem(input)).resolves.toBeUndefined();
    expect(sent).toHaveBeenCalledTimes(1);
    const [url, init] = sent.mock.calls[0];
    expect(url.href).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
    const { method, headers, body } = init as { method: string; headers: Record<string, string>; body: string };
    expect(method).toBe('POST');
    expect(headers['x-amz-target']).toBe('DynamoDB_20120810.UpdateItem');
    expect(headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(headers['x-amz-security-token']).toBe('session');
    expect(headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(body)).toEqual(input);
  });

  test('the signature is what signRequest gives for the same request', async () => {
    const ddb = createDynamoDbLite({ region: 'us-east-1', credentials });
    const before = Date.now();
    await ddb.updateItem(input);
    const [url, init] = sent.mock.calls[0];
    const { headers, body } = init as { headers: Record<string, string>; body: string };
    const date = headers['x-amz-date'];
    const at = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    expect(Math.abs(at.getTime() - before)).toBeLessThan(5000);
    const expected = signRequest({
      url,
      region: 'us-east-1',
      service: 'dynamodb',
      credentials,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.UpdateItem' },
      body,
      now: at,
    });
    expect(headers.authorization).toBe(expected.authorization);
  });

  test('a failed condition is a DynamoDbError of type ConditionalCheckFailedException, not retried', async () => {
    sent.mockResolvedValueOnce({
      status: 400,
      headers: {},
      body: Buffer.from(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' })),
    });
    const ddb = createDynamoDbLite({ region: 'us-east-1', credentials });
    const failure = await ddb.updateItem(input).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(DynamoDbError);
    expect((failure as DynamoDbError).type).toBe('ConditionalCheckFailedException');
    expect(isConditionalCheckFailed(failure)).toBe(true);
    expect(isConditionalCheckFailed(new DynamoDbError('ValidationException', 'x', 400))).toBe(false);
    expect(isConditionalCheckFailed(new Error('ConditionalCheckFailedException'))).toBe(false);
    expect(sent).toHaveBeenCalledTimes(1);
  });

  test('throttling is retried like the other calls', async () => {
    sent.mockResolvedValueOnce({ status: 400, headers: {}, body: Buffer.from(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' })) });
    const ddb = createDynamoDbLite({ region: 'us-east-1', credentials });
    await ddb.updateItem(input);
    expect(sent).toHaveBeenCalledTimes(2);
  });

  test('maxAttempts: 1 makes a single attempt (best-effort writes on the request path)', async () => {
    sent.mockResolvedValueOnce({ status: 400, headers: {}, body: Buffer.from(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' })) });
    const ddb = createDynamoDbLite({ region: 'us-east-1', credentials });
    await expect(ddb.updateItem(input, { maxAttempts: 1 })).rejects.toMatchObject({ type: 'ThrottlingException' });
    expect(sent).toHaveBeenCalledTimes(1);
  });
});
