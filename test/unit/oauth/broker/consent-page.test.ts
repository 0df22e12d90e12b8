/** The consent page: what it shows, what it escapes, where its form may go. */
import type { BrokerClient } from '../../../../lambda/oauth/broker/clients';
import { consentPage, cspSource, redirectHost } from '../../../../lambda/oauth/broker/consent-page';

const config = {
  issuerUrl: 'https://as.example.test',
  cognitoDomainUrl: 'https://login.example.test',
  resourceUrl: 'https://mcp.example.test/mcp',
  brokerCallbackUrl: 'https://as.example.test/callback',
};
const client: BrokerClient = {
  kind: 'dcr',
  clientId: 'abc',
  cognitoClientId: 'abc',
  name: '<img src=x onerror=alert(1)>"Evil"',
  redirectUris: ['https://evil.example/cb'],
  scopes: ['https://mcp.example.test/mcp/read'],
  grantTypes: ['authorization_code'],
  confidential: false,
};
const pending = { clientId: 'abc', redirectUri: 'https://evil.example/cb;x,y?q=1', scopes: ['https://mcp.example.test/mcp/read', 'openid'], codeChallenge: 'c'.repeat(43) };

test('markup in the client name is shown as text; the redirect host is prominent; the form posts allow/deny', () => {
  const page = consentPage(config, { client, pending, requestId: 'req', csrf: 'tok', cookies: ['c=1'] });
  expect(page.body).not.toContain('<img');
  expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;Evil&quot;');
  expect(page.body).toContain('<p class="host">evil.example</p>');
  expect(page.body).toContain('Read your data on this MCP server');
  expect(page.body).toContain('<form method="post" action="https://as.example.test/consent">');
  expect(page.body).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
  expect(page.body).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
  expect(page.body).toContain('name="csrf" value="tok"');
  expect(page.cookies).toEqual(['c=1']);
  const csp = String(page.headers!['content-security-policy']);
  expect(csp).toContain(
    'form-action https://as.example.test/consent https://login.example.test/oauth2/authorize https://as.example.test/callback https://evil.example/cb%3Bx%2Cy;',
  );
  expect(csp).toContain("frame-ancestors 'none'");
});

test('CIMD clients: the document host, and a warning when every redirect URI is on this computer', () => {
  const cimd: BrokerClient = { ...client, kind: 'cimd', name: 'Doc client', documentHost: 'docs.example', redirectUris: ['http://127.0.0.1/cb'] };
  const page = consentPage(config, { client: cimd, pending: { ...pending, redirectUri: 'http://127.0.0.1:5000/cb' }, requestId: 'r', csrf: 't', cookies: [] });
  expect(page.body).toContain('<strong>docs.example</strong>');
  expect(page.body).toContain('class="warn"');
  expect(page.body).toContain('<p class="host">127.0.0.1:5000</p>');
  const web = consentPage(config, { client: { ...cimd, redirectUris: ['https://app.example/cb'] }, pending, requestId: 'r', csrf: 't', cookies: [] });
  expect(web.body).not.toContain('class="warn"');
});

test('hosts and CSP sources of redirect URIs', () => {
  expect(redirectHost('com.example.app:/oauth')).toBe('com.example.app: (an app on this device)');
  expect(cspSource('com.example.app:/oauth')).toBe('com.example.app:');
  expect(cspSource('http://127.0.0.1:5000/cb?x=1')).toBe('http://127.0.0.1:5000/cb');
});
