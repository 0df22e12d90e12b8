/** A DynamoDB failure inside a tool is a tool error (`isError: true`), never a crash or a 5xx. */
import { modernCall, parse, startFixture, type Fixture } from './support';

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture({ NOTES_TABLE: 'no-such-table' });
});
afterAll(() => fx.stop());

test.each([
  ['notes_list', {}],
  ['notes_add', { text: 'x' }],
])('%s with the table missing → tool error', async (name, args) => {
  const result = await fx.handler(modernCall(await fx.token(), 'tools/call', { name, arguments: args }));
  expect(result.statusCode).toBe(200);
  const body = parse(result);
  expect(body.result.isError).toBe(true);
  expect(body.result.content[0].text).toMatch(/failed; try again later/);
});
