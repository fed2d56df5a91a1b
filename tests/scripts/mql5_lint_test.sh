#!/usr/bin/env bash
# scripts/mql5-lint: the project's mql5/ is clean, and each planted construct MQL5 lacks
# fails it with a line naming the file, the line and the construct; the same words in a
# comment or a string pass.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
lint="$here/scripts/mql5-lint"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() {
  printf 'FAIL: %s\n' "$*"
  failures=$((failures + 1))
}

"$lint" "$here" >/dev/null 2>&1 || fail "the project's mql5/ is not clean"

# expect_violation LINE PATTERN: a file holding LINE fails with an output line matching PATTERN.
expect_violation() {
  local line=$1 pattern=$2 out
  rm -rf "$tmp/mql5"
  mkdir -p "$tmp/mql5/Include"
  printf '// std::vector in a comment is fine\nstring ok = "auto x = new y;";\n%s\n' "$line" >"$tmp/mql5/Include/A.mqh"
  if out=$("$lint" "$tmp" 2>/dev/null); then
    fail "'$line' passed"
  elif ! grep -q "mql5/Include/A.mqh:3: $pattern" <<<"$out"; then
    fail "'$line': expected '$pattern' on line 3, got: $out"
  fi
}

expect_violation 'std::string s;' 'std::'
expect_violation 'auto n = 1;' 'auto'
expect_violation 'int f = [](int x) { return x; }(1);' 'a lambda'
expect_violation 'void g() { try { h(); } catch (...) {} }' 'exceptions'
expect_violation 'namespace a {}' 'a namespace'
expect_violation 'int v = p->x;' 'a pointer dereference'
expect_violation 'Foo *f = new Foo();' 'new/delete'
expect_violation 'for (int x : xs) {}' 'a range-for'
expect_violation 'constexpr int k = 1;' 'constexpr'
expect_violation 'int i = static_cast<int>(d);' 'a C++ cast'
expect_violation '#pragma once' '#pragma once'
expect_violation 'template <typename T> T id(T t);' 'templates/using'
expect_violation 'enum class E { A };' 'enum class'
expect_violation 'unsigned int u = 1;' 'a C++-only specifier'
expect_violation 'size_t n = 1;' 'a C++-only type'
expect_violation 'ulong m = 1ULL;' 'an integer suffix'

rm -rf "$tmp/mql5"
mkdir -p "$tmp/mql5"
printf 'int ok = (int)1.5; // new, delete, auto\n' >"$tmp/mql5/B.mq5"
"$lint" "$tmp" >/dev/null 2>&1 || fail "a C-style cast and words in a comment were refused"

[ "$failures" -eq 0 ] && echo "mql5_lint_test: ok"
exit "$failures"
