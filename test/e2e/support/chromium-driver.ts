/**
 * Runs one ChromiumSession (chromium.ts) in its own process for browser.ts: one JSON request per
 * line on stdin (`{ id, command, args }`), one JSON answer per line on stdout (`{ id, result }` or
 * `{ id, error }`). The first line out is `{ ready: true, launchMs }` (or `{ ready: false, error }`).
 * Closing stdin closes Chromium, so a test that dies leaves no browser behind.
 */
import { createInterface } from 'node:readline';
import { ChromiumSession } from './chromium';

/** The commands browser.ts may send, and what each answers. */
export interface DriverCommands {
  login(url: string, username: string, password: string): Promise<{ callback: string }>;
  goto(url: string): Promise<{ status: number; url: string; text: string }>;
  click(selector: string): Promise<{ status: number; url: string; text: string }>;
  cookies(url: string): Promise<Array<{ name: string; value: string; httpOnly: boolean; secure: boolean; sameSite?: string; path: string }>>;
  problems(): Promise<string[]>;
  pages(): Promise<Array<{ url: string; status: number; csp?: string }>>;
}

const send = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function main(): Promise<void> {
  let session: ChromiumSession;
  try {
    session = await ChromiumSession.launch();
  } catch (err) {
    send({ ready: false, error: (err as Error).message });
    return;
  }
  const commands: DriverCommands = {
    login: async (url, username, password) => ({ callback: (await session.loginInBrowser(url, username, password)).href }),
    goto: (url) => session.visit(url),
    click: (selector) => session.click(selector),
    cookies: async (url) => (await session.page.browserContext().cookies()).filter((c) => new URL(url).hostname === c.domain.replace(/^\./, '')).map(({ name, value, httpOnly, secure, sameSite, path }) => ({ name, value, httpOnly: httpOnly ?? false, secure, sameSite, path })),
    problems: async () => [...session.problems],
    pages: async () => [...session.pages],
  };
  send({ ready: true, launchMs: session.launchMs });
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    // One command at a time, in order, as a user drives one tab.
    queue = queue.then(async () => {
      const { id, command, args } = JSON.parse(line) as { id: number; command: keyof DriverCommands; args: unknown[] };
      try {
        const run = commands[command] as (...a: unknown[]) => Promise<unknown>;
        send({ id, result: await run(...args) });
      } catch (err) {
        send({ id, error: (err as Error).message });
      }
    });
  });
  lines.on('close', () => void queue.then(() => session.close()).then(() => process.exit(0)));
}

void main();
