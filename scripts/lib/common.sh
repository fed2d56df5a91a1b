# shellcheck shell=bash
# Shared helpers for mtguard's bash scripts (sourced, never run).
# Provides: mtg_root (absolute project root), log/die with a tag, elapsed-time helpers.
# The sourcing script sets mtg_tag (e.g. "stack") before calling log or die.

mtg_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
mtg_tag=${mtg_tag:-mtg}

# log MESSAGE...: one tagged line on stderr (stdout stays clean for `env` and tables).
log() { printf '[%s] %s\n' "$mtg_tag" "$*" >&2; }

# die MESSAGE...: tagged error on stderr, exit 1.
die() { printf '[%s] error: %s\n' "$mtg_tag" "$*" >&2; exit 1; }

# now_us: microseconds since the epoch (bash 5's EPOCHREALTIME, no fork).
now_us() { local t=$EPOCHREALTIME; printf '%s' "${t/./}"; }

# elapsed_s START_US: seconds since START_US with two decimals, e.g. "1.27".
elapsed_s() {
  local d=$(( $(now_us) - $1 ))
  printf '%d.%02d' $(( d / 1000000 )) $(( d % 1000000 / 10000 ))
}
