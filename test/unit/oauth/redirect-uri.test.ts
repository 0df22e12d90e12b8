/** Redirect URI rules: https, http on loopback only (any port), private-use schemes; never fragments, userinfo or dangerous schemes. */
import { checkRedirectUri } from '../../../lambda/oauth/redirect-uri';

describe('accepted', () => {
  test.each([
    ['https://app.example.com/callback', 'https'],
    ['https://app.example.com:8443/cb?x=1', 'https'],
    ['http://localhost:53682/callback', 'loopback'],
    ['http://localhost/callback', 'loopback'],
    ['http://127.0.0.1:33418/', 'loopback'],
    ['http://[::1]:8080/cb', 'loopback'],
    ['http://127.0.0.1/cb', 'loopback'],
    ['https://vscode.dev/redirect', 'https'],
    ['com.example.app:/oauth2redirect', 'private-use'],
    ['com.googleusercontent.apps.123:/cb', 'private-use'],
    ['vscode.dev-insiders:/callback', 'private-use'],
    ['com.example.app://oauth/callback', 'private-use'],
    // The named exception for a real client with a short scheme of its own.
    ['cursor://anysphere.cursor-mcp/oauth/callback', 'private-use'],
  ])('%s (%s)', (uri, kind) => {
    expect(checkRedirectUri(uri)).toBe(kind);
  });
});

describe('rejected with invalid_redirect_uri', () => {
  test.each([
    ['http on a public host', 'http://app.example.com/cb'],
    ['http on a private address', 'http://192.168.1.10/cb'],
    ['a localhost look-alike', 'http://localhost.evil.com/cb'],
    ['a fragment', 'https://app.example.com/cb#frag'],
    ['an empty fragment', 'http://localhost:1/cb#'],
    ['userinfo', 'https://user@app.example.com/cb'],
    ['userinfo with password', 'http://u:p@localhost/cb'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,hi'],
    ['file:', 'file:///etc/passwd'],
    ['vbscript:', 'vbscript:msgbox'],
    ['blob:', 'blob:https://a.example/1'],
    ['ws:', 'ws://localhost/cb'],
    ['a relative URI', '/callback'],
    ['not a URI', 'not a uri'],
    ['whitespace', 'https://app.example.com/c b'],
    ['a newline', 'https://app.example.com/cb\n'],
    ['too long', `https://app.example.com/${'a'.repeat(1010)}`],
    ['empty', ''],
    ['a number', 42],
    // Issue 12 item 6: not its own serialization, so it would be stored as one URI and checked as another.
    ['a decimal IPv4 host', 'http://2130706433/cb'],
    ['a percent-encoded host', 'http://local%68ost/cb'],
    ['a Unicode look-alike host', 'http://\u24dbocalhost/cb'],
    ['an upper-case scheme and host', 'HTTP://LOCALHOST:1/cb'],
    ['a default port', 'https://app.example.com:443/cb'],
    ['no path (serializes with /)', 'https://app.example.com'],
    ['an IDN host', 'https://b\u00fccher.example/cb'],
    ['dot segments', 'https://app.example.com/a/../cb'],
    // RFC 8252 §7.1: private-use schemes must be reverse-domain names.
    ['ms-msdt:', 'ms-msdt:/id%20PCWDiagnostic'],
    ['search-ms:', 'search-ms:query=x'],
    ['jar:file:', 'jar:file:///tmp/x.jar!/cb'],
    ['a short custom scheme', 'myapp://callback'],
    ['a scheme that merely starts like a known one', 'cursorx://anysphere.cursor-mcp/cb'],
  ])('%s', (_name, uri) => {
    expect(() => checkRedirectUri(uri)).toThrow(expect.objectContaining({ errorCode: 'invalid_redirect_uri', statusCode: 400 }));
  });
  test('the description names the canonical form to register instead', () => {
    expect(() => checkRedirectUri('http://2130706433/cb')).toThrow(/register it as "http:\/\/127\.0\.0\.1\/cb"/);
  });
  test('the 1,024-character limit is inclusive', () => {
    const uri = `https://a.example/${'a'.repeat(1024 - 'https://a.example/'.length)}`;
    expect(uri).toHaveLength(1024);
    expect(checkRedirectUri(uri)).toBe('https');
  });
});
