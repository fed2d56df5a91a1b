#!/usr/bin/env bash
# deploy/systemd/ as systemd reads it: every unit passes `systemd-analyze verify` without
# a single complaint (an unknown key or a bad value is only a warning there, so any output
# fails), restarts always, carries the same hardening block as the others, and scores
# "OK" (exposure at most 2.5) in `systemd-analyze security --offline`. The units name
# /usr/local/bin/mtguard, which verify wants to exist: the copies checked here name a
# stand-in. Skipped, saying so, where systemd-analyze is missing.
set -euo pipefail
units="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../deploy/systemd" && pwd -P)"
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (Debian's systemd package has it)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\nexit 0\n' >"$tmp/mtguard"
chmod 755 "$tmp/mtguard"

failures=0
fail() {
  printf 'FAIL: %s\n' "$*"
  failures=$((failures + 1))
}

# hardening FILE: the lines from "# Hardening" to "# End of hardening."
hardening() { sed -n '/^# Hardening/,/^# End of hardening\./p' "$1"; }

reference="$units/mtguard-engine.service"
[ -n "$(hardening "$reference")" ] || fail "$reference has no hardening block"
count=0
for unit in "$units"/*.service; do
  name=$(basename "$unit")
  count=$((count + 1))
  sed "s|/usr/local/bin/mtguard|$tmp/mtguard|g" "$unit" >"$tmp/$name"
  out=$(systemd-analyze verify --man=no "$tmp/$name" 2>&1) || fail "$name: systemd-analyze verify failed"
  [ -z "$out" ] || fail "$name: systemd-analyze verify says: $out"
  grep -qx 'Restart=always' "$unit" || fail "$name: no Restart=always"
  grep -q '^ExecStart=/usr/local/bin/mtguard ' "$unit" || fail "$name: ExecStart is not /usr/local/bin/mtguard"
  [ "$(hardening "$unit")" = "$(hardening "$reference")" ] || fail "$name: its hardening block differs from $(basename "$reference")'s"
  systemd-analyze security --offline=yes --threshold=25 "$tmp/$name" >/dev/null 2>&1 ||
    fail "$name: exposure above 2.5 ($(systemd-analyze security --offline=yes "$tmp/$name" 2>&1 | tail -n 1))"
done
[ "$count" -eq 4 ] || fail "expected the units of engine, backend, backupd and web, found $count"
[ "$failures" -eq 0 ] || exit 1
echo "ok: $count units verified"
