#!/usr/bin/env bash
# The project's CLI client as the MCP conformance suite runs a client: the suite appends the MCP
# server URL and approves authorization requests without a page, so the CLI logs in --headless.
# It lists the tools, then calls the first one (scenarios such as step-up answer that call with
# 403 insufficient_scope). State goes to a fresh config folder per run.
# Scenarios that hand the client a pre-registered client (MCP_CONFORMANCE_CONTEXT: client_id,
# client_secret) get it as --client-id/--client-secret; auth/basic-cimd gets the suite's Client ID
# Metadata Document URL as --client-id, as a user passes the URL of the document they host.
set -euo pipefail
url="${*: -1}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
XDG_CONFIG_HOME="$(mktemp -d)"
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
client=()
context_field() { "$root/node_modules/.bin/node" -e 'const c = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT || "{}"); process.stdout.write(String(c[process.argv[1]] ?? ""))' "$1"; }
if [ -n "${MCP_CONFORMANCE_CONTEXT:-}" ]; then
  id="$(context_field client_id)"
  secret="$(context_field client_secret)"
  if [ -n "$id" ]; then client+=(--client-id "$id"); fi
  if [ -n "$secret" ]; then export MCP_CLIENT_SECRET="$secret"; fi
fi
if [ "${MCP_CONFORMANCE_SCENARIO:-}" = "auth/basic-cimd" ]; then client+=(--client-id https://conformance-test.local/client-metadata.json); fi
cli() { "$root/node_modules/.bin/tsx" "$root/scripts/client/cli.ts" "$url" "$@" "${client[@]}" --headless; }
tools="$(cli tools)"
echo "$tools"
tool="$(echo "$tools" | head -1 | cut -d' ' -f1)"
if [ -n "$tool" ]; then cli call "$tool"; fi
