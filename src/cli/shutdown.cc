#include "cli/shutdown.h"

#include <csignal>

namespace mtg {
namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }
}  // namespace

const std::atomic<bool>& shutdown_flag() {
  static const bool installed = [] {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)installed;
  return g_stop;
}

}  // namespace mtg
