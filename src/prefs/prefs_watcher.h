// PrefsWatcher: lets a long-running process (engine, backend, notifier) pick up
// preference changes without a restart. poll() reads the hash at most once per
// `interval_ms` (by the injected clock) and returns the decoded Prefs only when the
// stored fields differ from the last ones it saw (the first successful read counts
// as a change). A Redis error or a bad field keeps the last good preferences in
// effect: poll() returns nullopt and last_status() says why (logged once per change).
// Single-threaded; the store and clock must outlive the watcher.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "prefs/prefs_store.h"
#include "util/clock.h"

namespace mtg {

class PrefsWatcher {
 public:
  // Default poll interval for processes that do not choose one.
  static constexpr int64_t kDefaultIntervalMs = 1'000;

  PrefsWatcher(PrefsStore& store, const Clock& clock, int64_t interval_ms = kDefaultIntervalMs);

  // The new preferences when they changed since the last call that returned some;
  // nullopt when unchanged, not due yet, or unreadable.
  std::optional<Prefs> poll();

  // Why the last read failed; ok when it did not.
  const Status& last_status() const { return last_status_; }

 private:
  PrefsStore& store_;
  const Clock& clock_;
  int64_t interval_ms_;
  int64_t next_poll_ms_ = 0;
  bool seen_ = false;
  std::map<std::string, std::string> last_fields_;
  Status last_status_;
};

}  // namespace mtg
