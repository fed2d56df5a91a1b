// Terminal results the engine could not store (Redis down), kept in a local file and
// fsync'd before the engine moves on, so a crash during a Redis outage loses none of
// them. Replayed into the engine at start; applying a result twice is harmless (the
// engine ignores results for settled legs). Cleared once every spilled result is stored.
#pragma once

#include <string>
#include <vector>

#include "link/frame.h"
#include "util/status.h"

namespace mtg {

struct SpilledResult {
  std::string instance;
  link::ResultFrame result;
};

class SpillJournal {
 public:
  // Most results the journal holds; beyond it appends fail (and the terminal is
  // asked again later, see Engine::requery_silent).
  static constexpr size_t kMaxEntries = 100'000;

  explicit SpillJournal(std::string path) : path_(std::move(path)) {}

  // Appends one result and fsyncs the file.
  Status append(const std::string& instance, const link::ResultFrame& result);
  // Every result in the file; a torn last line (crash mid-append) is skipped.
  Result<std::vector<SpilledResult>> load();
  // Empties the file (fsync'd).
  Status clear();
  size_t size() const { return entries_; }

 private:
  std::string path_;
  size_t entries_ = 0;
};

}  // namespace mtg
