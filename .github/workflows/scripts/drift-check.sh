#!/usr/bin/env bash
# The drift check of one stack, as CI runs it: the JSON report, Markdown and JUnit XML in OUT_DIR,
# the Markdown appended to the step summary when there is one. Exits with drift's own code:
# 0 no drift, 2 drift found, 1 error.
#   bash .github/workflows/scripts/drift-check.sh STACK [OUT_DIR] [extra drift flags...]
set -uo pipefail
stack="$1"
out="${2:-reports}"
shift $(( $# < 2 ? $# : 2 ))
cd "$(dirname "$0")/../../.." || exit 1
mkdir -p "$out"
node_modules/.bin/node --import tsx automation/cli.ts drift --stack "$stack" --json --yes \
  --markdown "$out/drift-$stack.md" --junit "$out/drift-$stack.xml" "$@" > "$out/drift-$stack.json"
code=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/drift-$stack.md" ]; then
  cat "$out/drift-$stack.md" >> "$GITHUB_STEP_SUMMARY"
fi
exit "$code"
