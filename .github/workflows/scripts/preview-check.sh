#!/usr/bin/env bash
# Preview with the policy pack for one stack, the standard CrossGuard way, as the pull-request
# workflow runs it: `pulumi preview --policy-pack policy [--policy-pack-config
# stacks/Pulumi.STACK.policy.json]` through `npm run pulumi` (the project's backend and secrets).
# The CLI's output goes to OUT_DIR/preview-STACK.txt, its exit code to preview-STACK.exit; exits
# with it (non-zero when a mandatory policy blocks the preview or it fails).
#   bash .github/workflows/scripts/preview-check.sh STACK [OUT_DIR] [extra pulumi flags...]
set -uo pipefail
stack="$1"
out="${2:-reports}"
shift $(( $# < 2 ? $# : 2 ))
cd "$(dirname "$0")/../../.." || exit 1
root="$PWD"
mkdir -p "$out"
# Absolute paths: an extra `--cwd` moves the CLI elsewhere.
args=(preview --stack "$stack" --policy-pack "$root/policy" --non-interactive)
config="$root/stacks/Pulumi.$stack.policy.json"
[ -f "$config" ] && args+=(--policy-pack-config "$config")
node_modules/.bin/node --import tsx automation/plain-pulumi.ts "${args[@]}" "$@" > "$out/preview-$stack.txt" 2>&1
code=$?
echo "$code" > "$out/preview-$stack.exit"
exit "$code"
