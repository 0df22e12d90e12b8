/**
 * Remembered consent (`CONSENT_REMEMBER_SECONDS` > 0, off by default) against dynalite and
 * cognito-local. It is per browser, client and redirect URI, and skips the page only when:
 *
 * | rule                                                         | attack                                          | test                     |
 * |--------------------------------------------------------------|-------------------------------------------------|--------------------------|
 * | the same binding cookie, client, redirect URI, scopes         | another browser / client / wider scopes         | "the same browser …"     |
 * | `Sec-Fetch-Site: none` (the user's own navigation); else page | AS-in-the-middle rides the consent cross-site (FastMCP GHSA-6x8h-498w-gv8c) | "Sec-Fetch-Site …" |
 * | never for a CIMD client that can only return to localhost     | anyone's document, any local listener           | "a CIMD client …"        |
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowIn, authorizeRequest, Browser, brokerWorld, location, REDIRECT } from './broker-support';
import { bodyOf, buildHandler, event, publicClient, READ, scanTable, WRITE, type Handler } from './harness';

jest.setTimeout(30_000);

const world = brokerWorld();
/** The user's own navigation: the MCP client opened the browser at the authorization URL. */
const USER = { headers: { 'sec-fetch-site': 'none' } };
let remembering: Handler;
let documents: Server;
let origin: string;
let clientId: string;

beforeAll(async () => {
  // CIMD documents: a loopback-only client and a web client, served over http from a trusted origin.
  documents = createServer((req, res) => {
    const url = `http://${req.headers.host}${req.url}`;
    const redirectUris = req.url === '/web.json' ? ['https://app.example.com/cb'] : [REDIRECT];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: url, client_name: 'Document client', redirect_uris: redirectUris, scope: READ }));
  });
  await new Promise<void>((ok) => documents.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(documents.address() as AddressInfo).port}`;
  remembering = buildHandler(world.services, { ...world.environment, env: { ...world.environment.env, CONSENT_REMEMBER_SECONDS: '600', LOCAL_CIMD_TRUSTED_ORIGINS: origin } }).handler;
  clientId = bodyOf(await remembering(event('POST', '/register', { body: publicClient({ redirect_uris: [REDIRECT], scope: `${READ} ${WRITE}` }) }))).client_id as string;
});
afterAll(async () => {
  await new Promise((ok) => documents?.close(ok));
});

const request = (params: Record<string, string | undefined> = {}) => authorizeRequest(clientId, params);
const rememberItems = async () => (await scanTable(world.services, world.environment.table)).filter((item) => String(item.pk).startsWith('remember#'));

test('the same browser, client and redirect URI skip the page on the user\'s own navigation; other scopes, another browser, or remembering off do not', async () => {
  const browser = new Browser(remembering);
  await allowIn(browser, request());
  expect(location(await browser.get(request(), USER)).pathname).toBe('/oauth2/authorize');
  expect((await browser.get(request({ scope: WRITE }), USER)).statusCode).toBe(200);
  expect((await new Browser(remembering).get(request(), USER)).statusCode).toBe(200);
  // The default handler (CONSENT_REMEMBER_SECONDS 0) asks again even with the same cookie.
  const fresh = new Browser(world.handler);
  fresh.adopt(browser);
  expect((await fresh.get(request(), USER)).statusCode).toBe(200);
});

test.each([
  ['cross-site (another site sent the browser here)', 'cross-site'],
  ['same-site', 'same-site'],
  ['same-origin', 'same-origin'],
  ['a list of values', 'none, cross-site'],
  ['absent (an old browser or not a browser)', undefined],
])('Sec-Fetch-Site %s: the consent page is shown again, nothing goes upstream', async (_name, value) => {
  const browser = new Browser(remembering);
  await allowIn(browser, request());
  const again = await browser.get(request({ state: 'again' }), { headers: value === undefined ? {} : { 'sec-fetch-site': value } });
  expect(again.statusCode).toBe(200);
  expect((again.headers as Record<string, string>).location).toBeUndefined();
  expect(String(again.body)).toContain('name="decision" value="allow"');
});

test('a CIMD client that can only return to localhost is never remembered; a CIMD web client is', async () => {
  const loopback = `${origin}/loopback.json`;
  const before = (await rememberItems()).length;
  const browser = new Browser(remembering);
  await allowIn(browser, request({ client_id: loopback }));
  expect(await rememberItems()).toHaveLength(before);
  const again = await browser.get(request({ client_id: loopback }), USER);
  expect(again.statusCode).toBe(200);
  expect(String(again.body)).toContain('class="warn"');

  const web = `${origin}/web.json`;
  await allowIn(browser, request({ client_id: web, redirect_uri: 'https://app.example.com/cb' }));
  expect(location(await browser.get(request({ client_id: web, redirect_uri: 'https://app.example.com/cb' }), USER)).pathname).toBe('/oauth2/authorize');
});
