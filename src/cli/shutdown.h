// SIGINT/SIGTERM turn into a flag that long-running commands poll.
#pragma once

#include <atomic>

namespace mtg {
// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& shutdown_flag();
}
