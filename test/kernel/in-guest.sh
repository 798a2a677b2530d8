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
  // The names of failed tests, and of tests that passed only when retried, so that the last
  // lines of a long log say what went wrong (the failure itself is printed above them).
  const first = (m) => String(m ?? "").split("\n").filter((l) => !/^\s+at /.test(l)).slice(0, 3).join(" | ").slice(0, 400);
  const failures = [];
  const retried = [];
  for (const file of r.testResults ?? []) {
    const where = file.name.includes("/test/") ? file.name.slice(file.name.indexOf("/test/") + 1) : file.name;
    if (file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed")) failures.push({ test: where, error: first(file.message) });
    for (const t of file.assertionResults ?? []) {
      if (t.status === "failed") failures.push({ test: `${where} > ${t.fullName}`, error: first(t.failureMessages[0]) });
      else if (t.status === "passed" && t.failureMessages?.length) retried.push({ test: `${where} > ${t.fullName}`, error: first(t.failureMessages[0]) });
    }
  }
  console.log("KERNEL-SUMMARY " + JSON.stringify({ passed: r.numPassedTests ?? 0, failed: r.numTotalTests === undefined ? 1 : failed, failures, retried }));
' "$report"
exit $status
