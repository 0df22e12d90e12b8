/**
 * Abuse controls and hygiene through the handler: the per-IP rate limit shared by two handler
 * instances over one table, registration modes, and no secret or token stored or logged.
 */
import { sha256Hex } from '../../../lambda/shared/tokens';
import {
  bodyOf,
  buildHandler,
  event,
  headerOf,
  listClients,
  newEnvironment,
  publicClient,
  registrationItems,
  scanTable,
  startServices,
  stopServices,
  type Services,
} from './harness';

let services: Services;

beforeAll(async () => {
  services = await startServices();
});
afterAll(() => stopServices(services));

describe('per-source-IP rate limit (DynamoDB counter, across instances)', () => {
  test('two handler instances sharing one table enforce one limit per IP', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '3', REGISTRATION_RATE_WINDOW_SECONDS: '3600' });
    const a = buildHandler(services, environment).handler;
    const b = buildHandler(services, environment).handler;
    const post = (h: typeof a, ip: string) => h(event('POST', '/register', { body: publicClient(), sourceIp: ip }));
    const statuses = [];
    for (const h of [a, b, a]) statuses.push((await post(h, '198.51.100.1')).statusCode);
    expect(statuses).toEqual([201, 201, 201]);
    const limited = await post(b, '198.51.100.1');
    expect(limited.statusCode).toBe(429);
    expect(bodyOf(limited).error).toBe('temporarily_unavailable');
    const retryAfter = Number(headerOf(limited, 'retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await post(a, '198.51.100.1')).statusCode).toBe(429);
    // Another address has its own budget.
    expect((await post(a, '198.51.100.2')).statusCode).toBe(201);
    // Nothing was created for the limited requests.
    expect(await listClients(services, environment.poolId)).toHaveLength(4);
    const counter = (await scanTable(services, environment.table)).find((i) => String(i.pk).startsWith('rate#198.51.100.1#'));
    expect(counter).toMatchObject({ count: 3, expiresAt: expect.any(Number) });
  });

  test('concurrent requests from one IP never exceed the limit', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '2' });
    const handlers = [buildHandler(services, environment).handler, buildHandler(services, environment).handler];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => handlers[i % 2]!(event('POST', '/register', { body: publicClient(), sourceIp: '192.0.2.9' }))),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(2);
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(4);
  });

  test('the window rolls over: a new window gives a new budget', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '1', REGISTRATION_RATE_WINDOW_SECONDS: '60' });
    let now = new Date('2026-01-01T00:00:10Z');
    const { handler } = buildHandler(services, environment, (deps) => ({ ...deps, now: () => now }));
    const post = () => handler(event('POST', '/register', { body: publicClient(), sourceIp: '192.0.2.10' }));
    expect((await post()).statusCode).toBe(201);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(headerOf(limited, 'retry-after')).toBe('50');
    now = new Date('2026-01-01T00:01:00Z');
    expect((await post()).statusCode).toBe(201);
  });
});

describe('PUT /register/{id} spends the same per-IP budget (UpdateUserPoolClient shares Cognito\'s 5/s per pool)', () => {
  test('valid updates count, rejected ones do not; over the budget: 429, nothing changed, token kept', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '3', REGISTRATION_RATE_WINDOW_SECONDS: '3600' });
    const { handler } = buildHandler(services, environment);
    const ip = '198.51.100.20';
    const created = bodyOf(await handler(event('POST', '/register', { body: publicClient({ client_name: 'One' }), sourceIp: ip })));
    const id = created.client_id as string;
    let token = created.registration_access_token as string;
    const put = (body: Record<string, unknown>, sourceIp = ip) =>
      handler(event('PUT', `/register/${id}`, { headers: { authorization: `Bearer ${token}` }, body: { ...body, client_id: id }, sourceIp }));

    // Rejected by validation: costs nothing.
    for (let i = 0; i < 3; i++) expect((await put(publicClient({ redirect_uris: ['http://evil.example.com/cb'] }))).statusCode).toBe(400);
    const second = await put(publicClient({ client_name: 'Two' }));
    expect(second.statusCode).toBe(200); // 2 of 3
    token = bodyOf(second).registration_access_token as string;
    const third = await put(publicClient({ client_name: 'Three' }));
    expect(third.statusCode).toBe(200); // 3 of 3
    token = bodyOf(third).registration_access_token as string;

    const limited = await put(publicClient({ client_name: 'Four' }));
    expect(limited.statusCode).toBe(429);
    expect(bodyOf(limited).error).toBe('temporarily_unavailable');
    expect(Number(headerOf(limited, 'retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await listClients(services, environment.poolId)).map((c) => c.ClientName)).toEqual(['dcr Three']);
    // Registration shares the budget; another address has its own.
    expect((await handler(event('POST', '/register', { body: publicClient(), sourceIp: ip }))).statusCode).toBe(429);
    const elsewhere = await put(publicClient({ client_name: 'Five' }), '198.51.100.21');
    expect(elsewhere.statusCode).toBe(200); // the 429 rotated nothing: the token still worked
    const counter = (await scanTable(services, environment.table)).find((i) => String(i.pk).startsWith(`rate#${ip}#`));
    expect(counter).toMatchObject({ count: 3 });
  });
});

describe('GET /register/{id} spends the same per-IP budget (it rotates the registration access token: a write)', () => {
  test('valid reads count, refused ones do not; over the budget: 429 and the token is not rotated', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_RATE_LIMIT: '3', REGISTRATION_RATE_WINDOW_SECONDS: '3600' });
    const { handler } = buildHandler(services, environment);
    const ip = '198.51.100.30';
    const created = bodyOf(await handler(event('POST', '/register', { body: publicClient(), sourceIp: ip })));
    const id = created.client_id as string;
    let token = created.registration_access_token as string;
    const get = (bearer = token, sourceIp = ip) => handler(event('GET', `/register/${id}`, { headers: { authorization: `Bearer ${bearer}` }, sourceIp }));
    const storedHash = async () => (await registrationItems(services, environment.table))[0].registrationTokenHash;

    // A wrong token: 401, costs nothing.
    for (let i = 0; i < 3; i++) expect((await get('not-the-token')).statusCode).toBe(401);
    for (const n of [2, 3]) {
      const read = await get();
      expect({ n, status: read.statusCode }).toEqual({ n, status: 200 });
      token = bodyOf(read).registration_access_token as string;
    }
    const hashBefore = await storedHash();
    const limited = await get();
    expect(limited.statusCode).toBe(429);
    expect(bodyOf(limited)).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/reads of registrations/) });
    expect(Number(headerOf(limited, 'retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await storedHash()).toBe(hashBefore);
    // Registration shares the budget; from another address the same token still works.
    expect((await handler(event('POST', '/register', { body: publicClient(), sourceIp: ip }))).statusCode).toBe(429);
    expect((await get(token, '198.51.100.31')).statusCode).toBe(200);
    const counter = (await scanTable(services, environment.table)).find((i) => String(i.pk).startsWith(`rate#${ip}#`));
    expect(counter).toMatchObject({ count: 3 });
  });
});

describe('registration modes', () => {
  test('closed: 403 access_denied, nothing created', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_MODE: 'closed' });
    const { handler } = buildHandler(services, environment);
    const result = await handler(event('POST', '/register', { body: publicClient() }));
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result).error).toBe('access_denied');
    expect(await listClients(services, environment.poolId)).toHaveLength(0);
  });

  test('token: 401 without or with a wrong initial access token, 201 with the right one', async () => {
    const environment = await newEnvironment(services, { REGISTRATION_MODE: 'token', INITIAL_ACCESS_TOKEN_SHA256: sha256Hex('iat-secret-value') });
    const { handler } = buildHandler(services, environment);
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${sha256Hex('iat-secret-value')}` }]) {
      const result = await handler(event('POST', '/register', { body: publicClient(), headers }));
      expect(result.statusCode).toBe(401);
      expect(headerOf(result, 'www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
    expect(await listClients(services, environment.poolId)).toHaveLength(0);
    const ok = await handler(event('POST', '/register', { body: publicClient(), headers: { authorization: 'Bearer iat-secret-value' } }));
    expect(ok.statusCode).toBe(201);
  });
});

describe('no secret or registration token is stored or logged', () => {
  test('scan the table and capture stdout/stderr across register, read, update, delete', async () => {
    const environment = await newEnvironment(services);
    const { handler } = buildHandler(services, environment);
    const output: string[] = [];
    const capture = (chunk: unknown) => (output.push(String(chunk)), true);
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const confidential = bodyOf(await handler(event('POST', '/register', { body: { redirect_uris: ['https://app.example.com/cb'] } })));
      const pub = bodyOf(await handler(event('POST', '/register', { body: publicClient() })));
      const secret = confidential.client_secret as string;
      const tokens = [confidential.registration_access_token as string, pub.registration_access_token as string];
      expect(secret).toBeTruthy();
      const auth = (token: string) => ({ authorization: `Bearer ${token}` });
      const id = confidential.client_id as string;
      // RFC 7592 §3: reads and updates answer with a new token; each is followed by the next call.
      const read = bodyOf(await handler(event('GET', `/register/${id}`, { headers: auth(tokens[0]!) })));
      tokens.push(read.registration_access_token as string);
      const body = { client_id: id, client_secret: secret, redirect_uris: ['https://app.example.com/cb'] };
      const updated = bodyOf(await handler(event('PUT', `/register/${id}`, { headers: auth(tokens[2]!), body })));
      tokens.push(updated.registration_access_token as string);
      expect(tokens.every(Boolean)).toBe(true);
      const stored = JSON.stringify(await scanTable(services, environment.table));
      for (const value of [secret, ...tokens]) expect(stored).not.toContain(value);
      expect(stored).toContain(sha256Hex(tokens[3]!));
      expect(stored).not.toContain(sha256Hex(tokens[0]!));
      const items = await registrationItems(services, environment.table);
      for (const item of items) expect(Object.keys(item).sort()).toEqual(
        ['clientId', 'confidential', 'createdAt', 'createdBy', 'metadata', 'pk', 'registrationTokenHash', 'updatedAt'],
      );
      expect((await handler(event('DELETE', `/register/${id}`, { headers: auth(tokens[3]!) }))).statusCode).toBe(204);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const logged = output.join('');
    expect(logged).toContain('client registered');
    expect(logged).toContain('client deleted');
    expect(logged).not.toMatch(/registration_access_token|client_secret"/);
    expect(logged).not.toMatch(/Bearer /);
    for (const line of output) {
      const entry = JSON.parse(line);
      expect(JSON.stringify(entry)).not.toMatch(/[A-Za-z0-9_-]{43}/); // no 32-byte token shape anywhere
    }
  });
});
