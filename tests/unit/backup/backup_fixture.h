// Shared helpers of the backup unit tests: a config in a TempDir, a fake handler.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "backup/backup_service.h"
#include "backup/kind_handler.h"
#include "testkit/temp_dir.h"
#include "util/clock.h"

namespace mtg::backup::testing {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Flips one byte of a file in place.
inline void flip_byte(const std::string& path, size_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5a));
}

// A config whose every path lies in `dir`; Redis points at a closed port (no backend).
inline Config temp_config(const testkit::TempDir& dir) {
  Config c;
  c.path = dir.file("mtguard.toml");
  c.redis.port = 1;
  c.redis.connect_timeout_ms = 200;
  c.backup.dir = dir.file("backups");
  c.instances_dir = dir.file("instances");
  c.duckdb.path = dir.file("data/mtguard.duckdb");
  c.prefs_file = dir.file("prefs.json");
  c.key_file = dir.file("keys/master.key");
  std::filesystem::create_directories(c.instances_dir);
  return c;
}

// Writes `payload` (a counter) into payload.txt; the drill checks it starts with
// "payload"; restore remembers the id. `fail_take`/`fail_drill` inject failures.
struct FakeWorld {
  int taken = 0;
  bool fail_take = false;
  bool fail_drill = false;
  std::string restored_id;
};

class FakeHandler final : public KindHandler {
 public:
  explicit FakeHandler(FakeWorld& world) : world_(world) {}
  Status take(const std::string& dir, Manifest& manifest) override {
    if (world_.fail_take) {
      std::ofstream(dir + "/half.txt") << "half";
      return Status::io("disk full (injected)");
    }
    std::ofstream(dir + "/payload.txt") << "payload " << ++world_.taken;
    MTG_RETURN_IF_ERROR(add_manifest_file(manifest, dir, "payload.txt"));
    manifest.raw_bytes = manifest.stored_bytes;
    return Status::ok();
  }
  Result<std::string> drill(const BackupEntry& entry, const std::string&) override {
    if (world_.fail_drill) return Status::corruption("drill failed (injected)");
    if (slurp(entry.path + "/payload.txt").rfind("payload", 0) != 0) return Status::corruption("bad payload");
    return std::string("fake drill ok");
  }
  Status restore(const BackupEntry& entry, const std::string&) override {
    world_.restored_id = entry.id;
    return Status::ok();
  }

 private:
  FakeWorld& world_;
};

}  // namespace mtg::backup::testing
