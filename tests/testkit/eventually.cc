#include "testkit/eventually.h"

#include <chrono>
#include <thread>

namespace mtg::testkit {

bool eventually(const std::function<bool()>& cond, int timeout_ms) {
  constexpr int kPollMs = 100;
  for (int waited = 0; waited < timeout_ms; waited += kPollMs) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  return cond();
}

}  // namespace mtg::testkit
