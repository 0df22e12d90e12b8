/**
 * Fetching a Client ID Metadata Document, which is the SSRF surface of CIMD: the URL is chosen by
 * whoever starts an authorization. So: https only; the host is resolved first and every address
 * must be public (`address.ts`); the connection goes to the address that was checked (a `lookup`
 * that returns it, with SNI and Host still the hostname), so a second DNS answer cannot switch it
 * (DNS rebinding); no redirects; at most `maxBytes`; one deadline over resolution, connection and body.
 * Origins in `trustedOrigins` (the local stack's LOCAL_CIMD_TRUSTED_ORIGINS) may use http and loopback.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { classifyAddress } from './address';
import type { CacheHeaders } from './cache';

/** CIMD documents are small; 5 KB is plenty and bounds what an attacker can make us read. */
export const CIMD_MAX_BYTES = 5 * 1024;
/** One deadline over DNS, connect, TLS, and the body. */
export const CIMD_TIMEOUT_MS = 5_000;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

export interface CimdFetchPolicy {
  /** Origins (`http://127.0.0.1:8123`) that may be fetched over http and may resolve to loopback. */
  readonly trustedOrigins: readonly string[];
  /** @default CIMD_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default CIMD_MAX_BYTES */
  readonly maxBytes?: number;
  /** DNS resolution of a hostname to all its addresses. @default node:dns lookup with `all: true` */
  readonly resolve?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
  /** Trust anchors for https, replacing Node's (tests with their own CA). @default Node's root certificates */
  readonly ca?: string;
}

export interface FetchedDocument {
  /** The parsed JSON body. */
  readonly body: unknown;
  readonly cache: CacheHeaders;
}

/** A refused or failed fetch; `message` says why, in words fit for an error description. */
export class CimdFetchError extends Error {}

const systemResolve = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

/** Resolves the URL's host and checks every address; returns the one to connect to. */
async function checkedAddress(url: URL, trusted: boolean, resolve: NonNullable<CimdFetchPolicy['resolve']>): Promise<ResolvedAddress> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly ResolvedAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new CimdFetchError(`the host ${host} could not be resolved`);
    }
  }
  if (addresses.length === 0) throw new CimdFetchError(`the host ${host} has no address`);
  // Every address must pass, not just the first: the connection must not be steerable to another.
  for (const { address } of addresses) {
    const cls = classifyAddress(address);
    if (cls === 'public' || (trusted && cls === 'loopback')) continue;
    throw new CimdFetchError(`the host ${host} resolves to a ${cls} address (${address}), which is never fetched`);
  }
  return addresses[0]!;
}

function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers['content-length']);
    const tooLarge = () => {
      // Reject before destroying: destroying emits 'aborted', whose reason would be less precise.
      reject(new CimdFetchError(`the document is larger than ${maxBytes} bytes`));
      response.destroy();
    };
    if (Number.isFinite(declared) && declared > maxBytes) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', () => reject(new CimdFetchError('the connection failed while reading the document')));
    response.on('aborted', () => reject(new CimdFetchError('the connection was closed while reading the document')));
  });
}

function get(url: URL, target: ResolvedAddress, maxBytes: number, signal: AbortSignal, ca: string | undefined): Promise<FetchedDocument> {
  // Connect to the checked address whatever a new DNS query would say; TLS still verifies the hostname.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'mcp-auth-cimd-fetcher' },
        lookup: pinned,
        agent: false,
        signal,
        ...(isIP(host) ? {} : { servername: host }),
        ...(ca ? { ca } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          response.destroy();
          reject(new CimdFetchError(`the document URL answered a redirect (HTTP ${status}); redirects are not followed`));
          return;
        }
        if (status !== 200) {
          response.destroy();
          reject(new CimdFetchError(`the document URL answered HTTP ${status}`));
          return;
        }
        readBody(response, maxBytes).then((raw) => {
          let body: unknown;
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            reject(new CimdFetchError('the document is not JSON'));
            return;
          }
          const header = (name: string) => {
            const value = response.headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          };
          resolve({ body, cache: { cacheControl: header('cache-control'), expires: header('expires'), date: header('date') } });
        }, reject);
      },
    );
    req.on('error', (err) => reject(signal.aborted ? signal.reason : new CimdFetchError(`the document could not be fetched (${(err as NodeJS.ErrnoException).code ?? 'connection failed'})`)));
    req.end();
  });
}

/** Fetches and parses the document at `url` under the rules above; throws `CimdFetchError`. */
export async function fetchCimdDocument(url: URL, policy: CimdFetchPolicy): Promise<FetchedDocument> {
  const trusted = policy.trustedOrigins.includes(url.origin);
  if (url.protocol !== 'https:' && !(trusted && url.protocol === 'http:')) {
    throw new CimdFetchError('the document URL must use https');
  }
  const timeoutMs = policy.timeoutMs ?? CIMD_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new CimdFetchError(`the document was not fetched within ${timeoutMs} ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    const work = (async () => {
      const target = await checkedAddress(url, trusted, policy.resolve ?? systemResolve);
      if (controller.signal.aborted) throw controller.signal.reason;
      return get(url, target, policy.maxBytes ?? CIMD_MAX_BYTES, controller.signal, policy.ca);
    })();
    work.catch(() => undefined); // the deadline may win; the loser's rejection is expected
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
