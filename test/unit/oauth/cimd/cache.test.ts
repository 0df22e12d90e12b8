/** CIMD cache lifetime: the document's Cache-Control / Expires, within [60 s, 24 h]; 1 h when it says nothing. */
import { cacheSeconds, CIMD_DEFAULT_CACHE_SECONDS, CIMD_MAX_CACHE_SECONDS, CIMD_MIN_CACHE_SECONDS } from '../../../../lambda/oauth/cimd/cache';

const now = new Date('2026-12-01T12:00:00Z');

test.each([
  ['max-age within bounds', { cacheControl: 'public, max-age=600' }, 600],
  ['max-age below the minimum', { cacheControl: 'max-age=5' }, CIMD_MIN_CACHE_SECONDS],
  ['max-age 0', { cacheControl: 'max-age=0' }, CIMD_MIN_CACHE_SECONDS],
  ['max-age above the maximum', { cacheControl: 'max-age=31536000, immutable' }, CIMD_MAX_CACHE_SECONDS],
  ['s-maxage wins over max-age', { cacheControl: 'max-age=600, s-maxage=1200' }, 1200],
  ['quoted max-age', { cacheControl: 'max-age="900"' }, 900],
  ['no-store', { cacheControl: 'no-store, max-age=3600' }, CIMD_MIN_CACHE_SECONDS],
  ['no-cache', { cacheControl: 'no-cache' }, CIMD_MIN_CACHE_SECONDS],
  ['private', { cacheControl: 'private, max-age=3600' }, CIMD_MIN_CACHE_SECONDS],
  ['max-age beats Expires', { cacheControl: 'max-age=300', expires: 'Tue, 01 Dec 2026 18:00:00 GMT' }, 300],
  ['Expires against the response Date', { expires: 'Tue, 01 Dec 2026 10:30:00 GMT', date: 'Tue, 01 Dec 2026 10:00:00 GMT' }, 1800],
  ['Expires against our clock without Date', { expires: 'Tue, 01 Dec 2026 14:00:00 GMT' }, 7200],
  ['Expires in the past', { expires: 'Tue, 01 Dec 2026 11:00:00 GMT' }, CIMD_MIN_CACHE_SECONDS],
  ['Expires far ahead', { expires: 'Fri, 01 Jan 2027 00:00:00 GMT' }, CIMD_MAX_CACHE_SECONDS],
  ['an invalid Expires ("0")', { expires: '0' }, CIMD_MIN_CACHE_SECONDS],
  ['nothing said', {}, CIMD_DEFAULT_CACHE_SECONDS],
  ['an unparseable max-age', { cacheControl: 'max-age=soon' }, CIMD_DEFAULT_CACHE_SECONDS],
])('%s', (_name, headers, seconds) => {
  expect(cacheSeconds(headers, now)).toBe(seconds);
});

test('the bounds are 60 s and 24 h', () => {
  expect([CIMD_MIN_CACHE_SECONDS, CIMD_MAX_CACHE_SECONDS]).toEqual([60, 86_400]);
});
