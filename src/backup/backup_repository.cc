#include "backup/backup_repository.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <thread>

#include "backup/file_util.h"
#include "util/check.h"

namespace mtg::backup {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kLockPollMs = 50;
constexpr const char* kLockFile = ".lock";
constexpr size_t kSha256HexChars = 64;  // as manifest.h promises

bool is_backup_dir_name(const std::string& name) { return !name.empty() && name.front() != '.'; }

// Directory names under a kind folder, sorted newest (largest id) first.
Result<std::vector<std::string>> backup_dir_names(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_directory(ec) || !is_backup_dir_name(name)) continue;
    if (names.size() >= kMaxBackupsPerKind) return Status::precondition(dir + ": too many backups");
    names.push_back(name);
  }
  if (ec) return Status::io("list " + dir + ": " + ec.message());
  std::sort(names.begin(), names.end(), std::greater<>());
  MTG_CHECK(std::is_sorted(names.begin(), names.end(), std::greater<>()));
  MTG_CHECK(names.size() <= kMaxBackupsPerKind);
  return names;
}

std::string entry_name(BackupKind kind, const std::string& id) { return std::string(kind_name(kind)) + "/" + id; }

}  // namespace

std::string format_backup_id(int64_t unix_ms) {
  MTG_CHECK(unix_ms >= 0);
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  const size_t n = std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
  MTG_CHECK(n > 0);
  char ms[8];
  std::snprintf(ms, sizeof ms, "%03d", static_cast<int>(unix_ms % 1000));
  MTG_CHECK(std::strlen(ms) == 3);
  return std::string(buf, n) + ms + "Z";
}

KindLock::~KindLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::string BackupRepository::kind_dir(BackupKind kind) const { return root_ + "/" + kind_name(kind); }

Result<std::unique_ptr<KindLock>> BackupRepository::lock(BackupKind kind, int64_t timeout_ms) const {
  MTG_CHECK(timeout_ms >= 0);
  const std::string dir = kind_dir(kind);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io("create backup directory " + dir + ": " + ec.message());
  const std::string path = dir + "/" + kLockFile;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::io("open " + path + ": " + std::strerror(errno));
  auto held = std::make_unique<KindLock>(fd);
  for (int64_t waited_ms = 0;; waited_ms += kLockPollMs) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return held;
    if (errno != EWOULDBLOCK && errno != EINTR) return Status::io("lock " + path + ": " + std::strerror(errno));
    if (waited_ms >= timeout_ms) {
      return Status::timeout(std::string("another backup, verify or restore of ") + kind_name(kind) +
                             " holds " + path);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kLockPollMs));
  }
}

Result<BackupDraft> BackupRepository::create(BackupKind kind, int64_t now_ms) const {
  const std::string dir = kind_dir(kind);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io("create backup directory " + dir + ": " + ec.message());
  const std::string base = format_backup_id(now_ms);
  MTG_CHECK(base.back() == 'Z');
  for (int n = 1; n <= kMaxIdSuffix; ++n) {
    char suffix[8] = "";
    if (n > 1) std::snprintf(suffix, sizeof suffix, "-%02d", n);
    BackupDraft draft{base + suffix, dir + "/" + base + suffix};
    MTG_CHECK(draft.id.starts_with(base));
    MTG_CHECK(draft.id.size() == base.size() + (n > 1 ? 3 : 0));
    MTG_CHECK(draft.path.ends_with("/" + draft.id));
    if (::mkdir(draft.path.c_str(), 0700) == 0) return draft;
    if (errno != EEXIST) return Status::io("create backup directory " + draft.path + ": " + std::strerror(errno));
  }
  return Status::exists("too many backups of " + std::string(kind_name(kind)) + " at " + base);
}

Status BackupRepository::write_manifest(const std::string& backup_dir, const Manifest& manifest) const {
  MTG_CHECK(!backup_dir.empty());
  MTG_CHECK(manifest.version == kManifestVersion);
  MTG_CHECK(!manifest.kind.empty());
  MTG_CHECK(!manifest.id.empty());
  MTG_CHECK(backup_dir.ends_with("/" + manifest.id));
  MTG_CHECK(manifest.files.size() <= kMaxManifestFiles);
  int64_t stored_bytes = 0;
  for (const ManifestFile& f : manifest.files) {
    MTG_CHECK(!f.name.empty());
    MTG_CHECK(f.name != kManifestName);
    MTG_CHECK(f.bytes >= 0);
    MTG_CHECK(f.sha256.size() == kSha256HexChars);
    stored_bytes += f.bytes;
  }
  MTG_CHECK(stored_bytes == manifest.stored_bytes);
  return replace_durably(backup_dir + "/" + kManifestName, manifest_to_json(manifest), 0600);
}

Result<std::vector<BackupEntry>> BackupRepository::list(BackupKind kind) const {
  auto names = backup_dir_names(kind_dir(kind));
  if (!names) return names.status();
  std::vector<BackupEntry> entries;
  for (const std::string& id : *names) {
    BackupEntry entry{id, kind_dir(kind) + "/" + id, std::nullopt, ""};
    const std::string manifest_path = entry.path + "/" + kManifestName;
    auto text = read_small_file(manifest_path, kMaxManifestBytes);
    if (!text && text.status().code() == Code::kNotFound) continue;  // incomplete
    if (text) {
      auto m = parse_manifest(*text, manifest_path);
      if (m && (m->id != id || m->kind != kind_name(kind))) {
        m = Status::corruption(manifest_path + ": names another backup (" + m->kind + "/" + m->id + ")");
      }
      if (m) entry.manifest = std::move(m).value();
      else entry.manifest_error = m.status().message();
    } else {
      entry.manifest_error = text.status().message();
    }
    if (entry.manifest) MTG_CHECK(entry.manifest->id == entry.id);
    if (entry.manifest) MTG_CHECK(entry.manifest->kind == kind_name(kind));
    entries.push_back(std::move(entry));
  }
  MTG_CHECK(entries.size() <= names->size());
  MTG_CHECK(std::is_sorted(entries.begin(), entries.end(),
                           [](const BackupEntry& a, const BackupEntry& b) { return a.id > b.id; }));
  return entries;
}

Result<BackupEntry> BackupRepository::find(BackupKind kind, const std::string& id) const {
  auto entries = list(kind);
  if (!entries) return entries.status();
  for (BackupEntry& e : *entries) {
    if (e.id == id) return std::move(e);
  }
  return Status::not_found("no complete backup " + entry_name(kind, id) + " in " + root_);
}

Status BackupRepository::check_files(BackupKind kind, const BackupEntry& entry) const {
  MTG_CHECK(!entry.id.empty());
  MTG_CHECK(!entry.path.empty());
  const std::string name = entry_name(kind, entry.id);
  if (!entry.manifest) return Status::corruption(name + ": bad manifest: " + entry.manifest_error);
  for (const ManifestFile& f : entry.manifest->files) {
    auto actual = hash_file(entry.path + "/" + f.name);
    if (!actual) return Status::corruption(name + ": " + f.name + ": " + actual.status().message());
    if (actual->bytes != f.bytes) {
      return Status::corruption(name + ": " + f.name + " has " + std::to_string(actual->bytes) +
                                " bytes, manifest says " + std::to_string(f.bytes));
    }
    if (actual->sha256 != f.sha256) return Status::corruption(name + ": " + f.name + ": sha256 mismatch");
  }
  return Status::ok();
}

Result<RetentionOutcome> BackupRepository::apply_retention(BackupKind kind, int keep,
                                                           const std::string& keep_id) const {
  MTG_CHECK(keep >= 1);
  MTG_CHECK(!keep_id.empty());
  auto names = backup_dir_names(kind_dir(kind));
  if (!names) return names.status();
  RetentionOutcome outcome;
  int complete = 0;
  for (const std::string& id : *names) {
    const std::string path = kind_dir(kind) + "/" + id;
    std::error_code ec;
    const bool has_manifest = fs::exists(path + "/" + kManifestName, ec);
    if (id == keep_id) {
      complete += has_manifest ? 1 : 0;
      continue;
    }
    if (has_manifest && ++complete <= keep) continue;
    fs::remove_all(path, ec);
    if (ec) return Status::io("remove old backup " + path + ": " + ec.message());
    (has_manifest ? outcome.removed_ids : outcome.removed_incomplete).push_back(id);
  }
  MTG_CHECK(std::find(outcome.removed_ids.begin(), outcome.removed_ids.end(), keep_id) == outcome.removed_ids.end());
  MTG_CHECK(std::find(outcome.removed_incomplete.begin(), outcome.removed_incomplete.end(), keep_id) ==
            outcome.removed_incomplete.end());
  MTG_CHECK(static_cast<int64_t>(outcome.removed_ids.size()) <= std::max(0, complete - keep));
  MTG_CHECK(outcome.removed_ids.size() + outcome.removed_incomplete.size() <= names->size());
  return outcome;
}

}  // namespace mtg::backup
