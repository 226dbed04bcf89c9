#!/usr/bin/env bash
# Preview with the policy pack for one stack, as the pull-request workflow runs it: the JSON
# report in OUT_DIR. Exits with preview's code (1 when a mandatory policy blocks it).
#   bash .github/workflows/scripts/preview-check.sh STACK [OUT_DIR] [extra flags...]
set -uo pipefail
stack="$1"
out="${2:-reports}"
shift $(( $# < 2 ? $# : 2 ))
cd "$(dirname "$0")/../../.." || exit 1
mkdir -p "$out"
node_modules/.bin/node --import tsx automation/cli.ts preview --stack "$stack" --policy --json --yes "$@" > "$out/preview-$stack.json"
