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
    ['HTTP://LOCALHOST:1/cb', 'loopback'],
    ['com.example.app:/oauth2redirect', 'private-use'],
    ['com.googleusercontent.apps.123:/cb', 'private-use'],
    ['vscode.dev-insiders:/callback', 'private-use'],
    ['cursor://anysphere.cursor-mcp/oauth/callback', 'private-use'],
    ['myapp://callback', 'private-use'],
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
  ])('%s', (_name, uri) => {
    expect(() => checkRedirectUri(uri)).toThrow(expect.objectContaining({ errorCode: 'invalid_redirect_uri', statusCode: 400 }));
  });
  test('the 1,024-character limit is inclusive', () => {
    const uri = `https://a.example/${'a'.repeat(1024 - 'https://a.example/'.length)}`;
    expect(uri).toHaveLength(1024);
    expect(checkRedirectUri(uri)).toBe('https');
  });
});
