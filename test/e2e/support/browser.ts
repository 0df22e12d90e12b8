/**
 * A real browser for end-to-end tests, as jest sees it: each `TestBrowser` is one headless
 * Chromium with a fresh profile (chromium.ts), running in a child process (chromium-driver.ts)
 * because `@sparticuz/chromium` and `puppeteer-core` are ESM only and jest on Node 22 loads
 * CommonJS. A login fails on any CSP violation or blocked navigation Chromium reports, with a
 * screenshot (path in the error).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { DriverCommands } from './chromium-driver';

const ROOT = resolve(__dirname, '../../..');

type Answer = { id: number; result?: unknown; error?: string };

export class TestBrowser {
  private readonly pending = new Map<number, { ok(value: unknown): void; fail(err: Error): void }>();
  private nextId = 1;
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    /** Milliseconds Chromium took to start and open a page (a figure, never asserted). */
    readonly launchMs: number,
  ) {
    child.once('exit', () => {
      this.exited = true;
      for (const { fail } of this.pending.values()) fail(new Error('The Chromium driver exited.'));
      this.pending.clear();
    });
  }

  /** Starts Chromium with a fresh profile. */
  static async launch(): Promise<TestBrowser> {
    // tsx as a loader in one node process (the tsx CLI would add a second process and its signal relay).
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'chromium-driver.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<{ ready: boolean; launchMs?: number; error?: string }>((ok, fail) => {
      lines.once('line', (line) => ok(JSON.parse(line)));
      child.once('exit', (code) => fail(new Error(`The Chromium driver exited (${code}) before it was ready.`)));
    });
    if (!first.ready) throw new Error(`Chromium did not start: ${first.error}`);
    const browser = new TestBrowser(child, first.launchMs ?? 0);
    lines.on('line', (line) => browser.answer(JSON.parse(line) as Answer));
    return browser;
  }

  private answer(message: Answer): void {
    const waiting = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.error !== undefined) waiting?.fail(new Error(message.error));
    else waiting?.ok(message.result);
  }

  private call<K extends keyof DriverCommands>(command: K, ...args: Parameters<DriverCommands[K]>): ReturnType<DriverCommands[K]> {
    if (this.exited) throw new Error('The browser is closed.');
    const id = this.nextId++;
    return new Promise((ok, fail) => {
      this.pending.set(id, { ok, fail });
      this.child.stdin!.write(`${JSON.stringify({ id, command, args })}\n`);
    }) as ReturnType<DriverCommands[K]>;
  }

  /**
   * Opens `authorizationUrl` and plays the user until the browser itself is at the request's
   * `redirect_uri`: fills `username` / `password` on a login page and clicks Allow on a consent
   * page (`button[name=decision][value=allow]`), in either order, or none within a session.
   * Resolves with the callback URL the browser landed on.
   */
  async loginInBrowser(authorizationUrl: string, username: string, password: string): Promise<URL> {
    return new URL((await this.call('login', authorizationUrl, username, password)).callback);
  }

  /** Navigates to `url`; the status, final URL and visible text of the page. */
  goto(url: string): ReturnType<DriverCommands['goto']> {
    return this.call('goto', url);
  }

  /** Clicks `selector` (a submit button) and waits for the next page; its status, final URL and visible text. */
  click(selector: string): ReturnType<DriverCommands['click']> {
    return this.call('click', selector);
  }

  /** The cookies the browser holds for `url`'s host. */
  cookies(url: string): ReturnType<DriverCommands['cookies']> {
    return this.call('cookies', url);
  }

  /** CSP violations and blocked navigations Chromium reported so far. */
  problems(): Promise<string[]> {
    return this.call('problems');
  }

  /** Every main-frame response so far, redirects included: URL without query, status, CSP header. */
  pages(): ReturnType<DriverCommands['pages']> {
    return this.call('pages');
  }

  /** Closes Chromium and removes its profile. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((ok) => this.child.once('exit', ok));
    this.child.stdin!.end();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }
}

/** Launches a fresh browser, logs in (see `TestBrowser.loginInBrowser`), closes it. */
export async function loginInBrowser(authorizationUrl: string, username: string, password: string): Promise<URL> {
  const browser = await TestBrowser.launch();
  try {
    return await browser.loginInBrowser(authorizationUrl, username, password);
  } finally {
    await browser.close();
  }
}
