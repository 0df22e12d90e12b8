/** RFC 7591 §2 client metadata validation: every rule with accepted and rejected cases. */
import { validateClientMetadata, type MetadataPolicy } from '../../../lambda/oauth/client-metadata';

const R = 'https://mcp.example.test/mcp';
const policy: MetadataPolicy = {
  allowedScopes: [`${R}/read`, `${R}/write`, 'openid', 'email', 'profile'],
  defaultScopes: [`${R}/read`],
  resourceScopes: [`${R}/read`, `${R}/write`],
  maxRedirectUris: 3,
  machineClients: true,
  registrationMode: 'token',
};
const base = { redirect_uris: ['http://localhost:3333/callback'], token_endpoint_auth_method: 'none' };
const validate = (extra: Record<string, unknown>) => validateClientMetadata({ ...base, ...extra }, policy);

describe('defaults (RFC 7591 §2)', () => {
  test('a minimal public client gets the code grant with refresh, response type code and the default scope', () => {
    expect(validate({})).toEqual({
      redirect_uris: ['http://localhost:3333/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: `${R}/read ${R}/write`,
    });
  });
  test('a missing token_endpoint_auth_method means client_secret_basic', () => {
    expect(validateClientMetadata({ redirect_uris: ['https://a.example/cb'] }, policy).token_endpoint_auth_method).toBe('client_secret_basic');
  });
  test('unknown fields, jwks, jwks_uri and software_statement are ignored, not echoed', () => {
    const out = validate({ foo: 1, jwks_uri: 'https://a.example/jwks', jwks: { keys: [] }, software_statement: 'x.y.z', post_logout_redirect_uris: ['https://a'] });
    expect(Object.keys(out).sort()).toEqual(['grant_types', 'redirect_uris', 'response_types', 'scope', 'token_endpoint_auth_method']);
  });
  test('null optional fields count as absent', () => {
    expect(validate({ client_name: null, contacts: null, scope: null, grant_types: null }).scope).toBe(`${R}/read ${R}/write`);
  });
});

describe('token_endpoint_auth_method', () => {
  test.each(['none', 'client_secret_basic', 'client_secret_post'])('accepts %s', (method) => {
    expect(validate({ token_endpoint_auth_method: method }).token_endpoint_auth_method).toBe(method);
  });
  test.each(['private_key_jwt', 'client_secret_jwt', 'tls_client_auth', '', 42])('rejects %p', (method) => {
    expect(() => validate({ token_endpoint_auth_method: method })).toThrow(expect.objectContaining({ errorCode: 'invalid_client_metadata' }));
  });
});

describe('grant_types', () => {
  test.each([
    [['authorization_code'], ['authorization_code', 'refresh_token']],
    [['authorization_code', 'refresh_token'], ['authorization_code', 'refresh_token']],
    [['authorization_code', 'implicit'], ['authorization_code', 'refresh_token']],
    [['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code', 'password'], ['authorization_code', 'refresh_token']],
    [['refresh_token', 'authorization_code', 'authorization_code'], ['authorization_code', 'refresh_token']],
  ])('%j registers as %j', (requested, registered) => {
    expect(validate({ grant_types: requested }).grant_types).toEqual(registered);
  });
  test('client_credentials alone for a confidential client, dropping refresh_token', () => {
    const out = validateClientMetadata({ grant_types: ['client_credentials', 'refresh_token'], token_endpoint_auth_method: 'client_secret_basic' }, policy);
    expect(out).toMatchObject({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
  });
  test('code with client_credentials registers the code grant only (RFC 7591 §3.2.1: the server replaces metadata)', () => {
    for (const machineClients of [true, false]) {
      const out = validateClientMetadata({ ...base, grant_types: ['authorization_code', 'client_credentials', 'refresh_token'] }, { ...policy, machineClients });
      expect(out).toMatchObject({ grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] });
    }
  });
  describe('client_credentials needs MACHINE_CLIENTS=true and REGISTRATION_MODE=token (issue 12 item 1)', () => {
    const machine = { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' };
    test.each([
      [false, 'token', /not enabled on this server/],
      [false, 'open', /not enabled on this server/],
      [true, 'open', /only when registration needs an initial access token/],
      [true, 'closed', /only when registration needs an initial access token/],
    ] as const)('machineClients=%s, mode %s: refused', (machineClients, registrationMode, message) => {
      expect(() => validateClientMetadata(machine, { ...policy, machineClients, registrationMode })).toThrow(
        expect.objectContaining({ errorCode: 'invalid_client_metadata', statusCode: 400, description: expect.stringMatching(message) }),
      );
    });
    test('without machine clients, a list with nothing but client_credentials and unsupported grants names only the code grant', () => {
      expect(() => validateClientMetadata({ ...machine, grant_types: ['password'] }, { ...policy, machineClients: false })).toThrow(
        expect.objectContaining({ description: expect.not.stringContaining('client_credentials') }),
      );
    });
  });
  test.each([
    ['client_credentials for a public client', { grant_types: ['client_credentials'], redirect_uris: [] }, /confidential/],
    ['client_credentials with redirect URIs', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' }, /redirect_uris/],
    ['only unsupported grants', { grant_types: ['implicit', 'password'] }, /no usable grant/],
    ['refresh_token alone', { grant_types: ['refresh_token'] }, /no usable grant/],
    ['an empty list', { grant_types: [] }, /no usable grant/],
    ['not an array', { grant_types: 'authorization_code' }, /array of strings/],
    ['non-strings', { grant_types: [1] }, /array of strings/],
  ])('rejects %s', (_name, extra, message) => {
    expect(() => validate(extra)).toThrow(expect.objectContaining({ errorCode: 'invalid_client_metadata', description: expect.stringMatching(message) }));
  });
});

describe('response_types', () => {
  test.each([[['code']], [['code', 'token']], [undefined]])('%j registers as ["code"]', (requested) => {
    expect(validate({ response_types: requested }).response_types).toEqual(['code']);
  });
  test.each([[['token']], [['code id_token']], [[]], ['code']])('rejects %j', (requested) => {
    expect(() => validate({ response_types: requested })).toThrow(expect.objectContaining({ errorCode: 'invalid_client_metadata' }));
  });
  const machine = (extra: Record<string, unknown>) =>
    validateClientMetadata({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', ...extra }, policy);
  test.each([[undefined], [null], [[]], [['token']]])('client_credentials with %j registers as []', (requested) => {
    expect(machine({ response_types: requested }).response_types).toEqual([]);
  });
  test.each([[['code']], [['code', 'token']]])('client_credentials with %j is rejected as inconsistent (RFC 7591 §2.1)', (requested) => {
    expect(() => machine({ response_types: requested })).toThrow(
      expect.objectContaining({ errorCode: 'invalid_client_metadata', description: expect.stringMatching(/"code" needs the authorization_code grant/) }),
    );
  });
});

describe('redirect_uris', () => {
  test('deduplicated, order kept', () => {
    expect(validate({ redirect_uris: ['https://a.example/cb', 'https://b.example/cb', 'https://a.example/cb'] }).redirect_uris).toEqual([
      'https://a.example/cb',
      'https://b.example/cb',
    ]);
  });
  test.each([
    ['missing', undefined],
    ['empty', []],
    ['too many', ['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4']],
    ['not an array', 'https://a.example/cb'],
    ['a non-string', [42]],
    ['an invalid one among valid ones', ['https://a.example/cb', 'http://evil.example/cb']],
  ])('rejects %s with invalid_redirect_uri', (_name, uris) => {
    expect(() => validate({ redirect_uris: uris })).toThrow(expect.objectContaining({ errorCode: 'invalid_redirect_uri' }));
  });
});

describe('scope: what was asked for and is offered, plus every scope of the resource (step-up needs them)', () => {
  test.each([
    [`${R}/read ${R}/write`, `${R}/read ${R}/write`],
    [`openid email profile offline_access ${R}/write`, `openid email profile ${R}/write ${R}/read`],
    [`openid email profile`, `openid email profile ${R}/read ${R}/write`],
    [`claudeai offline_access`, `${R}/read ${R}/write`],
    ['', `${R}/read ${R}/write`],
    [`  ${R}/write   ${R}/write `, `${R}/write ${R}/read`],
    [undefined, `${R}/read ${R}/write`],
  ])('%p registers as %p', (requested, registered) => {
    expect(validate({ scope: requested }).scope).toBe(registered);
  });
  test.each([
    [`email ${R}/read`, `openid email ${R}/read ${R}/write`],
    ['profile', `openid profile ${R}/read ${R}/write`],
    [`${R}/write email profile`, `openid ${R}/write email profile ${R}/read`],
  ])('email or profile without openid: %p registers as %p (Cognito requires openid with them)', (requested, registered) => {
    expect(validate({ scope: requested }).scope).toBe(registered);
  });
  test.each([[['a', 'b']], [42], ['x'.repeat(5000)]])('rejects %p', (scope) => {
    expect(() => validate({ scope })).toThrow(expect.objectContaining({ errorCode: 'invalid_client_metadata' }));
  });
});

describe('scope of client_credentials clients: resource scopes only (Cognito refuses OIDC scopes there)', () => {
  const machine = (scope: unknown, p: MetadataPolicy = policy) =>
    validateClientMetadata({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', scope }, p).scope;
  test.each([
    [`${R}/write`, `${R}/write`],
    [`${R}/read ${R}/write`, `${R}/read ${R}/write`],
    [`openid email profile ${R}/write`, `${R}/write`],
    ['openid', `${R}/read`],
    ['email profile offline_access', `${R}/read`],
    [undefined, `${R}/read`],
  ])('%p registers as %p, never with the other resource scopes added', (requested, registered) => {
    expect(machine(requested)).toBe(registered);
  });
  test('OIDC default scopes are not a machine default: only the resource ones among them', () => {
    expect(machine('openid', { ...policy, defaultScopes: ['openid', `${R}/write`] })).toBe(`${R}/write`);
  });
  test('with no resource scope among the defaults, a machine client must name one', () => {
    expect(() => machine('openid', { ...policy, defaultScopes: ['openid'] })).toThrow(
      expect.objectContaining({ errorCode: 'invalid_client_metadata', description: expect.stringContaining(`${R}/read ${R}/write`) }),
    );
    expect(machine(`${R}/read`, { ...policy, defaultScopes: ['openid'] })).toBe(`${R}/read`);
  });
});

describe('descriptive fields', () => {
  test('kept as given', () => {
    const fields = {
      client_name: 'VS Code ✨ (Insiders)',
      client_uri: 'https://code.visualstudio.com',
      logo_uri: 'https://code.visualstudio.com/logo.png',
      tos_uri: 'https://example.com/tos',
      policy_uri: 'https://example.com/privacy',
      contacts: ['a@example.com', 'b.c+d@sub.example.org'],
      software_id: '4NRB1-0XZABZI9E6-5SM3R',
      software_version: '1.2.3',
    };
    expect(validate(fields)).toMatchObject(fields);
  });
  test.each([
    ['client_name not a string', { client_name: 42 }],
    ['client_name too long', { client_name: 'x'.repeat(201) }],
    ['client_name with control characters', { client_name: 'a\u0000b' }],
    ['client_uri over http', { client_uri: 'http://example.com' }],
    ['logo_uri not a URL', { logo_uri: 'logo.png' }],
    ['tos_uri javascript:', { tos_uri: 'javascript:alert(1)' }],
    ['policy_uri with userinfo', { policy_uri: 'https://u:p@example.com/' }],
    ['client_uri too long', { client_uri: `https://example.com/${'a'.repeat(2100)}` }],
    ['contacts not an array', { contacts: 'a@example.com' }],
    ['contacts not e-mails', { contacts: ['not an email'] }],
    ['too many contacts', { contacts: ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io', 'f@x.io'] }],
    ['software_id too long', { software_id: 'x'.repeat(257) }],
    ['software_version not a string', { software_version: 1.2 }],
  ])('rejects %s', (_name, extra) => {
    expect(() => validate(extra)).toThrow(expect.objectContaining({ errorCode: 'invalid_client_metadata' }));
  });
});

describe('application_type (MCP 2026-07-28 clients send it)', () => {
  test.each([
    ['native', ['http://127.0.0.1:5000/cb']],
    ['native', ['com.example.app:/cb']],
    ['native', ['https://app.example.com/cb']],
    ['web', ['https://app.example.com/cb']],
    ['web', ['http://localhost:8080/cb']],
  ])('%s with %j is echoed', (type, uris) => {
    expect(validate({ application_type: type, redirect_uris: uris }).application_type).toBe(type);
  });
  test.each([
    ['web with a private-use scheme', { application_type: 'web', redirect_uris: ['com.example.app:/cb'] }],
    ['an unknown type', { application_type: 'desktop' }],
  ])('rejects %s', (_name, extra) => {
    expect(() => validate(extra)).toThrow(expect.objectContaining({ errorCode: 'invalid_client_metadata' }));
  });
});
