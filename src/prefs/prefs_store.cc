#include "prefs/prefs_store.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "prefs/prefs_file.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr int kLockPollMs = 10;

// An exclusive flock on "<file>.lock", released when destroyed.
class FileLock {
 public:
  static Result<std::unique_ptr<FileLock>> acquire(const std::string& file) {
    MTG_CHECK(!file.empty());
    const std::string path = file + ".lock";
    std::error_code ec;
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Status::io("open " + path + ": " + std::strerror(errno));
    for (int waited_ms = 0; ::flock(fd, LOCK_EX | LOCK_NB) != 0; waited_ms += kLockPollMs) {
      if (errno != EWOULDBLOCK || waited_ms >= PrefsStore::kLockWaitMs) {
        const std::string why = errno == EWOULDBLOCK ? "held by another writer" : std::strerror(errno);
        ::close(fd);
        return Status::unavailable("lock " + path + ": " + why);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(kLockPollMs));
    }
    return std::unique_ptr<FileLock>(new FileLock(fd));
  }
  ~FileLock() { ::close(fd_); }  // closing releases the lock
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) { MTG_CHECK(fd_ >= 0); }
  int fd_;
};

std::string canonical_json(const std::string& json_value) {
  MTG_CHECK(nlohmann::json::accept(json_value));
  return nlohmann::json::parse(json_value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

PrefsStore::PrefsStore(RedisClient& redis, std::string prefix, std::string file)
    : PrefsStore(std::make_unique<RedisPrefsHash>(redis, std::move(prefix)), std::move(file)) {}

PrefsStore::PrefsStore(std::unique_ptr<PrefsHash> hash, std::string file)
    : hash_(std::move(hash)), file_(std::move(file)) {
  MTG_CHECK(hash_ != nullptr);
  MTG_CHECK(!file_.empty());
}

Result<Prefs> PrefsStore::load() {
  auto all = fields();
  if (!all) return all.status();
  return parse_prefs(*all);
}

Result<std::map<std::string, std::string>> PrefsStore::fields() {
  auto current = hash_->get_all();
  if (!current || !current->empty()) return current;
  auto saved = read_prefs_file(file_);
  if (!saved) {
    if (saved.status().code() == Code::kNotFound) return current;
    return saved.status().with_context("re-seed preferences");
  }
  std::map<std::string, std::string> valid;
  for (const auto& [key, value] : *saved) {
    Status s = validate_pref(key, value);
    if (s.is_ok() && valid.size() < kMaxPrefFields) {
      valid[key] = value;
    } else {
      spdlog::warn("prefs: {} entry skipped on re-seed: {}", file_, s.is_ok() ? "too many entries" : s.message());
    }
  }
  if (valid.empty()) return current;
  MTG_CHECK(valid.size() <= kMaxPrefFields);
  MTG_CHECK(valid.size() <= saved->size());
  MTG_RETURN_IF_ERROR(hash_->seed(valid));
  spdlog::warn("prefs: the preferences hash was missing; re-seeded {} entries from {}", valid.size(), file_);
  return hash_->get_all();
}

Status PrefsStore::mirror() {
  auto all = hash_->get_all();
  if (!all) return all.status().with_context("mirror preferences");
  return write_prefs_file(file_, *all).with_context("mirror preferences");
}

Status PrefsStore::set(const std::string& key, const std::string& json_value) {
  MTG_RETURN_IF_ERROR(validate_pref(key, json_value));
  auto lock = FileLock::acquire(file_);
  if (!lock) return lock.status();
  auto current = fields();
  if (!current) return current.status();
  if (current->count(key) == 0 && current->size() >= kMaxPrefFields) {
    return Status::invalid("too many preferences (" + std::to_string(kMaxPrefFields) + ")");
  }
  MTG_RETURN_IF_ERROR(hash_->set(key, canonical_json(json_value)));
  return mirror();
}

Status PrefsStore::unset(const std::string& key) {
  if (key.empty() || key.size() > kMaxPrefKeyBytes) return Status::invalid("bad preference key");
  auto lock = FileLock::acquire(file_);
  if (!lock) return lock.status();
  auto current = fields();
  if (!current) return current.status();
  auto removed = hash_->remove(key);
  if (!removed) return removed.status();
  if (!*removed) return Status::not_found("preference " + key + " is not set");
  return mirror();
}

Status PrefsStore::replace(const std::map<std::string, std::string>& fields) {
  auto parsed = parse_prefs(fields);
  if (!parsed) return parsed.status();
  std::map<std::string, std::string> canonical;
  for (const auto& [key, value] : fields) canonical[key] = canonical_json(value);
  MTG_CHECK(canonical.size() == fields.size());
  auto lock = FileLock::acquire(file_);
  if (!lock) return lock.status();
  MTG_RETURN_IF_ERROR(hash_->replace(canonical));
  return mirror();
}

}  // namespace mtg
