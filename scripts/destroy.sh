#!/usr/bin/env bash
# Delete every stack of the app from the AWS account and region of the current credentials.
# Usage: npm run destroy -- [cdk options], e.g. npm run destroy -- -c stage=prod
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "error: $*" >&2
  exit 1
}

# Checks before touching AWS: the aws CLI, valid credentials and a region; no bootstrap check,
# since stacks can be deleted without it. Sets ACCOUNT and REGION. A --profile given for cdk is
# used here too.
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
}

usage() {
  cat <<'USAGE'
Usage: npm run destroy -- [cdk destroy options]

Deletes all stacks of the app (McpAuth-<stage>-*) without asking. With the default
retainData=false this removes every resource, users and registrations included; stacks
deployed with -c retainData=true leave the user pool, tables and log groups behind (RETAIN).
Pass the same -c options you deployed with, for example:
  npm run destroy -- -c stage=prod
USAGE
}

for arg in "$@"; do
  case "$arg" in -h | --help) usage; exit 0 ;; esac
done

preflight "$@"
echo "Destroying all stacks in account ${ACCOUNT}, ${REGION}..."
npx cdk destroy --all --force "$@"
