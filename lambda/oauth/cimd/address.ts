/**
 * Which IP addresses a CIMD document may be fetched from (SSRF, DESIGN.md "Authorization broker"):
 * only public unicast. Everything else is named by its class so that a refusal says why. IPv6 is
 * allowed only inside global unicast (2000::/3), and every range there that reaches IPv4 or private
 * space (NAT64, 6to4, Teredo) or is not globally routed is refused whole, so no embedded address
 * has to be decoded. IPv4-mapped and IPv4-compatible IPv6 are refused whole too.
 */
import { isIP } from 'node:net';

export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved'
  | 'ipv4-mapped'
  | 'nat64'
  | '6to4'
  | 'teredo'
  | 'invalid';

interface Range {
  readonly base: bigint;
  readonly bits: number;
  readonly cls: AddressClass;
}

function v4ToBigInt(address: string): bigint | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

/** The 128-bit value of an IPv6 address (with an optional trailing dotted IPv4 part); undefined if malformed. */
function v6ToBigInt(input: string): bigint | undefined {
  let address = input.split('%')[0]!; // a zone index says nothing about the class
  let tail: bigint[] = [];
  const lastColon = address.lastIndexOf(':');
  if (address.slice(lastColon + 1).includes('.')) {
    const v4 = v4ToBigInt(address.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    // Keep a `::` that ends right before the IPv4 part; drop a single separating colon.
    const prefix = address.slice(0, lastColon + 1);
    address = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? BigInt(parseInt(g, 16)) : -1n)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const known = head.length + rest.length + tail.length;
  if ([...head, ...rest].some((g) => g < 0n)) return undefined;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const groups = [...head, ...Array<bigint>(8 - known).fill(0n), ...rest, ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

function v4(cidr: string, cls: AddressClass): Range {
  const [base, bits] = cidr.split('/');
  return { base: v4ToBigInt(base!)!, bits: Number(bits), cls };
}

function v6(cidr: string, cls: AddressClass): Range {
  const [base, bits] = cidr.split('/');
  return { base: v6ToBigInt(base!)!, bits: Number(bits), cls };
}

/** IANA IPv4 special-purpose registry, the entries that are not globally reachable unicast. */
const V4_RANGES: readonly Range[] = [
  v4('0.0.0.0/32', 'unspecified'),
  v4('0.0.0.0/8', 'reserved'), // "this network"
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'), // includes the cloud metadata endpoint 169.254.169.254
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', '6to4'), // 6to4 relay anycast (deprecated)
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'), // benchmarking
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('255.255.255.255/32', 'broadcast'),
  v4('240.0.0.0/4', 'reserved'),
];

/** IPv6: checked in order, first match wins; anything outside 2000::/3 is refused. */
const V6_RANGES: readonly Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::ffff:0:0/96', 'ipv4-mapped'),
  v6('::/96', 'ipv4-mapped'), // IPv4-compatible (deprecated), embeds an IPv4 address the same way
  v6('64:ff9b::/96', 'nat64'),
  v6('64:ff9b:1::/48', 'nat64'),
  v6('100::/64', 'reserved'), // discard-only
  v6('2001::/32', 'teredo'),
  v6('2001:db8::/32', 'documentation'),
  v6('2001::/23', 'reserved'), // IETF protocol assignments (benchmarking, ORCHID, …)
  v6('2002::/16', '6to4'),
  v6('3fff::/20', 'documentation'),
  v6('5f00::/16', 'reserved'), // SRv6 SIDs
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'reserved'), // site-local (deprecated)
  v6('ff00::/8', 'multicast'),
];
const V6_GLOBAL_UNICAST = v6('2000::/3', 'public');

function within(value: bigint, range: Range, width: number): boolean {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.base >> shift;
}

/** The class of an IP address (v4 dotted quad or v6 text); `public` is the only one a fetch may use. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address.split('%')[0]!);
  if (family === 4) {
    const value = v4ToBigInt(address)!;
    return V4_RANGES.find((range) => within(value, range, 32))?.cls ?? 'public';
  }
  if (family === 6) {
    const value = v6ToBigInt(address);
    if (value === undefined) return 'invalid';
    const match = V6_RANGES.find((range) => within(value, range, 128));
    if (match) return match.cls;
    return within(value, V6_GLOBAL_UNICAST, 128) ? 'public' : 'reserved';
  }
  return 'invalid';
}
