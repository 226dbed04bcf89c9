#!/usr/bin/env bash
# Creates or updates the pull-request comment of one stack, found by the hidden marker on its
# first line, so each stack keeps one comment however often the PR is pushed.
#   bash upsert-comment.sh PR_NUMBER STACK BODY_FILE     (needs GH_TOKEN and GITHUB_REPOSITORY)
set -euo pipefail
pr="$1"
stack="$2"
body="$3"
marker="<!-- switchyard-pr:${stack} -->"
id=$(gh api "repos/${GITHUB_REPOSITORY}/issues/${pr}/comments" --paginate \
  --jq ".[] | select(.body | startswith(\"${marker}\")) | .id" | head -n 1)
if [ -n "$id" ]; then
  gh api -X PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${id}" -F "body=@${body}" > /dev/null
else
  gh api -X POST "repos/${GITHUB_REPOSITORY}/issues/${pr}/comments" -F "body=@${body}" > /dev/null
fi
