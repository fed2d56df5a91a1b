// Access to the local stack of real servers for integration tests (docs/requirements.md
// "Local stack"): `scripts/stack up` then `eval "$(scripts/stack env)"` exports MTG_CONFIG.
// Tests call MTG_REQUIRE_STACK() first, so they skip instead of failing without it.
#pragma once

#include <string>

#include "config/config.h"

namespace mtg::testkit {

// True when $MTG_CONFIG names a config file that loads.
bool stack_available();
// The loaded $MTG_CONFIG. Precondition: stack_available().
const Config& stack_config();
// True when $MTG_CONFIG is the config of <source dir>/scripts/stack, so stack_run can
// kill and restart the very servers the test talks to (false for hand-started ones).
bool stack_controllable();
// Runs `<source dir>/scripts/stack <args>` (e.g. "kill redis") and stops the test
// binary loudly if it exits non-zero.
void stack_run(const std::string& args);
// The project's source directory.
std::string source_dir();

}  // namespace mtg::testkit

// Skips the current test when no stack is configured.
#define MTG_REQUIRE_STACK()                                                        \
  do {                                                                             \
    if (!::mtg::testkit::stack_available()) {                                      \
      GTEST_SKIP() << "no stack: run scripts/stack up; eval \"$(scripts/stack env)\""; \
    }                                                                              \
  } while (0)
