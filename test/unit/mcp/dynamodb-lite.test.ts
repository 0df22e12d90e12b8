/** Where the DynamoDB client sends its requests: the region's partition decides the DNS suffix. */
import { createDynamoDbLite, dnsSuffix, dynamoDbEndpoint } from '../../../lambda/shared/dynamodb-lite';
import { httpRequest } from '../../../lambda/shared/http-request';

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
