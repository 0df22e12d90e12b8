/**
 * A real browser: headless Chromium from `@sparticuz/chromium` (the binary ships inside the npm
 * package) driven by `puppeteer-core`. Unlike `fetch`, it enforces what a user's browser enforces:
 * CSP (`form-action` is checked on every redirect after a form POST), cookie prefixes and
 * SameSite, X-Frame-Options. Any CSP violation or blocked navigation fails the login with
 * Chromium's own message, and a screenshot of the page is kept.
 *
 * Both packages are ESM only, which jest (CommonJS, Node 22) cannot load: this module runs in a
 * child process (chromium-driver.ts, under tsx); tests use it through browser.ts.
 */
import chromium from '@sparticuz/chromium';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** How long one step (a page load, a form submission) may take before the login is declared stuck. */
const STEP_TIMEOUT_MS = 15_000;
/** Login page, consent page, and back: a real flow needs 3 or 4 pages; more is a loop. */
const MAX_STEPS = 8;
/** Where screenshots of failed logins go (`BROWSER_SCREENSHOT_DIR` overrides). */
export const SCREENSHOT_DIR = process.env.BROWSER_SCREENSHOT_DIR ?? join(tmpdir(), 'mcp-browser-screenshots');

/**
 * @sparticuz/chromium's flags are made for AWS Lambda and turn web security off; a test of what a
 * user's browser enforces must keep it on. The added ones stop Chromium's own background traffic.
 */
const UNSAFE_FLAGS = new Set(['--disable-web-security', '--allow-running-insecure-content']);
const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export function launchArgs(): string[] {
  return [...chromium.args.filter((arg) => !UNSAFE_FLAGS.has(arg)), ...QUIET_FLAGS];
}

/** The failure of a login in the browser: Chromium's messages, the page's URL and text, a screenshot. */
export class BrowserLoginError extends Error {}

export class ChromiumSession {
  /** CSP violations and blocked navigations, as Chromium reported them. */
  readonly problems: string[] = [];
  /** Every main-frame response the browser got (redirects included): URL without query, status, CSP. */
  readonly pages: Array<{ url: string; status: number; csp?: string }> = [];
  /** HTTP status of the page the browser shows. */
  private status = 0;
  private problemSeen?: (problem: string) => void;

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly profileDir: string,
    /** Milliseconds from launch to a browser ready for a page (figures, never asserted). */
    readonly launchMs: number,
  ) {
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy|Refused to/i.test(text)) this.report(`console: ${text.trim()}`);
    });
    page.on('response', (response) => {
      if (!response.request().isNavigationRequest() || response.frame() !== page.mainFrame()) return;
      this.status = response.status();
      this.pages.push({ url: withoutQuery(response.url()), status: this.status, csp: response.headers()['content-security-policy'] });
    });
    page.on('requestfailed', (request) => {
      if (request.isNavigationRequest()) this.report(`navigation to ${withoutQuery(request.url())} failed: ${request.failure()?.errorText ?? 'unknown error'}`);
    });
  }

  /** A fresh Chromium with its own profile (no cookies from another test). */
  static async launch(): Promise<ChromiumSession> {
    const started = Date.now();
    const profileDir = mkdtempSync(join(tmpdir(), 'mcp-chromium-'));
    const options = { executablePath: await chromium.executablePath(), args: launchArgs(), headless: true, userDataDir: profileDir, defaultViewport: { width: 900, height: 800 } };
    let browser: Browser;
    try {
      browser = await puppeteer.launch(options);
    } catch {
      // Two test files may unpack the binary into /tmp at once; the second launch sees it complete.
      await new Promise((ok) => setTimeout(ok, 1000));
      browser = await puppeteer.launch(options);
    }
    const page = await browser.newPage();
    return new ChromiumSession(browser, page, profileDir, Date.now() - started);
  }

  private report(problem: string): void {
    this.problems.push(problem);
    this.problemSeen?.(problem);
  }

  /** Runs `action`, failing as soon as Chromium reports a problem, or after the step timeout. */
  private async step<T>(what: string, action: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_ok, fail) => {
      // Chromium reports a blocked form as a failed request and a console line; wait a moment for both.
      this.problemSeen = () => setTimeout(() => fail(new BrowserLoginError(`${what}: ${this.problems.join('\n')}`)), 250);
      timer = setTimeout(() => fail(new BrowserLoginError(`${what}: nothing happened within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
    });
    try {
      return await Promise.race([action(), failure]);
    } finally {
      clearTimeout(timer);
      this.problemSeen = undefined;
    }
  }

  /** Submits by clicking `selector` and waits for the page the browser ends up on. */
  private async submit(what: string, selector: string): Promise<void> {
    await this.step(what, () => Promise.all([this.page.waitForNavigation({ waitUntil: 'load', timeout: 0 }), this.page.click(selector)]));
  }

  /**
   * Opens `authorizationUrl` and plays the user until the browser itself is at the request's
   * `redirect_uri` (so the client's loopback listener got the browser's own request): fills
   * `username` and `password` on a login page, clicks Allow on a consent page (a submit button
   * `name=decision value=allow`), in whichever order the server shows them, or none (a session).
   * Returns the callback URL. Fails on a CSP violation, a blocked navigation, an error status or
   * an unknown page, with a screenshot.
   */
  async loginInBrowser(authorizationUrl: string, username: string, password: string): Promise<URL> {
    const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
    if (!redirectUri) throw new BrowserLoginError('The authorization URL has no redirect_uri.');
    const atCallback = () => {
      const here = new URL(this.page.url());
      return `${here.origin}${here.pathname}` === redirectUri;
    };
    try {
      await this.step('opening the authorization URL', () => this.page.goto(authorizationUrl, { waitUntil: 'load', timeout: 0 }));
      let loggedIn = false;
      for (let steps = 0; steps < MAX_STEPS; steps++) {
        if (this.problems.length) throw new BrowserLoginError(this.problems.join('\n'));
        if (atCallback()) return new URL(this.page.url());
        if (await this.page.$('input[name="password"]')) {
          if (loggedIn) throw new BrowserLoginError(`The login page came back after a login (${this.status}): ${await this.text()}`);
          await this.page.type('input[name="username"]', username);
          await this.page.type('input[name="password"]', password);
          await this.submit('submitting the login form', 'form:has(input[name="password"]) [type="submit"]');
          loggedIn = true;
        } else if (await this.page.$('button[name="decision"][value="allow"]')) {
          await this.submit('allowing on the consent page', 'button[name="decision"][value="allow"]');
        } else {
          throw new BrowserLoginError(`Neither a login nor a consent page at ${withoutQuery(this.page.url())} (${this.status}): ${await this.text()}`);
        }
      }
      throw new BrowserLoginError(`Still not at ${redirectUri} after ${MAX_STEPS} pages.`);
    } catch (err) {
      throw new BrowserLoginError(`${(err as Error).message}\nat ${withoutQuery(this.page.url())}; screenshot: ${await this.screenshot()}`);
    }
  }

  /** Navigates to `url`; the page's status, final URL and visible text. */
  async visit(url: string): Promise<{ status: number; url: string; text: string }> {
    await this.step(`opening ${withoutQuery(url)}`, () => this.page.goto(url, { waitUntil: 'load', timeout: 0 }));
    return { status: this.status, url: this.page.url(), text: await this.text() };
  }

  /** Clicks `selector` (a submit button) and waits for the page the browser ends up on; its status, URL and text. */
  async click(selector: string): Promise<{ status: number; url: string; text: string }> {
    await this.submit(`clicking ${selector}`, selector);
    return { status: this.status, url: this.page.url(), text: await this.text() };
  }

  /** The page's visible text, shortened, for error messages. */
  async text(): Promise<string> {
    const text = await this.page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    return text.replace(/\s+/g, ' ').trim().slice(0, 300);
  }

  /** Saves a screenshot of the current page (at `path`, else in SCREENSHOT_DIR); returns its path. */
  async screenshot(path = join(SCREENSHOT_DIR, `login-${Date.now()}-${process.pid}.png`)): Promise<string> {
    mkdirSync(dirname(path), { recursive: true });
    await this.page.screenshot({ path: path as `${string}.png`, fullPage: true }).catch(() => undefined);
    return path;
  }

  async close(): Promise<void> {
    const child = this.browser.process();
    await Promise.race([this.browser.close(), new Promise((ok) => setTimeout(ok, 5000).unref())]).catch(() => undefined);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}

/** A URL without its query: codes and states stay out of messages. */
function withoutQuery(url: string): string {
  return url.replace(/\?.*$/, '?…');
}
