// An append-only file of JSON lines that survives kill -9 and power loss: append()
// writes a line, sync() makes every line appended so far durable (one fdatasync for
// all of them: a group commit), and a torn last line left by a crash is cut off on open.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/fd.h"
#include "util/file_system.h"
#include "util/status.h"

namespace mtg::sim {

class JsonlFile {
 public:
  // Opens (creating) path, appends every record in it to `records` and positions for
  // appending. The last line is dropped (and truncated away) when it has no "\n" or
  // is not a JSON object: that is a write cut short by a crash. A damaged line before
  // the last is kCorruption, naming the file and line. Writes and syncs go through
  // `fs`, which must outlive the file.
  static Result<std::unique_ptr<JsonlFile>> open(const std::string& path, std::vector<nlohmann::json>& records,
                                                 FileSystem& fs = FileSystem::real());

  // Writes the record as one line (not yet durable: see sync); kIoError when it fails.
  Status append(const nlohmann::json& record);
  // Makes every line appended so far durable (fdatasync; nothing to do when none is
  // waiting); kIoError when it fails.
  Status sync();
  // Cuts the file after its first `lines` lines (read by open or appended since) and
  // syncs: lines a crash left without the rest of their group commit.
  Status keep_first(size_t lines);

  const std::string& path() const { return path_; }
  // Lines dropped as torn by open() (0 or 1).
  int torn_lines() const { return torn_lines_; }
  // Lines in the file: read by open() and appended since.
  size_t line_count() const { return line_ends_.size(); }
  // Lines appended and not yet synced.
  size_t unsynced_lines() const { return unsynced_lines_; }

 private:
  JsonlFile(std::string path, Fd fd, int torn, std::vector<size_t> line_ends, FileSystem& fs)
      : path_(std::move(path)), fd_(std::move(fd)), torn_lines_(torn), line_ends_(std::move(line_ends)), fs_(fs) {}

  std::string path_;
  Fd fd_;
  int torn_lines_;
  std::vector<size_t> line_ends_;  // the byte offset after each line's "\n"
  FileSystem& fs_;
  size_t unsynced_lines_ = 0;
};

}  // namespace mtg::sim
