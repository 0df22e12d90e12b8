/** The CIMD address classifier: only public unicast may be fetched; every other class, v4 and v6 forms. */
import { classifyAddress } from '../../../../lambda/oauth/cimd/address';

describe('public addresses', () => {
  test.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255', '2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001:82b::200e'])(
    '%s',
    (address) => expect(classifyAddress(address)).toBe('public'),
  );
});

describe('refused classes', () => {
  test.each([
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['::ffff:127.0.0.1', 'ipv4-mapped'],
    ['::ffff:7f00:1', 'ipv4-mapped'],
    ['::ffff:10.0.0.1', 'ipv4-mapped'],
    ['::ffff:8.8.8.8', 'ipv4-mapped'], // even a public one: never trust the embedded form
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'ipv4-mapped'],
    ['::127.0.0.1', 'ipv4-mapped'], // IPv4-compatible (deprecated)
    ['64:ff9b::7f00:1', 'nat64'],
    ['64:ff9b::10.0.0.1', 'nat64'],
    ['64:ff9b:1::a00:1', 'nat64'],
    ['2002:7f00:1::1', '6to4'],
    ['2002:c0a8:101::1', '6to4'],
    ['192.88.99.1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo'],
    ['2001:2::1', 'reserved'],
    ['100::1', 'reserved'],
    ['fec0::1', 'reserved'],
    ['1::1', 'reserved'], // outside 2000::/3
    ['4000::1', 'reserved'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });
});

describe('not addresses', () => {
  test.each(['localhost', '1.2.3', '256.1.1.1', '::ffff:1.2.3.4.5', '1:2:3:4:5:6:7:8:9', '2001:::1', '', '0x7f.0.0.1', '2130706433'])('%p is invalid', (value) => {
    expect(classifyAddress(value)).toBe('invalid');
  });
});
