#include "util/progress.h"

#include <algorithm>

#include "util/check.h"

namespace mtg {

std::string percent_and_time_left(int64_t done, int64_t total, int64_t progressed, int64_t elapsed_ms) {
  MTG_CHECK(total > 0);
  MTG_CHECK(done >= 0);
  done = std::min(done, total);
  std::string text = "(" + std::to_string(done * 100 / total) + "%";
  if (progressed > 0 && elapsed_ms > 0 && done < total) {
    const double left_ms =
        static_cast<double>(elapsed_ms) * static_cast<double>(total - done) / static_cast<double>(progressed);
    text += ", about " + std::to_string(static_cast<int64_t>(left_ms / 1000.0 + 0.5)) + " s left";
  }
  return text + ")";
}

}  // namespace mtg
