/**
 * The CLI's rules on where a server may send it (no stack needed).
 *
 * | test                                                        | rule                                                  |
 * |-------------------------------------------------------------|-------------------------------------------------------|
 * | opens only https, or http on a loopback host                | issue 12.2 (CVE-2025-6514 class); RFC 8252 §7.3, §8.3  |
 * | the opener gets the URL as one argument, no shell, $BROWSER  | issue 12.2 (no argument or shell injection)           |
 * | management URI on the registration endpoint's origin        | issue 12.4; RFC 7592 §3                               |
 * | --client-id: pre-registered, CIMD URL, --client-secret      | issue 13 (CLI); CIMD draft §3 (https URL with a path) |
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBrowser, openerCommand } from '../../scripts/client/browser';
import { identityOf, isCimdUrl } from '../../scripts/client/identity';
import { recordingBrowser } from './support/cli-process';
import { loginOriginOption, managementUriProblem, openableUrl, secureOrigin } from '../../scripts/client/url-rules';

describe('what the CLI opens in a browser (issue 12.2)', () => {
  test.each([
    'https://auth.example.com/authorize?client_id=a',
    'http://127.0.0.1:3000/authorize',
    'http://[::1]:3000/authorize',
    'http://localhost:3000/authorize',
    'http://LOCALHOST:3000/authorize',
  ])('opens %s', (raw) => {
    expect(openableUrl(raw)).toBeInstanceOf(URL);
  });

  test.each([
    'file:///etc/passwd',
    'smb://attacker.example.com/share',
    'javascript:alert(1)',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://extension/install',
    'data:text/html,<script>1</script>',
    'http://auth.example.com/authorize',
    'http://127.0.0.2/authorize',
    'http://localhost.attacker.example/authorize',
    '-a /Applications/Calculator.app',
    '--help',
  ])('refuses %s', (raw) => {
    const result = openableUrl(raw);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/^Refusing to open /);
  });
});

describe('how the CLI opens it', () => {
  let dir: string;
  let recorder: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-opener-'));
    recorder = recordingBrowser(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const recorded = async () => {
    for (let i = 0; i < 200 && !existsSync(join(dir, 'argv')); i++) await new Promise((ok) => setTimeout(ok, 25));
    const argv = readFileSync(join(dir, 'argv'), 'utf8').split('\0').slice(0, -1);
    rmSync(join(dir, 'argv'));
    return argv;
  };

  test('the OS opener, or $BROWSER (with %s or the URL appended), as an argument vector', () => {
    expect(openerCommand('https://a.example/x', {}, 'linux')).toEqual(['xdg-open', 'https://a.example/x']);
    expect(openerCommand('https://a.example/x', {}, 'darwin')).toEqual(['open', 'https://a.example/x']);
    expect(openerCommand('https://a.example/x', { BROWSER: 'firefox --new-window' }, 'linux')).toEqual(['firefox', '--new-window', 'https://a.example/x']);
    expect(openerCommand('https://a.example/x', { BROWSER: 'w3m %s -dump' }, 'linux')).toEqual(['w3m', 'https://a.example/x', '-dump']);
  });

  test('a URL with shell metacharacters reaches the browser as one argument and runs nothing', async () => {
    const marker = join(dir, 'pwned');
    const url = `https://a.example/authorize?x=$(touch ${marker})&y=\`touch ${marker}\`;touch ${marker}`;
    await expect(openBrowser(url, { ...process.env, BROWSER: recorder })).resolves.toEqual({ opened: true });
    const argv = await recorded();
    expect(argv).toEqual([new URL(url).href]);
    expect(argv[0]!.startsWith('https://')).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  test('a refused URL starts nothing', async () => {
    const result = await openBrowser('file:///etc/passwd', { ...process.env, BROWSER: recorder });
    expect(result.opened).toBe(false);
    expect(result).toHaveProperty('refused');
    await new Promise((ok) => setTimeout(ok, 200));
    expect(existsSync(join(dir, 'argv'))).toBe(false);
  });
});

describe('where secrets may go (issues 12.3, 12.4)', () => {
  test('secureOrigin: https anywhere, http only on loopback', () => {
    expect(secureOrigin('https://x.auth.us-east-1.amazoncognito.com/login', 'x')).toBe('https://x.auth.us-east-1.amazoncognito.com');
    expect(secureOrigin('http://127.0.0.1:3000/x', 'x')).toBe('http://127.0.0.1:3000');
    expect(secureOrigin('http://example.com/x', 'The endpoint')).toEqual(new Error('The endpoint http://example.com is neither https nor http on a loopback host.'));
  });

  test('--login-origin takes exactly an origin, https or loopback http', () => {
    expect(loginOriginOption('https://mcp.auth.eu-west-1.amazoncognito.com')).toBe('https://mcp.auth.eu-west-1.amazoncognito.com');
    expect(loginOriginOption('https://mcp.auth.eu-west-1.amazoncognito.com/')).toBe('https://mcp.auth.eu-west-1.amazoncognito.com');
    expect(loginOriginOption('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    for (const bad of ['https://login.example.com/login', 'https://user@login.example.com', 'login.example.com', 'file:///x']) {
      expect(loginOriginOption(bad)).toEqual(new Error(`--login-origin takes an origin such as https://<prefix>.auth.<region>.amazoncognito.com, got ${JSON.stringify(bad)}.`));
    }
    expect(loginOriginOption('http://login.example.com')).toEqual(new Error('--login-origin http://login.example.com is neither https nor http on a loopback host.'));
  });

  test('the RFC 7592 management URI must be on the registration endpoint\'s origin, over https or loopback', () => {
    const endpoint = 'https://as.example.com/register';
    expect(managementUriProblem('https://as.example.com/register/abc', endpoint)).toBeUndefined();
    expect(managementUriProblem('http://127.0.0.1:3000/register/abc', 'http://127.0.0.1:3000/register')).toBeUndefined();
    expect(managementUriProblem('https://attacker.example/collect', endpoint)).toMatch('not on the registration endpoint\'s origin https://as.example.com');
    expect(managementUriProblem('https://as.example.com:8443/register/abc', endpoint)).toMatch('not on the registration endpoint\'s origin');
    expect(managementUriProblem('http://as.example.com/register/abc', 'http://as.example.com/register')).toMatch('neither https nor http on a loopback host');
    expect(managementUriProblem('file:///etc/passwd', endpoint)).toMatch('neither https nor http on a loopback host');
  });
});

describe('--client-id and --client-secret', () => {
  test('a CIMD URL is https with a path (or http on loopback, for the local stack)', () => {
    expect(isCimdUrl('https://app.example.com/client.json')).toBe(true);
    expect(isCimdUrl('http://127.0.0.1:8123/client.json')).toBe(true);
    expect(isCimdUrl('https://app.example.com/')).toBe(false);
    expect(isCimdUrl('http://app.example.com/client.json')).toBe(false);
    expect(isCimdUrl('4c1ient1d')).toBe(false);
  });

  test('the identity the options name', () => {
    expect(identityOf(undefined, undefined)).toEqual({ kind: 'dcr' });
    expect(identityOf('abc123', undefined)).toEqual({ kind: 'pre-registered', clientId: 'abc123' });
    expect(identityOf('abc123', 's3cret')).toEqual({ kind: 'pre-registered', clientId: 'abc123', clientSecret: 's3cret' });
    expect(identityOf('https://app.example.com/client.json', undefined)).toEqual({ kind: 'cimd', url: 'https://app.example.com/client.json' });
    expect(identityOf(undefined, 's3cret')).toEqual(new Error('--client-secret needs --client-id (the pre-registered client it belongs to).'));
    expect(identityOf('https://app.example.com/client.json', 's3cret')).toBeInstanceOf(Error);
    expect(identityOf('http://app.example.com/client.json', undefined)).toBeInstanceOf(Error);
  });
});
