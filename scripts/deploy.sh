#!/usr/bin/env bash
# Deploy every stack of the app to the AWS account and region of the current credentials.
# Usage: npm run deploy -- [cdk options], e.g. npm run deploy -- -c stage=prod -c retainData=true
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/aws-preflight.sh
. scripts/aws-preflight.sh

usage() {
  cat <<'USAGE'
Usage: npm run deploy -- [cdk deploy options]

Deploys all stacks (McpAuth-<stage>-Cognito, -AuthorizationServer, -McpServer, -Monitoring) to the AWS
account and region of your current credentials, without approval prompts, and writes the
stack outputs (MCP server URL, metadata URL, registration endpoint, user pool id, managed
login URL, static client id, alarm topic, dashboard) to cdk-outputs.json.

Needs: the aws CLI, valid credentials (aws sts get-caller-identity), and a CDK-bootstrapped
account/region (npx cdk bootstrap). A custom bootstrap qualifier is read from
-c @aws-cdk/core:bootstrapQualifier=..., CDK_BOOTSTRAP_QUALIFIER or cdk.json, in that order.
Any extra options go to cdk deploy, for example:
  npm run deploy -- -c stage=prod -c retainData=true
  npm run deploy -- -c domainPrefix=my-unique-prefix -c callbackUrls=https://app.example.com/cb
  AWS_PROFILE=work AWS_REGION=eu-west-1 npm run deploy
USAGE
}

if wants_help "$@"; then usage; exit 0; fi

preflight "$@"
require_bootstrap
echo "Deploying to account ${ACCOUNT} in ${REGION}..."
npx cdk deploy --all --require-approval never --outputs-file cdk-outputs.json \
  ${QUALIFIER_CONTEXT[@]+"${QUALIFIER_CONTEXT[@]}"} "$@"
echo "Done. Stack outputs are in cdk-outputs.json."
