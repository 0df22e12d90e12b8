#!/usr/bin/env bash
# Delete every stack of the app from the AWS account and region of the current credentials.
# Usage: npm run destroy -- [cdk options], e.g. npm run destroy -- -c stage=prod
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/aws-preflight.sh
. scripts/aws-preflight.sh

usage() {
  cat <<'USAGE'
Usage: npm run destroy -- [cdk destroy options]

Deletes all stacks of the app (McpAuth-<stage>-*) without asking. With the default
retainData=false this removes every resource, users and registrations included; stacks
deployed with -c retainData=true leave the user pool, tables, log groups, the broker's signing
key and the alarm topic's KMS key behind (RETAIN). KMS deletes a destroyed key after 30 days.
Pass the same -c options you deployed with, for example:
  npm run destroy -- -c stage=prod
USAGE
}

if wants_help "$@"; then usage; exit 0; fi

# No bootstrap check: stacks can be deleted without it.
preflight "$@"
echo "Destroying all stacks in account ${ACCOUNT}, ${REGION}..."
# The qualifier names the deploy role cdk assumes, so a CDK_BOOTSTRAP_QUALIFIER reaches cdk here too.
npx cdk destroy --all --force ${QUALIFIER_CONTEXT[@]+"${QUALIFIER_CONTEXT[@]}"} "$@"
