#!/usr/bin/env bash
# The project's CLI client as the MCP conformance suite runs a client: the suite appends the MCP
# server URL and approves authorization requests without a page, so the CLI logs in --headless.
# It lists the tools, then calls the first one (scenarios such as step-up answer that call with
# 403 insufficient_scope). State goes to a fresh config folder per run.
set -euo pipefail
url="${*: -1}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
XDG_CONFIG_HOME="$(mktemp -d)"
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
cli() { "$root/node_modules/.bin/tsx" "$root/scripts/client/cli.ts" "$url" "$@" --headless; }
tools="$(cli tools)"
echo "$tools"
tool="$(echo "$tools" | head -1 | cut -d' ' -f1)"
if [ -n "$tool" ]; then cli call "$tool"; fi
