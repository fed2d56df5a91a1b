#include "prefs/prefs_watcher.h"

#include <spdlog/spdlog.h>

#include "util/check.h"

namespace mtg {

PrefsWatcher::PrefsWatcher(PrefsStore& store, const Clock& clock, int64_t interval_ms)
    : store_(store), clock_(clock), interval_ms_(interval_ms) {
  MTG_CHECK(interval_ms_ > 0);
}

std::optional<Prefs> PrefsWatcher::poll() {
  const int64_t now = clock_.steady_ms();
  if (now < next_poll_ms_) return std::nullopt;
  next_poll_ms_ = now + interval_ms_;
  MTG_CHECK(next_poll_ms_ > now);
  auto fields = store_.fields();
  if (!fields) {
    if (last_status_.to_string() != fields.status().to_string()) {
      spdlog::warn("prefs: cannot read preferences (keeping the last ones): {}", fields.status().to_string());
    }
    last_status_ = fields.status();
    return std::nullopt;
  }
  if (seen_ && *fields == last_fields_) return std::nullopt;
  seen_ = true;
  last_fields_ = std::move(*fields);
  auto prefs = parse_prefs(last_fields_);
  if (!prefs) {
    spdlog::error("prefs: stored preferences are invalid (keeping the last good ones): {}",
                  prefs.status().to_string());
    last_status_ = prefs.status();
    return std::nullopt;
  }
  MTG_CHECK(seen_);
  last_status_ = Status::ok();
  return std::move(*prefs);
}

}  // namespace mtg
