#!/bin/sh
# Runs inside the test guest: the kernel suite under vitest, then one KERNEL-SUMMARY line that
# the host-side runner (test/run.mjs) reads the counts from.
cd "$(dirname "$0")/../.." || exit 3
report=/tmp/kernel-report.json
rm -f "$report"
npx vitest run --config test/kernel/vitest.config.ts --reporter=default --reporter=json \
  --outputFile.json="$report" "$@"
status=$?
node -e '
  const fs = require("fs");
  let r = {};
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch {}
  const failed = (r.numFailedTests ?? 0) + (r.success === false && !r.numFailedTests ? 1 : 0);
  console.log("KERNEL-SUMMARY " + JSON.stringify({ passed: r.numPassedTests ?? 0, failed: r.numTotalTests === undefined ? 1 : failed }));
' "$report"
exit $status
