#!/bin/sh
# The folder behind docs/images/history.png (docs/nightly-ci.md): 14 short runs of scenario.yaml,
# runs 1-4 as meshbench configures HAProxy, 5-8 with nbthread 1, 9-14 also without connection
# reuse between the sidecars; 13 and 14 gated against the folder (they record a gate outcome and
# print the step line). About 6 minutes. Then:
#   npx bench history OUT --html history.html --csv history.csv
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: run.sh OUT_DIR}
for i in $(seq 1 14); do
  [ "$i" -ge 5 ] && export MBH_THREADS=1
  [ "$i" -ge 9 ] && export MBH_NO_REUSE=1
  gate=""
  [ "$i" -ge 13 ] && gate="--baseline $out"
  # shellcheck disable=SC2086
  PATH="$here:$PATH" npx bench run "$here/scenario.yaml" --output "$out" $gate || echo "run $i exited $?"
done
