/**
 * Case-insensitive header lists with the methods of the web `Headers` class that the MCP SDK and
 * the handler use, for the request and response stand-ins the SDK is given (sdk-request.ts,
 * sdk-response.ts) instead of undici's classes. Names are kept lower-case, repeated names are
 * joined with ", ", and iteration is in name order, as `Headers` does. As `Headers` does too, a
 * name that is not an HTTP token or a value with CR, LF or NUL is refused with a TypeError, so
 * nothing can smuggle a header line into an answer.
 */

/** RFC 9110 §5.6.2 token characters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;

function checked(name: string, value: string): [string, string] {
  const text = String(value).trim();
  if (!TOKEN.test(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
  if (FORBIDDEN_IN_VALUE.test(text)) throw new TypeError(`Invalid value for header ${name}`);
  return [name.toLowerCase(), text];
}

/** What a list can be built from: a plain object (undefined values skipped), pairs, or another list. */
export type HeadersSource =
  | Record<string, string | undefined>
  | Iterable<readonly [string, string]>
  | { forEach(callback: (value: string, name: string) => void): void };

export class FetchHeaders {
  private readonly byName = new Map<string, string>();

  constructor(init?: HeadersSource | null) {
    if (!init) return;
    if (typeof (init as { forEach?: unknown }).forEach === 'function' && !Array.isArray(init)) {
      (init as { forEach(callback: (value: string, name: string) => void): void }).forEach((value, name) => this.append(name, value));
    } else if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
    } else {
      const record = init as Record<string, string | undefined>;
      for (const name in record) {
        const value = record[name];
        if (value !== undefined) this.append(name, value);
      }
    }
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    const [key, text] = checked(name, value);
    this.byName.set(key, text);
  }

  /** As `Headers.append`: a repeated name's values are joined with ", " (API Gateway joins them so too). */
  append(name: string, value: string): void {
    const [key, text] = checked(name, value);
    const earlier = this.byName.get(key);
    this.byName.set(key, earlier === undefined ? text : `${earlier}, ${text}`);
  }

  delete(name: string): void {
    this.byName.delete(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string, parent: FetchHeaders) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }

  /** In name order, as `Headers` iterates. */
  *entries(): IterableIterator<[string, string]> {
    yield* [...this.byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
