// An append-only file of JSON lines that survives kill -9: every append is fsynced
// before it returns, and a torn last line left by a crash is cut off on open.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/fd.h"
#include "util/status.h"

namespace mtg::sim {

class JsonlFile {
 public:
  // Opens (creating) path, appends every record in it to `records` and positions for
  // appending. The last line is dropped (and truncated away) when it has no "\n" or
  // is not a JSON object: that is a write cut short by a crash. A damaged line before
  // the last is kCorruption, naming the file and line.
  static Result<std::unique_ptr<JsonlFile>> open(const std::string& path, std::vector<nlohmann::json>& records);

  // Writes the record as one line and fdatasyncs; kIoError when either fails.
  Status append(const nlohmann::json& record);

  const std::string& path() const { return path_; }
  // Lines dropped as torn by open() (0 or 1).
  int torn_lines() const { return torn_lines_; }

 private:
  JsonlFile(std::string path, Fd fd, int torn) : path_(std::move(path)), fd_(std::move(fd)), torn_lines_(torn) {}

  std::string path_;
  Fd fd_;
  int torn_lines_;
};

}  // namespace mtg::sim
