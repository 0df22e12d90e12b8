# Shared by deploy.sh and destroy.sh (sourced, not run): checks before touching AWS.

fail() {
  echo "error: $*" >&2
  exit 1
}

# True when the arguments ask for help.
wants_help() {
  for arg in "$@"; do
    case "$arg" in -h | --help) return 0 ;; esac
  done
  return 1
}

# The aws CLI, valid credentials and a region. Sets ACCOUNT and REGION. A --profile given for
# cdk is used here too.
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

# CDK bootstrap of ACCOUNT/REGION: 'cdk bootstrap' (default qualifier) writes this parameter;
# without it, deploys cannot upload assets.
require_bootstrap() {
  if ! aws ssm get-parameter --name /cdk-bootstrap/hnb659fds/version --region "${REGION}" \
    --query Parameter.Value --output text >/dev/null 2>&1; then
    fail "account ${ACCOUNT} is not CDK-bootstrapped in ${REGION}. Run: npx cdk bootstrap aws://${ACCOUNT}/${REGION}"
  fi
}
