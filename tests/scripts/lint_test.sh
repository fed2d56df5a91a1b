#!/usr/bin/env bash
# scripts/lint against small trees of its own: a clean one passes, and each planted
# violation (an include of a library not linked, an include climbing out with "../", a
# Redis key joined to the prefix outside the keys header, an fsync or a rename outside
# the file-system seam) fails it with a line naming the rule, the file and the line.
set -euo pipefail
lint="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts" && pwd -P)/lint"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() {
  printf 'FAIL: %s\n' "$*"
  failures=$((failures + 1))
}

# clean_tree DIR: three libraries, bottom up: util <- keys <- engine.
clean_tree() {
  local d=$1
  mkdir -p "$d/src/util" "$d/src/keys" "$d/src/engine" "$d/src/store/redis"
  cat >"$d/CMakeLists.txt" <<'EOF'
mtg_module(util        util          fmt::fmt)
mtg_module(keys        keys          mtg_util)
mtg_module(redis       store/redis   mtg_util)
mtg_module(engine      engine        mtg_keys mtg_redis)
EOF
  printf '#pragma once\n' >"$d/src/util/status.h"
  printf '#include "util/status.h"\nint sync_file(int fd) { return ::fsync(fd); }\n' >"$d/src/util/file_system.cc"
  printf '#pragma once\n#include "util/status.h"\nstd::string rtss(std::string prefix) { return prefix + "rtss"; }\n' \
    >"$d/src/keys/redis_keys.h"
  printf '#pragma once\n// e.g. {"XADD", "mtg:rtss"}\n#include "util/status.h"\n' >"$d/src/store/redis/redis_client.h"
  printf '#include "keys/redis_keys.h"\n#include "store/redis/redis_client.h"\n#include <cstdio>\n' \
    >"$d/src/engine/engine.cc"
}

# expect_violation NAME PATTERN SETUP...: a clean tree changed by SETUP (run in it)
# makes lint fail with an output line matching PATTERN.
expect_violation() {
  local name=$1 pattern=$2 out
  shift 2
  local d="$tmp/$name"
  clean_tree "$d"
  (cd "$d" && eval "$*")
  if out=$("$lint" "$d" 2>&1); then
    fail "$name: lint passed; expected a line matching '$pattern'"
  elif ! grep -qE "$pattern" <<<"$out"; then
    fail "$name: no line matching '$pattern' in: $out"
  fi
}

clean_tree "$tmp/clean"
out=$("$lint" "$tmp/clean" 2>&1) || fail "clean tree: lint failed: $out"

expect_violation unlinked 'layers: src/util/status.h:2: mtg_util includes "engine/engine.h" of mtg_engine without linking it' \
  'touch src/engine/engine.h; printf "#pragma once\n#include \"engine/engine.h\"\n" > src/util/status.h'
expect_violation transitive_ok_but_upward 'layers: src/keys/redis_keys.h:.*mtg_keys includes "store/redis/redis_client.h" of mtg_redis' \
  'printf "#include \"store/redis/redis_client.h\"\n" >> src/keys/redis_keys.h'
expect_violation climbing 'layers: src/engine/engine.cc:4: includes "../util/status.h"' \
  'printf "#include \"../util/status.h\"\n" >> src/engine/engine.cc'
expect_violation raw_key 'keys: src/engine/engine.cc:4:' \
  'printf "auto k = config.redis.prefix + \"engine:heartbeat\";\n" >> src/engine/engine.cc'
expect_violation literal_key 'keys: src/engine/engine.cc:4:' \
  'printf "auto k = \"mtg:rtss\";\n" >> src/engine/engine.cc'
expect_violation fsync 'files: src/engine/engine.cc:4:' \
  'printf "void f(int fd) { ::fsync(fd); }\n" >> src/engine/engine.cc'
expect_violation fdatasync 'files: src/engine/engine.cc:4:' \
  'printf "void f(int fd) { fdatasync(fd); }\n" >> src/engine/engine.cc'
expect_violation rename 'files: src/engine/engine.cc:4:' \
  'printf "void f() { std::filesystem::rename(a, b); }\n" >> src/engine/engine.cc'

# A member named like the calls (x.rename(…), o->fsync(…)) and comments are not calls.
clean_tree "$tmp/members"
printf 'void f(T& t) { t.rename(1); p->fsync(2); }\n// ::fsync(fd) in a comment\n' >>"$tmp/members/src/engine/engine.cc"
out=$("$lint" "$tmp/members" 2>&1) || fail "members: lint failed: $out"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "lint_test: ok"
