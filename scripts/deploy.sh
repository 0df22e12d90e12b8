#!/usr/bin/env bash
# Deploy every stack of the app to the AWS account and region of the current credentials.
# Usage: npm run deploy -- [cdk options], e.g. npm run deploy -- -c stage=prod -c retainData=true
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "error: $*" >&2
  exit 1
}

# Checks before touching AWS: the aws CLI, valid credentials, a region, and CDK bootstrap of
# that account and region. Sets ACCOUNT and REGION. A --profile given for cdk is used here too.
preflight() {
  local prev=""
  for arg in "$@"; do
    case "$arg" in --profile=*) export AWS_PROFILE="${arg#--profile=}" ;; esac
    if [ "$prev" = "--profile" ]; then export AWS_PROFILE="$arg"; fi
    prev="$arg"
  done

  command -v aws >/dev/null 2>&1 ||
    fail "the AWS CLI (aws) is not installed or not on PATH. Install it: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"

  local identity
  if ! identity=$(aws sts get-caller-identity --query Account --output text 2>&1); then
    fail "no valid AWS credentials (aws sts get-caller-identity failed: ${identity}). Configure them with 'aws configure', 'aws sso login' or AWS_PROFILE."
  fi
  ACCOUNT="${identity}"

  REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}"
  [ -n "${REGION}" ] || fail "no AWS region. Set AWS_REGION (e.g. AWS_REGION=eu-west-1) or a default region with 'aws configure'."

  # 'cdk bootstrap' (default qualifier) writes this parameter; without it, deploys cannot upload assets.
  if ! aws ssm get-parameter --name /cdk-bootstrap/hnb659fds/version --region "${REGION}" \
    --query Parameter.Value --output text >/dev/null 2>&1; then
    fail "account ${ACCOUNT} is not CDK-bootstrapped in ${REGION}. Run: npx cdk bootstrap aws://${ACCOUNT}/${REGION}"
  fi
}

usage() {
  cat <<'USAGE'
Usage: npm run deploy -- [cdk deploy options]

Deploys all stacks (McpAuth-<stage>-Cognito, -AuthorizationServer, -McpServer) to the AWS
account and region of your current credentials, without approval prompts, and writes the
stack outputs (MCP server URL, metadata URL, registration endpoint, user pool id, managed
login URL, static client id) to cdk-outputs.json.

Needs: the aws CLI, valid credentials (aws sts get-caller-identity), and a CDK-bootstrapped
account/region (npx cdk bootstrap). Any extra options go to cdk deploy, for example:
  npm run deploy -- -c stage=prod -c retainData=true
  npm run deploy -- -c domainPrefix=my-unique-prefix -c callbackUrls=https://app.example.com/cb
  AWS_PROFILE=work AWS_REGION=eu-west-1 npm run deploy
USAGE
}

for arg in "$@"; do
  case "$arg" in -h | --help) usage; exit 0 ;; esac
done

preflight "$@"
echo "Deploying to account ${ACCOUNT} in ${REGION}..."
npx cdk deploy --all --require-approval never --outputs-file cdk-outputs.json "$@"
echo "Done. Stack outputs are in cdk-outputs.json."
