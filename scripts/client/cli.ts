/**
 * `npm run client -- <mcp-server-url> [command]`: a command-line MCP client that does the whole
 * MCP authorization flow (discovery, registration, PKCE login in the browser or headless, token
 * refresh, step-up) with the MCP TypeScript SDK v2. See docs/local-stack.md.
 */
import { parseArgs } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { identityOf } from './identity';
import { logout } from './logout';
import { openSession } from './session';
import { StateStore } from './store';
import { loginOriginOption } from './url-rules';

const USAGE = `Usage: npm run client -- <mcp-server-url> [command] [options]

Commands:
  tools                    list the server's tools (default)
  call <tool> [json-args]  call a tool, e.g. call notes_add '{"text":"hi"}'
  whoami                   call the whoami tool
  login                    log in (and register) without calling anything
  logout                   revoke the refresh token, delete the registration, forget everything

Options:
  --client-id <id>         use a pre-registered client instead of registering; an https URL is a
                           Client ID Metadata Document you host (its URL is the client id)
  --client-secret <secret> the pre-registered client's secret (better: MCP_CLIENT_SECRET, which
                           stays out of the process list): a confidential client
                           (client_secret_basic, or _post if that is all the server offers); kept
                           in the state file until logout
  --callback-port <port>   loopback port for the login callback (default: picked once, then reused)
  --headless               do not open a browser: follow the authorization redirects here, allow
                           the consent page, and fill a plain username/password login form (the
                           local stack's, Cognito's classic hosted UI); pages that need JavaScript
                           or MFA need a browser
  --username <name>        with --headless, fill the login form (or MCP_USERNAME)
  --password <password>    with --headless, fill the login form (or MCP_PASSWORD)
  --login-origin <origin>  with --headless, an origin besides the authorization endpoint's that may
                           receive the password (https, or http on loopback), e.g. Cognito's
                           https://<prefix>.auth.<region>.amazoncognito.com; repeatable
Browser: $BROWSER if set (a command; %s is the URL), else the OS opener; only https URLs, or http on
127.0.0.1, [::1] or localhost, are opened.
State: $XDG_CONFIG_HOME/mcp-auth-client/ (default ~/.config/mcp-auth-client/), files 0600.`;

const say = (sentence: string) => process.stderr.write(`${sentence}\n`);

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

function printResult(result: Awaited<ReturnType<Client['callTool']>>): void {
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  for (const item of content) process.stdout.write(`${item.type === 'text' ? item.text : JSON.stringify(item)}\n`);
  if (!content.length && result.structuredContent) process.stdout.write(`${JSON.stringify(result.structuredContent, null, 2)}\n`);
  if (result.isError) process.exitCode = 1;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'login-origin': { type: 'string', multiple: true },
      'callback-port': { type: 'string' },
      headless: { type: 'boolean', default: false },
      username: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) usage();
  const [serverUrl, command = 'tools', ...rest] = positionals;
  if (!serverUrl) usage('Give the MCP server URL, e.g. http://127.0.0.1:3000/mcp.');
  try {
    new URL(serverUrl);
  } catch {
    usage(`${serverUrl} is not a URL.`);
  }
  const store = new StateStore(serverUrl);
  if (command === 'logout') return logout(store, say);
  if (!['tools', 'call', 'whoami', 'login'].includes(command)) usage(`Unknown command ${command}.`);

  const username = values.username ?? process.env.MCP_USERNAME;
  const password = values.password ?? process.env.MCP_PASSWORD;
  const callbackPort = values['callback-port'] ? Number(values['callback-port']) : undefined;
  if (callbackPort !== undefined && !(Number.isInteger(callbackPort) && callbackPort > 0 && callbackPort < 65536)) usage('--callback-port must be a port number.');
  const identity = identityOf(values['client-id'], values['client-secret'] ?? (process.env.MCP_CLIENT_SECRET || undefined));
  if (identity instanceof Error) usage(identity.message);
  const loginOrigins = (values['login-origin'] ?? []).map((raw) => {
    const origin = loginOriginOption(raw);
    return origin instanceof Error ? usage(origin.message) : origin;
  });
  const session = await openSession(store, {
    serverUrl,
    identity,
    callbackPort,
    headless: values.headless ?? false,
    credentials: username && password ? { username, password } : undefined,
    loginOrigins,
    say,
  });
  try {
    if (command === 'login') {
      say(`Logged in to ${serverUrl}.`);
    } else if (command === 'tools') {
      const { tools } = await session.run((c) => c.listTools());
      for (const tool of tools) process.stdout.write(`${tool.name}${tool.description ? ` - ${tool.description}` : ''}\n`);
    } else if (command === 'whoami') {
      printResult(await session.run((c) => c.callTool({ name: 'whoami', arguments: {} })));
    } else {
      const [name, json] = rest;
      if (!name) usage('Name the tool to call.');
      let args: Record<string, unknown> = {};
      try {
        args = json ? (JSON.parse(json) as Record<string, unknown>) : {};
      } catch {
        usage(`The tool arguments must be JSON, got ${json}.`);
      }
      printResult(await session.run((c) => c.callTool({ name, arguments: args })));
    }
  } finally {
    await session.close();
  }
}

main().catch((err: Error) => {
  say(`Error: ${err.message}`);
  process.exit(1);
});
