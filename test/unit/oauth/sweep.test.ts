/** The sweeper's rule for which registrations go (`sweepReason`), with a frozen clock. */
import { sweepReason } from '../../../lambda/oauth/sweep';

const NOW = new Date('2026-11-25T12:00:00Z');
const config = { userPoolId: 'pool', registrationsTable: 'regs', registrationIdleDays: 90, registrationUnusedHours: 24 };
const secondsAgo = (s: number) => NOW.getTime() / 1000 - s;
const isoAgo = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const HOUR = 3600;
const DAY = 86_400;

test.each([
  ['used within the idle window', { createdAt: isoAgo(400 * DAY), lastUsedAt: secondsAgo(89 * DAY) }, undefined],
  ['used exactly idle days ago', { createdAt: isoAgo(400 * DAY), lastUsedAt: secondsAgo(90 * DAY) }, undefined],
  ['last used more than idle days ago', { createdAt: isoAgo(400 * DAY), lastUsedAt: secondsAgo(90 * DAY + 1) }, 'idle'],
  ['used once, long ago, even if created recently by the clock', { createdAt: isoAgo(1 * HOUR), lastUsedAt: secondsAgo(100 * DAY) }, 'idle'],
  ['used recently, though registered long ago', { createdAt: isoAgo(1000 * DAY), lastUsedAt: secondsAgo(1 * DAY) }, undefined],
  ['never used, younger than the unused window', { createdAt: isoAgo(23 * HOUR) }, undefined],
  ['never used, exactly the unused window old', { createdAt: isoAgo(24 * HOUR) }, undefined],
  ['never used, older than the unused window', { createdAt: isoAgo(24 * HOUR + 1) }, 'unused'],
  ['never used, with a future lastUsedAt (clock skew) counted as used', { createdAt: isoAgo(5 * DAY), lastUsedAt: secondsAgo(-60) }, undefined],
  ['no dates at all: kept', {}, undefined],
  ['an unparsable createdAt: kept', { createdAt: 'yesterday' }, undefined],
  ['a delete began and did not finish, though used today', { createdAt: isoAgo(2 * DAY), lastUsedAt: secondsAgo(HOUR), deletingAt: isoAgo(HOUR) }, 'unfinished'],
])('%s', (_name, dates, expected) => {
  expect(sweepReason({ clientId: 'c', ...dates }, NOW, config)).toBe(expected);
});

test('with an unused window longer than the idle window, a never-used registration is idle after the idle days', () => {
  const wide = { ...config, registrationIdleDays: 1, registrationUnusedHours: 72 };
  expect(sweepReason({ clientId: 'c', createdAt: isoAgo(2 * DAY) }, NOW, wide)).toBe('idle');
  expect(sweepReason({ clientId: 'c', createdAt: isoAgo(12 * HOUR) }, NOW, wide)).toBeUndefined();
});

describe('first deploy: a registration made before the sweeper first ran and never seen used counts as used at that run', () => {
  const firstRun = new Date(NOW.getTime() - 10 * DAY * 1000);
  test.each([
    ['made long before the first run, never used: kept for idle days after it', { createdAt: isoAgo(400 * DAY) }, undefined],
    ['without any date: kept the same way', {}, undefined],
    ['made after the first run and never used: the unused window applies', { createdAt: isoAgo(2 * DAY) }, 'unused'],
    ['made before the first run with a lastUsedAt: its own use decides', { createdAt: isoAgo(400 * DAY), lastUsedAt: secondsAgo(91 * DAY) }, 'idle'],
  ])('%s', (_name, dates, expected) => {
    expect(sweepReason({ clientId: 'c', ...dates }, NOW, config, firstRun)).toBe(expected);
  });

  test('idle days after the first run, a registration made before it and still never used goes', () => {
    const longAgo = new Date(NOW.getTime() - (90 * DAY + 1) * 1000);
    expect(sweepReason({ clientId: 'c', createdAt: isoAgo(400 * DAY) }, NOW, config, longAgo)).toBe('idle');
    // Without the first-run rule the same record would have gone at once as never used.
    expect(sweepReason({ clientId: 'c', createdAt: isoAgo(400 * DAY) }, NOW, config)).toBe('unused');
  });
});
