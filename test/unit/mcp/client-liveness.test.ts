import { createClientCheck } from '../../../lambda/mcp/client-liveness';

function fakeDdb(live: Set<string>) {
  const calls: string[] = [];
  const ddb = {
    getItem: async (input: { Key: { pk: { S: string } } }) => {
      const pk = input.Key.pk.S;
      calls.push(pk);
      return { Item: live.has(pk) ? { pk: { S: pk } } : undefined };
    },
  } as never;
  return { ddb, calls };
}

test('the static client is live without a lookup', async () => {
  const { ddb, calls } = fakeDdb(new Set());
  const check = createClientCheck({ ddb, table: 't', staticClientId: 'static', ttlSeconds: 60 });
  expect(await check('static')).toBe(true);
  expect(calls).toEqual([]);
});

test('answers are cached for the TTL, positive and negative', async () => {
  const live = new Set(['client#a']);
  const { ddb, calls } = fakeDdb(live);
  let now = 0;
  const check = createClientCheck({ ddb, table: 't', staticClientId: 's', ttlSeconds: 60, now: () => now });
  expect(await check('a')).toBe(true);
  expect(await check('b')).toBe(false);
  live.delete('client#a');
  live.add('client#b');
  now = 59_000;
  expect(await check('a')).toBe(true);
  expect(await check('b')).toBe(false);
  expect(calls).toEqual(['client#a', 'client#b']);
  now = 60_001;
  expect(await check('a')).toBe(false);
  expect(await check('b')).toBe(true);
});

test('TTL 0 looks up every time', async () => {
  const { ddb, calls } = fakeDdb(new Set(['client#a']));
  const check = createClientCheck({ ddb, table: 't', staticClientId: 's', ttlSeconds: 0 });
  await check('a');
  await check('a');
  expect(calls).toHaveLength(2);
});
