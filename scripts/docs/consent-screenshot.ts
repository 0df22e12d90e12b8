/**
 * Makes docs/images/consent-page.png, the consent page as a user sees it (docs/authorization.md).
 * Run by hand, not by `npm test`: `npx tsx scripts/docs/consent-screenshot.ts [output.png]`.
 * Starts the local stack in a temporary state directory on a free port, registers a public client
 * with a loopback redirect URI (as MCP clients do), opens its /authorize URL in headless Chromium
 * (test/e2e/support/chromium.ts) and saves a screenshot of the page; nothing is clicked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChromiumSession } from '../../test/e2e/support/chromium';
import { freePort } from '../local/services';
import { startLocalStack } from '../local/stack';

const OUTPUT = resolve(process.argv[2] ?? join(__dirname, '../../docs/images/consent-page.png'));
const REDIRECT_URI = 'http://127.0.0.1:8765/callback';

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'mcp-consent-shot-'));
  const stack = await startLocalStack({ port: await freePort(), stateDir, log: false });
  let browser: ChromiumSession | undefined;
  try {
    const registered = await fetch(stack.urls.register, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Example MCP client', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }),
    });
    if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${await registered.text()}`);
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const authorize = new URL(stack.urls.authorize);
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    for (const [name, value] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, code_challenge: challenge, code_challenge_method: 'S256', state: 'docs', resource: stack.urls.mcp, scope: `${stack.urls.mcp}/read ${stack.urls.mcp}/write` })) {
      authorize.searchParams.set(name, value);
    }
    browser = await ChromiumSession.launch();
    const shown = await browser.visit(authorize.href);
    if (shown.status !== 200 || browser.problems.length) throw new Error(`the consent page did not load cleanly (${shown.status}): ${browser.problems.join('; ')}`);
    await browser.screenshot(OUTPUT);
    process.stdout.write(`${OUTPUT}\n`);
  } finally {
    await browser?.close();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
