import { createClientCheck, LAST_USED_RESOLUTION_SECONDS } from '../../../lambda/mcp/client-liveness';
import { DynamoDbError } from '../../../lambda/shared/dynamodb-lite';

type Update = { Key: { pk: { S: string } }; UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeValues: Record<string, { N: string }> };

/** Registrations as `pk → lastUsedAt` (undefined: never used); UpdateItem applies the condition as DynamoDB would. */
function fakeDdb(live: Set<string>, lastUsed = new Map<string, number>()) {
  const calls: string[] = [];
  const updates: Update[] = [];
  const ddb = {
    getItem: async (input: { Key: { pk: { S: string } }; ProjectionExpression?: string }) => {
      const pk = input.Key.pk.S;
      calls.push(pk);
      if (!live.has(pk)) return {};
      const at = lastUsed.get(pk);
      return { Item: { pk: { S: pk }, ...(at !== undefined ? { lastUsedAt: { N: String(at) } } : {}) } };
    },
    updateItem: async (input: Update) => {
      updates.push(input);
      const pk = input.Key.pk.S;
      const at = lastUsed.get(pk);
      if (!live.has(pk) || (at !== undefined && at >= Number(input.ExpressionAttributeValues[':stale'].N))) {
        throw new DynamoDbError('ConditionalCheckFailedException', 'The conditional request failed', 400);
      }
      lastUsed.set(pk, Number(input.ExpressionAttributeValues[':now'].N));
    },
  } as never;
  return { ddb, calls, updates, lastUsed };
}

const DAY = LAST_USED_RESOLUTION_SECONDS;

test('the resolution is one day', () => {
  expect(LAST_USED_RESOLUTION_SECONDS).toBe(86_400);
});

test('the static client is live without a lookup, and nothing is written', async () => {
  const { ddb, calls, updates } = fakeDdb(new Set());
  const check = createClientCheck({ ddb, table: 't', staticClientId: 'static', ttlSeconds: 60 });
  expect(await check('static')).toBe(true);
  expect(calls).toEqual([]);
  expect(updates).toEqual([]);
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

test('the lookup reads pk and lastUsedAt only', async () => {
  const seen: unknown[] = [];
  const ddb = { getItem: async (input: unknown) => (seen.push(input), {}), updateItem: async () => undefined } as never;
  await createClientCheck({ ddb, table: 'regs', staticClientId: 's', ttlSeconds: 0 })('a');
  expect(seen).toEqual([{ TableName: 'regs', Key: { pk: { S: 'client#a' } }, ProjectionExpression: 'pk, lastUsedAt' }]);
});

test('a never-used registration gets lastUsedAt = now, with the conditional update', async () => {
  const { ddb, updates, lastUsed } = fakeDdb(new Set(['client#a']));
  const now = 1_780_000_000_500;
  const check = createClientCheck({ ddb, table: 'regs', staticClientId: 's', ttlSeconds: 0, now: () => now });
  expect(await check('a')).toBe(true);
  expect(updates).toEqual([
    {
      TableName: 'regs',
      Key: { pk: { S: 'client#a' } },
      UpdateExpression: 'SET lastUsedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
      ExpressionAttributeValues: { ':now': { N: '1780000000' }, ':stale': { N: String(1_780_000_000 - DAY) } },
    },
  ]);
  expect(lastUsed.get('client#a')).toBe(1_780_000_000);
});

test('at most one write per client per resolution, however often it is looked up', async () => {
  const { ddb, updates, lastUsed } = fakeDdb(new Set(['client#a']));
  let now = 1_780_000_000_000;
  const check = createClientCheck({ ddb, table: 't', staticClientId: 's', ttlSeconds: 0, now: () => now });
  await check('a');
  now += (DAY - 1) * 1000;
  await check('a');
  await check('a');
  expect(updates).toHaveLength(1);
  now += 2000; // lastUsedAt is now older than a day
  await check('a');
  expect(updates).toHaveLength(2);
  expect(lastUsed.get('client#a')).toBe(now / 1000);
});

test('a gone registration is never written', async () => {
  const { ddb, updates } = fakeDdb(new Set());
  const check = createClientCheck({ ddb, table: 't', staticClientId: 's', ttlSeconds: 0 });
  expect(await check('gone')).toBe(false);
  expect(updates).toEqual([]);
});

test('a cached answer makes no write either', async () => {
  const { ddb, updates } = fakeDdb(new Set(['client#a']));
  let now = 1_780_000_000_000;
  const check = createClientCheck({ ddb, table: 't', staticClientId: 's', ttlSeconds: 60, now: () => now });
  await check('a');
  now += 30_000;
  await check('a');
  expect(updates).toHaveLength(1);
});

test('a lost race (condition failed) is not an error and not logged', async () => {
  const live = new Set(['client#a']);
  const { ddb, updates } = fakeDdb(live);
  const real = (ddb as { getItem: (i: unknown) => Promise<unknown> }).getItem;
  // Deleted between the read and the write.
  (ddb as { getItem: (i: unknown) => Promise<unknown> }).getItem = async (input) => {
    const out = await real(input);
    live.delete('client#a');
    return out;
  };
  const warn = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await createClientCheck({ ddb, table: 't', staticClientId: 's', ttlSeconds: 0 })('a')).toBe(true);
    expect(updates).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  } finally {
    warn.mockRestore();
  }
});

test('a failed write is logged as a warning and the client is still live', async () => {
  const ddb = {
    getItem: async () => ({ Item: { pk: { S: 'client#a' } } }),
    updateItem: async () => {
      throw new DynamoDbError('AccessDeniedException', 'not authorized to perform dynamodb:UpdateItem', 400);
    },
  } as never;
  const lines: string[] = [];
  const warn = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  try {
    expect(await createClientCheck({ ddb, table: 't', staticClientId: 's', ttlSeconds: 0 })('a')).toBe(true);
  } finally {
    warn.mockRestore();
  }
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0])).toMatchObject({ level: 'WARN', message: 'client lastUsedAt not recorded', clientId: 'a', errorName: 'AccessDeniedException' });
});

test('a burst of lookups for one client shares one GetItem and one lastUsedAt write', async () => {
  const { ddb, calls, updates } = fakeDdb(new Set(['client#burst']));
  const check = createClientCheck({ ddb, table: 't', staticClientId: 'static', ttlSeconds: 60 });
  const answers = await Promise.all(Array.from({ length: 50 }, () => check('burst')));
  expect(answers.every(Boolean)).toBe(true);
  expect(calls).toEqual(['client#burst']);
  expect(updates).toHaveLength(1);
});

test('a burst shares a failed lookup too, and the next request looks up again', async () => {
  const { ddb, calls } = fakeDdb(new Set(['client#flaky']));
  const real = (ddb as { getItem: (input: never) => Promise<unknown> }).getItem;
  let fail = true;
  (ddb as { getItem: unknown }).getItem = async (input: never) => {
    calls.push('attempt');
    if (fail) throw new Error('unreachable');
    return real(input);
  };
  const check = createClientCheck({ ddb, table: 't', staticClientId: 'static', ttlSeconds: 60 });
  const burst = await Promise.allSettled(Array.from({ length: 5 }, () => check('flaky')));
  expect(burst.every((r) => r.status === 'rejected')).toBe(true);
  expect(calls.filter((c) => c === 'attempt')).toHaveLength(1);
  fail = false;
  expect(await check('flaky')).toBe(true);
});

test('lookups without recordUse (a token naming no user) write nothing', async () => {
  const { ddb, updates } = fakeDdb(new Set(['client#m2m']));
  const check = createClientCheck({ ddb, table: 't', staticClientId: 'static', ttlSeconds: 0 });
  expect(await check('m2m', { recordUse: false })).toBe(true);
  expect(updates).toHaveLength(0);
  expect(await check('m2m')).toBe(true);
  expect(updates).toHaveLength(1);
});
