import { bearerToken } from '../../../lambda/mcp/authorize';
import { peek } from '../../../lambda/mcp/rpc';

test.each([
  ['Bearer abc.def.ghi', 'abc.def.ghi'],
  ['bearer abc', 'abc'],
  ['BEARER   abc  ', 'abc'],
  ['Bearer ', ''],
  ['Basic abc', undefined],
  [undefined, undefined],
  ['Bearer a b', undefined],
])('bearerToken(%j) → %j', (value, token) => {
  expect(bearerToken(value)).toBe(token);
});

test('peek reads id, method and the tool name once', () => {
  expect(peek('{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"whoami"}}')).toMatchObject({ id: 'x', method: 'tools/call', toolName: 'whoami', parsed: true });
  expect(peek('[{"id":1}]')).toMatchObject({ isBatch: true, id: null });
  expect(peek('{oops')).toMatchObject({ parsed: false, id: null });
  expect(peek('')).toMatchObject({ parsed: false });
  expect(peek('{"id":{"a":1},"method":"x"}').id).toBeNull();
});
