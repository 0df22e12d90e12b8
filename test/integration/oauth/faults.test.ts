/**
 * One registration is one unit: failures injected at each step (by wrapping the SDK clients'
 * `send`) leave no orphan on either side, and throttling becomes 429/503 with Retry-After.
 */
import {
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  InvalidOAuthFlowException,
  LimitExceededException,
  ScopeDoesNotExistException,
  TooManyRequestsException,
  UpdateUserPoolClientCommand,
  InternalErrorException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OAuthDeps } from '../../../lambda/oauth/deps';
import {
  bodyOf,
  buildHandler,
  describeClient,
  event,
  faulty,
  headerOf,
  listClients,
  newEnvironment,
  publicClient,
  registrationItems,
  startServices,
  stopServices,
  type Environment,
  type Services,
} from './harness';

type Fault = (command: unknown) => Error | undefined;


const meta = { $metadata: {} };
const cognitoThrottled = () => new TooManyRequestsException({ message: 'Rate exceeded', ...meta });
const cognitoQuota = () => new LimitExceededException({ message: 'app clients limit exceeded', ...meta });
const dynamoThrottled = () => new ProvisionedThroughputExceededException({ message: 'throughput', ...meta });

let services: Services;
let environment: Environment;
let logs: string[];

beforeAll(async () => {
  services = await startServices();
  environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '1000' });
});
afterAll(() => stopServices(services));
beforeEach(() => {
  logs = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (logs.push(String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (logs.push(String(chunk)), true));
});
afterEach(() => jest.restoreAllMocks());

function withFaults(cognito: Fault = () => undefined, dynamo: Fault = () => undefined) {
  return buildHandler(services, environment, (deps: OAuthDeps) => ({
    ...deps,
    idp: faulty(deps.idp, cognito),
    ddb: faulty(deps.ddb, dynamo),
  })).handler;
}

async function snapshot() {
  return {
    clients: (await listClients(services, environment.poolId)).map((c) => c.ClientId).sort(),
    items: (await registrationItems(services, environment.table)).map((i) => i.pk).sort(),
  };
}

describe('POST /register compensation', () => {
  test.each([
    ['CreateUserPoolClient fails (internal error)', () => new InternalErrorException({ message: 'boom', ...meta }), undefined, 503],
    ['CreateUserPoolClient throttled', cognitoThrottled, undefined, 429],
    ['the record write fails', undefined, () => new Error('disk on fire'), 500],
    ['the record write is throttled', undefined, dynamoThrottled, 503],
  ])('%s: no app client, no record', async (_name, cognitoError, dynamoError, status) => {
    const before = await snapshot();
    const handler = withFaults(
      (c) => (cognitoError && c instanceof CreateUserPoolClientCommand ? cognitoError() : undefined),
      (c) => (dynamoError && c instanceof PutCommand ? dynamoError() : undefined),
    );
    const result = await handler(event('POST', '/register', { body: publicClient() }));
    expect(result.statusCode).toBe(status);
    expect(await snapshot()).toEqual(before);
    if (status !== 500) expect(Number(headerOf(result, 'retry-after'))).toBeGreaterThanOrEqual(1);
    else expect(bodyOf(result)).toEqual({ error: 'server_error', error_description: expect.any(String) });
  });

  test('when the undo fails too, the orphan is logged with its id for the operator', async () => {
    const handler = withFaults(
      (c) => (c instanceof DeleteUserPoolClientCommand ? new InternalErrorException({ message: 'down', ...meta }) : undefined),
      (c) => (c instanceof PutCommand ? new Error('write failed') : undefined),
    );
    const result = await handler(event('POST', '/register', { body: publicClient() }));
    expect(result.statusCode).toBe(500);
    const orphan = logs.map((l) => JSON.parse(l)).find((l) => l.message.startsWith('orphaned Cognito app client'));
    expect(orphan).toMatchObject({ level: 'ERROR', clientId: expect.any(String), userPoolId: environment.poolId });
    // It really is there; remove it so later tests see a consistent pool.
    expect(await describeClient(services, environment.poolId, orphan.clientId)).toBeDefined();
    await services.idp.send(new DeleteUserPoolClientCommand({ UserPoolId: environment.poolId, ClientId: orphan.clientId }));
  });
});

describe('throttling and quota', () => {
  test('Cognito TooManyRequestsException → 429 temporarily_unavailable with Retry-After', async () => {
    const handler = withFaults((c) => (c instanceof CreateUserPoolClientCommand ? cognitoThrottled() : undefined));
    const result = await handler(event('POST', '/register', { body: publicClient() }));
    expect(result.statusCode).toBe(429);
    expect(bodyOf(result).error).toBe('temporarily_unavailable');
    expect(headerOf(result, 'retry-after')).toBe('2');
  });

  test('Cognito LimitExceededException (app client quota) → 503 with a clear description and an error log', async () => {
    const before = await snapshot();
    const handler = withFaults((c) => (c instanceof CreateUserPoolClientCommand ? cognitoQuota() : undefined));
    const result = await handler(event('POST', '/register', { body: publicClient() }));
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/quota/) });
    expect(Number(headerOf(result, 'retry-after'))).toBeGreaterThan(60);
    expect(logs.some((l) => /"level":"ERROR".*app client quota/.test(l))).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  test('an attempt Cognito throttled still spends the per-IP budget (no refund: a flood must not keep its budget)', async () => {
    const limited = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '1' });
    const throttled = buildHandler(services, limited, (deps: OAuthDeps) => ({
      ...deps,
      idp: faulty(deps.idp, (c) => (c instanceof CreateUserPoolClientCommand ? cognitoThrottled() : undefined)),
    })).handler;
    expect((await throttled(event('POST', '/register', { body: publicClient(), sourceIp: '192.0.2.77' }))).statusCode).toBe(429);
    const { handler } = buildHandler(services, limited);
    const retry = await handler(event('POST', '/register', { body: publicClient(), sourceIp: '192.0.2.77' }));
    expect(retry.statusCode).toBe(429);
    expect(bodyOf(retry).error_description).toMatch(/Too many registrations, updates or reads of registrations/);
  });

  test('DynamoDB throttling on the rate-limit counter → 503 before anything is created', async () => {
    const before = await snapshot();
    const handler = withFaults(undefined, (c) => (c instanceof UpdateCommand ? dynamoThrottled() : undefined));
    const result = await handler(event('POST', '/register', { body: publicClient() }));
    expect(result.statusCode).toBe(503);
    expect(headerOf(result, 'retry-after')).toBe('2');
    expect(await snapshot()).toEqual(before);
  });
});

describe('Cognito refusing the metadata is the client\'s 400, never a 500', () => {
  const refusals = [
    ['InvalidOAuthFlowException', () => new InvalidOAuthFlowException({ message: 'client_credentials flow can not be selected with openid scope', ...meta })],
    ['ScopeDoesNotExistException', () => new ScopeDoesNotExistException({ message: 'Invalid scope requested: x', ...meta })],
  ] as const;

  test.each(refusals)('CreateUserPoolClient %s → 400 invalid_client_metadata, nothing created', async (_name, refusal) => {
    const before = await snapshot();
    const handler = withFaults((c) => (c instanceof CreateUserPoolClientCommand ? refusal() : undefined));
    const result = await handler(event('POST', '/register', { body: publicClient() }));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringContaining('identity provider rejected') });
    expect(await snapshot()).toEqual(before);
  });

  test.each(refusals)('UpdateUserPoolClient %s → 400 invalid_client_metadata, the registration and its token unchanged', async (_name, refusal) => {
    const created = bodyOf(await withFaults()(event('POST', '/register', { body: publicClient({ client_name: 'Kept' }) })));
    const id = created.client_id as string;
    const auth = { authorization: `Bearer ${created.registration_access_token}` };
    const handler = withFaults((c) => (c instanceof UpdateUserPoolClientCommand ? refusal() : undefined));
    const result = await handler(event('PUT', `/register/${id}`, { headers: auth, body: publicClient({ client_id: id, client_name: 'Changed' }) }));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toBe('invalid_client_metadata');
    expect((await describeClient(services, environment.poolId, id))?.ClientName).toBe('dcr Kept');
    expect((await withFaults()(event('GET', `/register/${id}`, { headers: auth }))).statusCode).toBe(200);
  });
});

describe('RFC 7592 compensation', () => {
  async function registered() {
    const body = bodyOf(await withFaults()(event('POST', '/register', { body: publicClient({ client_name: 'Before' }) })));
    return { id: body.client_id as string, auth: { authorization: `Bearer ${body.registration_access_token}` } };
  }

  test('PUT: a failed record write restores the Cognito client', async () => {
    const { id, auth } = await registered();
    const before = await describeClient(services, environment.poolId, id);
    const handler = withFaults(undefined, (c) => (c instanceof PutCommand ? dynamoThrottled() : undefined));
    const result = await handler(event('PUT', `/register/${id}`, { headers: auth, body: publicClient({ client_id: id, client_name: 'After', redirect_uris: ['http://127.0.0.1:1/x'] }) }));
    expect(result.statusCode).toBe(503);
    const after = await describeClient(services, environment.poolId, id);
    expect(after).toMatchObject({ ClientName: before?.ClientName, CallbackURLs: before?.CallbackURLs });
    const item = (await registrationItems(services, environment.table)).find((i) => i.clientId === id)!;
    expect(item.metadata).toMatchObject({ client_name: 'Before' });
  });

  test('PUT: a concurrent token rotation makes the record write fail; Cognito is put back to the record as stored now', async () => {
    const { id, auth } = await registered();
    let rotated: Record<string, unknown> = {};
    // Between this PUT's Cognito update and its record write, a GET with the same token rotates it.
    const handler = withFaults();
    const racing = buildHandler(services, environment, (deps: OAuthDeps) => ({
      ...deps,
      ddb: faulty(deps.ddb, async (c) => {
        if (c instanceof PutCommand && !rotated.client_id) rotated = bodyOf(await handler(event('GET', `/register/${id}`, { headers: auth })));
      }),
    })).handler;
    const result = await racing(event('PUT', `/register/${id}`, { headers: auth, body: publicClient({ client_id: id, client_name: 'Lost' }) }));
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result).error).toBe('invalid_request');
    expect(rotated.registration_access_token).toEqual(expect.any(String));
    expect((await describeClient(services, environment.poolId, id))?.ClientName).toBe('dcr Before');
    const item = (await registrationItems(services, environment.table)).find((i) => i.clientId === id)!;
    expect(item.metadata).toMatchObject({ client_name: 'Before' });
    const next = { authorization: `Bearer ${rotated.registration_access_token}` };
    expect((await withFaults()(event('GET', `/register/${id}`, { headers: next }))).statusCode).toBe(200);
  });

  test('PUT: a throttled Cognito update changes nothing and answers 429', async () => {
    const { id, auth } = await registered();
    const handler = withFaults((c) => (c instanceof UpdateUserPoolClientCommand ? cognitoThrottled() : undefined));
    const result = await handler(event('PUT', `/register/${id}`, { headers: auth, body: publicClient({ client_id: id, client_name: 'After' }) }));
    expect(result.statusCode).toBe(429);
    expect((await describeClient(services, environment.poolId, id))?.ClientName).toBe('dcr Before');
  });

  test('DELETE: a failed record delete answers 503; the retry finishes the job', async () => {
    const { id, auth } = await registered();
    const failing = withFaults(undefined, (c) => (c instanceof DeleteCommand ? dynamoThrottled() : undefined));
    expect((await failing(event('DELETE', `/register/${id}`, { headers: auth }))).statusCode).toBe(503);
    // The app client is already gone (no more tokens); the record remains so the client can retry.
    expect((await listClients(services, environment.poolId)).map((c) => c.ClientId)).not.toContain(id);
    const retry = await withFaults()(event('DELETE', `/register/${id}`, { headers: auth }));
    expect(retry.statusCode).toBe(204);
    expect((await registrationItems(services, environment.table)).map((i) => i.clientId)).not.toContain(id);
  });

  test('DELETE: a throttled Cognito delete keeps both sides and answers 429', async () => {
    const { id, auth } = await registered();
    const handler = withFaults((c) => (c instanceof DeleteUserPoolClientCommand ? cognitoThrottled() : undefined));
    expect((await handler(event('DELETE', `/register/${id}`, { headers: auth }))).statusCode).toBe(429);
    expect(await describeClient(services, environment.poolId, id)).toBeDefined();
    expect((await registrationItems(services, environment.table)).map((i) => i.clientId)).toContain(id);
  });
});

describe('what the bridge sends to Cognito (cognito-local drops RefreshTokenRotation, so record the calls)', () => {
  test('create and update carry every setting, rotation on for public clients, never ALLOW_REFRESH_TOKEN_AUTH with it', async () => {
    const sent: unknown[] = [];
    const handler = withFaults((c) => (sent.push(c), undefined));
    const created = bodyOf(await handler(event('POST', '/register', { body: publicClient() })));
    const id = created.client_id as string;
    await handler(
      event('PUT', `/register/${id}`, {
        headers: { authorization: `Bearer ${created.registration_access_token}` },
        body: publicClient({ client_id: id, client_name: 'Updated' }),
      }),
    );
    const create = sent.find((c) => c instanceof CreateUserPoolClientCommand) as CreateUserPoolClientCommand;
    const update = sent.find((c) => c instanceof UpdateUserPoolClientCommand) as UpdateUserPoolClientCommand;
    for (const input of [create.input, update.input]) {
      expect(input).toMatchObject({
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ['COGNITO'],
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
        RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 }, // the default: matches the CDK context's 0
        CallbackURLs: ['https://as.example.test/callback'], // the broker's, not the client's
      });
      expect(input.ExplicitAuthFlows).not.toContain('ALLOW_REFRESH_TOKEN_AUTH');
    }
    expect(create.input.GenerateSecret).toBe(false);
    expect(update.input).toMatchObject({ ClientId: id, ClientName: 'dcr Updated' });
  });
});
