// File operations of the backup module, built on util/file_system.h (which holds the
// durable writes, renames and moves aside): hashed copies and reads in bounded memory,
// scratch directories.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "backup/manifest.h"
#include "util/file_system.h"
#include "util/status.h"

namespace mtg::backup {

// Bytes read or written per system call when copying or hashing.
inline constexpr size_t kCopyChunkBytes = 1024 * 1024;

// Called with bytes done and bytes total (-1 when unknown) while a long operation runs.
using ProgressFn = std::function<void(std::string_view stage, int64_t done_bytes, int64_t total_bytes)>;

// Copies `src` to a new file `dest` (mode 0600), fsyncs it and returns its size and
// SHA-256 (name left empty). kNotFound when src is missing.
Result<ManifestFile> copy_file_hashed(const std::string& src, const std::string& dest,
                                      const ProgressFn& progress = {},
                                      FileSystem& file_system = FileSystem::real());

// Size and SHA-256 of a file (name left empty), read in bounded chunks.
Result<ManifestFile> hash_file(const std::string& path);

// The whole file, when it holds at most max_bytes (kFailedPrecondition otherwise).
Result<std::string> read_small_file(const std::string& path, size_t max_bytes);

// A private scratch directory under $TMPDIR (or /tmp), removed with its contents
// when the object dies. Move-only.
class ScratchDir {
 public:
  // A new directory whose name holds `label`; when none can be created, the error
  // names it and errno (see file_error).
  static Result<ScratchDir> create(const std::string& label);
  ~ScratchDir();
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  explicit ScratchDir(std::string path);

  std::string path_;  // "" once moved from
};

}  // namespace mtg::backup
