// Waiting in tests for something another process does: never a bound on how fast.
#pragma once

#include <functional>

namespace mtg::testkit {

// Polls `cond` every 100 ms until it holds or timeout_ms passed; its last answer.
bool eventually(const std::function<bool()>& cond, int timeout_ms);

}  // namespace mtg::testkit
