// Durable file operations for the backup directory: atomic writes (temp file, fsync,
// rename, fsync of the directory), hashed copies in bounded memory, moving aside.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "backup/manifest.h"
#include "util/status.h"

namespace mtg::backup {

// Bytes read or written per system call when copying or hashing.
inline constexpr size_t kCopyChunkBytes = 1024 * 1024;

// Called with bytes done and bytes total (-1 when unknown) while a long operation runs.
using ProgressFn = std::function<void(std::string_view stage, int64_t done_bytes, int64_t total_bytes)>;

// Writes `data` to `path` atomically with `mode`: a reader sees the old or the new
// file, never a part. kIoError names the path and errno (ENOSPC, EROFS, ...).
Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);

// fsync of a file or a directory.
Status fsync_path(const std::string& path);

// Renames `from` to `to` (replacing it) and fsyncs the directory of `to`, so that the
// rename survives a crash. kIoError names the paths and errno.
Status rename_durably(const std::string& from, const std::string& to);

// Copies `src` to a new file `dest` (mode 0600), fsyncs it and returns its size and
// SHA-256 (name left empty). kNotFound when src is missing.
Result<ManifestFile> copy_file_hashed(const std::string& src, const std::string& dest,
                                      const ProgressFn& progress = {});

// Size and SHA-256 of a file (name left empty), read in bounded chunks.
Result<ManifestFile> hash_file(const std::string& path);

// The whole file, when it holds at most max_bytes (kFailedPrecondition otherwise).
Result<std::string> read_small_file(const std::string& path, size_t max_bytes);

// Renames `path` (when it exists) to `<path>.<tag>-<unix ms>` and returns the new
// name; "" when there was nothing to move. Never deletes.
Result<std::string> move_aside(const std::string& path, const std::string& tag, int64_t now_ms);

// A private scratch directory under $TMPDIR (or /tmp), removed with its contents
// when the object dies.
class ScratchDir {
 public:
  // `label` becomes part of the name. Aborts when no directory can be created.
  explicit ScratchDir(const std::string& label);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace mtg::backup
