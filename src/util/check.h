// Invariant assertions that stay on in every build. A broken invariant stops the
// process loudly (message, file, line) instead of corrupting trade state.
#pragma once

namespace mtg {
[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* msg);
}

#define MTG_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::mtg::check_failed(#cond, __FILE__, __LINE__, ""))
#define MTG_CHECK_MSG(cond, msg) \
  ((cond) ? static_cast<void>(0) : ::mtg::check_failed(#cond, __FILE__, __LINE__, (msg)))
