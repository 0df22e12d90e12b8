/**
 * The `Response` class inside the MCP function's bundle: esbuild injects this module's `Response`
 * in place of the global one (lib/lambda-bundling.ts, BUNDLE_INJECTS), so the MCP SDK builds its
 * answers with it. It has the members of the web `Response` that the SDK and the handler use, with
 * their semantics: `new Response(body, init)`, `Response.json`, `status`, `statusText`, `ok`,
 * `headers`, `body`, `bodyUsed`, `text()`, `json()`, `arrayBuffer()`, `clone()`.
 *
 * Why: Node's global `Response` is undici's. Its first use loads undici, about 45 ms of this
 * machine's CPU in every cold start (a third of the handler's own start; `npm run bench`, cold
 * leg), and each one builds a WebIDL-checked `Headers` and a web stream for its body, which the
 * handler reads back into the string the SDK had just serialized. Here a body given as a string
 * stays one: `text()` returns it. A stream body (the SDK's SSE answers) is kept and read as a
 * stream; a string body becomes one only if `body` is asked for.
 *
 * Unbundled (jest unit tests, `tsx`), the SDK uses undici's `Response`, and the handler reads
 * either the same way (mcp-server.ts, `answer`).
 *
 * Maintainers upgrading the SDK: a body type not listed here (Blob, FormData, URLSearchParams)
 * throws a TypeError, so the MCP tests fail with a 500 if the SDK starts sending one; a member not
 * listed reads as undefined. test/unit/mcp/sdk-response.test.ts compares this class with undici's.
 */
import { FetchHeaders, type HeadersSource } from './fetch-headers';

type Content = string | Uint8Array | ReadableStream<Uint8Array> | null;

export type ResponseBody = string | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | null | undefined;

export interface ResponseOptions {
  readonly status?: number;
  readonly statusText?: string;
  readonly headers?: HeadersSource;
}

/** Statuses whose responses have no body (Fetch standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export class Response {
  readonly status: number;
  readonly statusText: string;
  readonly headers: FetchHeaders;
  readonly type = 'default';
  readonly url = '';
  readonly redirected = false;
  private content: Content;
  private used = false;
  /** Whether the constructor gave a string body its default type (`json` then replaces it). */
  private readonly typeDefaulted: boolean = false;

  constructor(body: ResponseBody = null, init: ResponseOptions = {}) {
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`Response status ${status} is not in the range 200 to 599`);
    this.status = status;
    this.statusText = init.statusText ?? '';
    this.headers = new FetchHeaders(init.headers);
    this.content = toContent(body);
    if (this.content !== null && NULL_BODY_STATUSES.has(status)) throw new TypeError(`Response with status ${status} cannot have a body`);
    if (typeof this.content === 'string' && !this.headers.has('content-type')) {
      this.headers.set('content-type', 'text/plain;charset=UTF-8');
      this.typeDefaulted = true;
    }
  }

  /** As `Response.json`: the data serialized, with `content-type: application/json` unless given. */
  static json(data: unknown, init: ResponseOptions = {}): Response {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Response.json: the value cannot be serialized to JSON');
    const response = new Response(text, init);
    if (response.typeDefaulted) response.headers.set('content-type', 'application/json');
    return response;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  /** The body as a stream; a string or byte body is turned into one only when asked for. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.content === null || this.content instanceof ReadableStream) return this.content;
    const bytes = typeof this.content === 'string' ? new TextEncoder().encode(this.content) : this.content;
    this.content = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    return this.content;
  }

  async text(): Promise<string> {
    const content = this.consume();
    if (content === null) return '';
    if (typeof content === 'string') return content;
    return new TextDecoder().decode(content instanceof ReadableStream ? await readAll(content) : content);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const content = this.consume();
    const bytes = content === null ? new Uint8Array(0) : typeof content === 'string' ? new TextEncoder().encode(content) : content instanceof ReadableStream ? await readAll(content) : content;
    return bytes.slice().buffer;
  }

  clone(): Response {
    if (this.used) throw new TypeError('Response.clone: the body has already been read');
    let body: Content = this.content;
    if (body instanceof ReadableStream) {
      const [mine, theirs] = body.tee();
      this.content = mine;
      body = theirs;
    }
    return new Response(body, { status: this.status, statusText: this.statusText, headers: this.headers });
  }

  /** As the Fetch standard: a null body is never "used" and reads as empty any number of times. */
  private consume(): Content {
    if (this.used) throw new TypeError('Body is unusable: the body has already been read');
    if (this.content !== null) this.used = true;
    return this.content;
  }
}

function toContent(body: ResponseBody): Content {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string' || body instanceof ReadableStream) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  throw new TypeError(`Response body of type ${Object.prototype.toString.call(body)} is not supported here (lambda/mcp/sdk-response.ts)`);
}

async function readAll(stream: ReadableStream<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(typeof value === 'string' ? new TextEncoder().encode(value) : value);
  }
  return Buffer.concat(chunks);
}
