/**
 * Support for the broker's handler tests: a stand-in for Cognito's token and revocation endpoints
 * that records what the broker sends upstream (the wire contract under test), and a browser with a
 * cookie jar that drives /authorize → /consent → /callback through the handler.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpResult } from '../../../lambda/shared/http';
import { httpEvent } from '../../support/http-event';
import { buildHandler, newEnvironment, READ, RESOURCE_URL, startServices, stopServices, type Environment, type Handler, type Services } from './harness';

export interface UpstreamRequest {
  readonly path: string;
  readonly authorization?: string;
  readonly form: Record<string, string>;
}

export interface FakeCognito {
  readonly url: string;
  readonly requests: UpstreamRequest[];
  /** What the next requests get; default 200 with a token set. */
  answer: (request: UpstreamRequest) => { status: number; body: string } | 'drop';
  close(): Promise<void>;
}

export const TOKENS = { access_token: 'upstream-access', refresh_token: 'upstream-refresh', id_token: 'upstream-id', token_type: 'Bearer', expires_in: 3600 };

async function read(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

export async function startFakeCognito(): Promise<FakeCognito> {
  const fake: FakeCognito = {
    url: '',
    requests: [],
    answer: (request) => ({ status: 200, body: request.path === '/oauth2/token' ? JSON.stringify(TOKENS) : '' }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      const request = { path: req.url ?? '', authorization: req.headers.authorization, form: Object.fromEntries(new URLSearchParams(body)) };
      fake.requests.push(request);
      const answer = fake.answer(request);
      if (answer === 'drop') req.socket.destroy();
      else res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function location(result: HttpResult): URL {
  const value = (result.headers as Record<string, string>)?.location;
  if (!value) throw new Error(`no redirect: ${result.statusCode} ${String(result.body).slice(0, 300)}`);
  return new URL(value);
}

/** A browser: its own cookie jar, requests through the handler as API Gateway events. */
export class Browser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly handler: Handler) {}

  get cookies(): string[] {
    return [...this.jar].map(([name, value]) => `${name}=${value}`);
  }

  /** Copies another browser's cookies (an attacker who stole or replayed them). */
  adopt(other: Browser): void {
    for (const cookie of other.cookies) this.jar.set(cookie.split('=')[0], cookie.slice(cookie.indexOf('=') + 1));
  }

  private keep(result: HttpResult): HttpResult {
    for (const cookie of result.cookies ?? []) {
      const [pair] = cookie.split(';');
      this.jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return result;
  }

  /** A GET; `options` adds request headers (e.g. `sec-fetch-site`) and the source IP. */
  async get(pathWithQuery: string, options: { headers?: Record<string, string>; sourceIp?: string } = {}): Promise<HttpResult> {
    const url = new URL(pathWithQuery, 'https://as.example.test');
    const event = { ...httpEvent('GET', url.pathname, { domainName: 'as.example.test', ...options }), rawQueryString: url.search.slice(1), cookies: this.cookies };
    return this.keep(await this.handler(event));
  }

  async post(path: string, form: Record<string, string>): Promise<HttpResult> {
    const event = {
      ...httpEvent('POST', path, { domainName: 'as.example.test', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }),
      cookies: this.cookies,
    };
    return this.keep(await this.handler(event));
  }
}

export function authorizePath(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  return `/authorize?${query.toString()}`;
}

/** A valid authorization request path for `clientId` (loopback redirect, PKCE S256, state, resource, read scope); `params` override. */
export function authorizeRequest(clientId: string, params: Record<string, string | undefined> = {}): string {
  return authorizePath({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 'client-state',
    resource: RESOURCE_URL,
    scope: READ,
    ...params,
  });
}

/** Consent page for `path` → Allow → the Cognito URL the browser is sent to. */
export async function allowIn(browser: Browser, path: string): Promise<URL> {
  const page = await browser.get(path);
  expect(page.statusCode).toBe(200);
  const allowed = await browser.post('/consent', { ...consentFields(page), decision: 'allow' });
  expect(allowed.statusCode).toBe(302);
  return location(allowed);
}

/** The hidden fields of a consent page. */
export function consentFields(result: HttpResult): { request: string; csrf: string } {
  const body = String(result.body);
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(body)?.[1];
  const request = field('request');
  const csrf = field('csrf');
  if (!request || !csrf) throw new Error(`not a consent page: ${result.statusCode} ${body.slice(0, 300)}`);
  return { request, csrf };
}

export const ISSUER = 'https://as.example.test';
export const REDIRECT = 'http://127.0.0.1:43210/callback';

/** One suite's world: dynalite, cognito-local, the recording Cognito stand-in, a fresh table and pool, the handler. */
export interface BrokerWorld {
  services: Services;
  cognito: FakeCognito;
  environment: Environment;
  handler: Handler;
}

/** Registers beforeAll/afterAll that build and tear down the world; its fields are set once beforeAll ran. */
export function brokerWorld(): BrokerWorld {
  const world = {} as BrokerWorld;
  beforeAll(async () => {
    world.services = await startServices();
    world.cognito = await startFakeCognito();
    world.environment = await newEnvironment(world.services, { COGNITO_DOMAIN_URL: world.cognito.url, LOG_LEVEL: 'error' });
    world.handler = buildHandler(world.services, world.environment).handler;
  });
  afterAll(async () => {
    await world.cognito?.close();
    await stopServices(world.services);
  });
  return world;
}
