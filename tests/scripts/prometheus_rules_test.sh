#!/usr/bin/env bash
# deploy/prometheus/ as Prometheus reads it: the rules and the example configuration pass
# `promtool check`, and every alert fires when, and only when, its unit tests in
# tests/prometheus/mtguard-rules.test.yml say (`promtool test rules`). Also checks that
# every alert of the rules file has a unit test. promtool comes with Debian's
# `prometheus` (scripts/setup installs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
rules="$root/deploy/prometheus/mtguard-rules.yml"
tests="$root/tests/prometheus/mtguard-rules.test.yml"
command -v promtool >/dev/null || { echo "FAIL: promtool missing (scripts/setup installs Debian's prometheus)"; exit 1; }

promtool check rules "$rules"
promtool check config "$root/deploy/prometheus/prometheus.yml"
(cd "$(dirname "$tests")" && promtool test rules "$(basename "$tests")")

untested=0
while read -r alert; do
  if ! grep -q "alertname: $alert\$" "$tests"; then
    echo "FAIL: alert $alert has no test in $tests"
    untested=$((untested + 1))
  fi
done < <(sed -n 's/^ *- alert: *\([A-Za-z0-9_]*\) *$/\1/p' "$rules")
[ "$untested" -eq 0 ] || exit 1
echo "ok: $(grep -c -- "- alert:" "$rules") alerts checked and tested"
