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

# CDK's bootstrap qualifier, as the deploy will use it: a '-c @aws-cdk/core:bootstrapQualifier=xyz'
# argument (also --context), else CDK_BOOTSTRAP_QUALIFIER, else the key in cdk.json's context,
# else CDK's default. Sets BOOTSTRAP_QUALIFIER, and QUALIFIER_CONTEXT: the -c arguments that
# hand a qualifier taken from CDK_BOOTSTRAP_QUALIFIER on to cdk, which does not read that variable.
bootstrap_qualifier() {
  local key='@aws-cdk/core:bootstrapQualifier' prev="" arg from_args="" from_json=""
  for arg in "$@"; do
    case "$prev" in -c | --context) case "$arg" in "${key}="*) from_args="${arg#"${key}="}" ;; esac ;; esac
    case "$arg" in --context="${key}="*) from_args="${arg#"--context=${key}="}" ;; esac
    prev="$arg"
  done
  if [ -f cdk.json ]; then
    local json pattern="\"${key}\"[[:space:]]*:[[:space:]]*\"([^\"]*)\""
    json="$(<cdk.json)"
    if [[ "$json" =~ $pattern ]]; then from_json="${BASH_REMATCH[1]}"; fi
  fi

  QUALIFIER_CONTEXT=()
  if [ -n "$from_args" ]; then
    BOOTSTRAP_QUALIFIER="$from_args"
  elif [ -n "${CDK_BOOTSTRAP_QUALIFIER:-}" ]; then
    BOOTSTRAP_QUALIFIER="$CDK_BOOTSTRAP_QUALIFIER"
    QUALIFIER_CONTEXT=(-c "${key}=${BOOTSTRAP_QUALIFIER}")
  elif [ -n "$from_json" ]; then
    BOOTSTRAP_QUALIFIER="$from_json"
  else
    BOOTSTRAP_QUALIFIER="$DEFAULT_BOOTSTRAP_QUALIFIER"
  fi
  [[ "$BOOTSTRAP_QUALIFIER" =~ ^[A-Za-z0-9_-]{1,10}$ ]] ||
    fail "invalid CDK bootstrap qualifier '${BOOTSTRAP_QUALIFIER}': 1-10 letters, digits, _ or -"
}

DEFAULT_BOOTSTRAP_QUALIFIER=hnb659fds

# The aws CLI, valid credentials and a region. Sets ACCOUNT and REGION, and the bootstrap
# qualifier (bootstrap_qualifier). A --profile given for cdk is used here too.
preflight() {
  bootstrap_qualifier "$@"
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

# CDK bootstrap of ACCOUNT/REGION with BOOTSTRAP_QUALIFIER: 'cdk bootstrap' writes this parameter;
# without it, deploys cannot upload assets.
require_bootstrap() {
  if ! aws ssm get-parameter --name "/cdk-bootstrap/${BOOTSTRAP_QUALIFIER}/version" --region "${REGION}" \
    --query Parameter.Value --output text >/dev/null 2>&1; then
    local command="npx cdk bootstrap aws://${ACCOUNT}/${REGION}"
    if [ "${BOOTSTRAP_QUALIFIER}" != "${DEFAULT_BOOTSTRAP_QUALIFIER}" ]; then command="${command} --qualifier ${BOOTSTRAP_QUALIFIER}"; fi
    fail "account ${ACCOUNT} is not CDK-bootstrapped in ${REGION} (bootstrap qualifier ${BOOTSTRAP_QUALIFIER}). Run: ${command}"
  fi
}
