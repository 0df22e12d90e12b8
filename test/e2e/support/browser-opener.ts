/**
 * Stands in for the OS's URL opener (`xdg-open`) when a test runs the CLI client in its browser
 * mode: the CLI hands it the authorization URL, and it plays the user in a real headless Chromium
 * (chromium.ts) until Chromium itself reaches the CLI's loopback callback. The CLI starts it
 * detached with no output, so the outcome is written as JSON to `$BROWSER_OPENER_REPORT`.
 * `$BROWSER_OPENER_USERNAME` and `$BROWSER_OPENER_PASSWORD` are the credentials to type.
 */
import { writeFileSync } from 'node:fs';
import { ChromiumSession } from './chromium';

/** What the test reads back. */
export interface OpenerReport {
  readonly ok: boolean;
  /** Where the browser landed, without its query (the code stays out of files). */
  readonly landedOn?: string;
  readonly error?: string;
  readonly launchMs?: number;
}

async function main(): Promise<void> {
  const [url] = process.argv.slice(2);
  const reportFile = process.env.BROWSER_OPENER_REPORT;
  if (!reportFile) throw new Error('BROWSER_OPENER_REPORT is not set.');
  let report: OpenerReport;
  let browser: ChromiumSession | undefined;
  try {
    browser = await ChromiumSession.launch();
    const landed = await browser.loginInBrowser(url ?? '', process.env.BROWSER_OPENER_USERNAME ?? '', process.env.BROWSER_OPENER_PASSWORD ?? '');
    report = { ok: true, landedOn: `${landed.origin}${landed.pathname}`, launchMs: browser.launchMs };
  } catch (err) {
    report = { ok: false, error: (err as Error).message, launchMs: browser?.launchMs };
  } finally {
    await browser?.close();
  }
  writeFileSync(reportFile, JSON.stringify(report));
}

void main();
