#include "chaos/storage_faults.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "backup/backup_repository.h"
#include "util/check.h"

namespace mtg::chaos {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSpareKiB = 64;  // room left on a "full" backup directory
constexpr int kUnmountAttempts = 20;
constexpr int kUnmountRetryMs = 100;
constexpr int64_t kLockTimeoutMs = 60'000;
// The start of `SET mtgchaos:torn <value>`, cut inside the value.
constexpr char kTornCommand[] = "*3\r\n$3\r\nSET\r\n$13\r\nmtgchaos:torn\r\n$64\r\nabcdef";

std::string quoted(const std::string& path) {
  MTG_CHECK_MSG(path.find('\'') == std::string::npos, "paths with quotes are not quoted here");
  return "'" + path + "'";
}

Status shell(const std::string& command) {
  const int rc = std::system((command + " >/dev/null 2>&1").c_str());
  if (rc != 0) return Status::io("`" + command + "` exited " + std::to_string(rc));
  return Status::ok();
}

// KiB used by the files under `dir`.
int64_t used_kib(const std::string& dir) {
  int64_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) bytes += static_cast<int64_t>(it->file_size(ec));
  }
  return bytes / 1024 + 1;
}

bool mounted_at(const std::string& dir) {
  std::ifstream mounts("/proc/self/mounts");
  const std::string canonical = fs::weakly_canonical(dir).string();
  for (std::string device, point, rest; mounts >> device >> point && std::getline(mounts, rest);) {
    if (point == canonical) return true;
  }
  return false;
}

}  // namespace

bool mount_available() {
  std::error_code ec;
  const fs::path probe = fs::temp_directory_path(ec) / ("mtgchaos-mount-probe-" + std::to_string(::getpid()));
  fs::create_directories(probe, ec);
  const bool ok = shell("mount --bind " + quoted(probe) + " " + quoted(probe)).is_ok() &&
                  shell("umount " + quoted(probe)).is_ok();
  fs::remove(probe, ec);
  return ok;
}

Status fill_directory(const std::string& dir) {
  const std::string original = dir + ".chaos-original";
  std::error_code ec;
  fs::create_directories(original, ec);
  if (ec) return Status::io("create " + original + ": " + ec.message());
  // The original stays reachable through a bind mount while the tmpfs hides it.
  MTG_RETURN_IF_ERROR(shell("mount --bind " + quoted(dir) + " " + quoted(original)));
  const std::string size = std::to_string(used_kib(dir) + kSpareKiB) + "k";
  Status s = shell("mount -t tmpfs -o size=" + size + " mtgchaos-full " + quoted(dir));
  if (s.is_ok()) (void)shell("cp -a " + quoted(original) + "/. " + quoted(dir) + "/");  // may run out of room
  (void)shell("umount " + quoted(original));
  fs::remove(original, ec);
  return s;
}

Status make_read_only(const std::string& dir) {
  MTG_RETURN_IF_ERROR(shell("mount --bind " + quoted(dir) + " " + quoted(dir)));
  return shell("mount -o remount,bind,ro " + quoted(dir));
}

Status unmount_over(const std::string& dir) {
  for (int attempt = 0; attempt < kUnmountAttempts; ++attempt) {
    if (shell("umount " + quoted(dir)).is_ok()) return Status::ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(kUnmountRetryMs));
  }
  return shell("umount -l " + quoted(dir));  // busy: detach now, free once closed
}

void unmount_all_under(const std::string& dir) {
  while (mounted_at(dir)) {
    if (!shell("umount -l " + quoted(dir)).is_ok()) return;
  }
}

Status append_torn_aof_command(const std::string& aof_dir) {
  std::ifstream manifest(aof_dir + "/appendonly.aof.manifest");
  if (!manifest) return Status::not_found(aof_dir + "/appendonly.aof.manifest");
  std::string newest_incr;
  for (std::string line; std::getline(manifest, line);) {
    std::istringstream fields(line);
    std::string key, name, seq_key, seq, type_key, type;
    fields >> key >> name >> seq_key >> seq >> type_key >> type;
    if (key == "file" && type == "i") newest_incr = name;  // listed oldest first
  }
  if (newest_incr.empty()) return Status::not_found("no incremental AOF file in " + aof_dir);
  std::ofstream aof(aof_dir + "/" + newest_incr, std::ios::binary | std::ios::app);
  aof.write(kTornCommand, sizeof kTornCommand - 1);
  aof.close();
  if (!aof) return Status::io("append to " + aof_dir + "/" + newest_incr);
  return Status::ok();
}

Result<std::string> corrupt_newest_duckdb_snapshot(const std::string& backup_dir,
                                                   const std::set<std::string>& already_corrupted) {
  const backup::BackupRepository repo(backup_dir);
  auto lock = repo.lock(backup::BackupKind::kDuckdb, kLockTimeoutMs);
  if (!lock) return lock.status();
  auto entries = repo.list(backup::BackupKind::kDuckdb);
  if (!entries) return entries.status();
  if (entries->empty()) return Status::not_found("no DuckDB snapshot yet");
  const backup::BackupEntry& newest = entries->front();
  if (already_corrupted.count(newest.id) > 0) return newest.id;
  fs::path largest;
  uintmax_t largest_bytes = 0;
  std::error_code ec;
  for (fs::directory_iterator it(newest.path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == "manifest.json" || !it->is_regular_file(ec)) continue;
    const uintmax_t bytes = it->file_size(ec);
    if (!ec && bytes > largest_bytes) {
      largest = it->path();
      largest_bytes = bytes;
    }
  }
  if (largest_bytes == 0) return Status::not_found("no payload in " + newest.path);
  std::fstream f(largest, std::ios::in | std::ios::out | std::ios::binary);
  const auto at = static_cast<std::streamoff>(largest_bytes / 2);
  char c = 0;
  f.seekg(at);
  f.get(c);
  f.seekp(at);
  f.put(static_cast<char>(c ^ 0x5a));
  f.close();
  if (!f) return Status::io("flip a byte of " + largest.string());
  return newest.id;
}

}  // namespace mtg::chaos
