# Sourced by the benchmarks that time drift-deploy on the local emulator: scripts/bench-invoke,
# scripts/bench/http-clients and scripts/bench/startup-steps. Run from the repository's root.

# Points the AWS SDKs (and boto3 >= 1.28) at the local emulator: AWS_ENDPOINT_URL when it names a
# loopback address, else scripts/emulator, started here; never another endpoint. Sets
# emulator_started_here: whether the caller must stop the emulator when it is done.
# $1: the benchmark's name, for the error.
use_local_emulator() {
  emulator_started_here=false
  if [[ -z ${AWS_ENDPOINT_URL:-} ]]; then
    scripts/emulator status >/dev/null 2>&1 || emulator_started_here=true
    AWS_ENDPOINT_URL=$(scripts/emulator start | tail -n 1)
  fi
  if [[ ! $AWS_ENDPOINT_URL =~ ^http://(127\.[0-9.]+|localhost)(:[0-9]+)?/?$ ]]; then
    echo "$1: AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL is not a local emulator; this benchmark only runs on one" >&2
    exit 1
  fi
  export AWS_ENDPOINT_URL AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
  unset AWS_PROFILE AWS_SESSION_TOKEN JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS
}

# The median of the numbers in $1, separated by spaces (the lower middle one for an even count).
median() {
  local sorted
  sorted=$(tr ' ' '\n' <<<"$1" | grep . | sort -n)
  sed -n "$((($(wc -l <<<"$sorted") + 1) / 2))p" <<<"$sorted"
}
