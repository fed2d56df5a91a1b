#include "backup/file_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "crypto/sha256.h"
#include "crypto/token.h"
#include "util/check.h"

namespace mtg::backup {

namespace fs = std::filesystem;

namespace {

Status errno_status(const std::string& what, const std::string& path, int err) {
  const std::string msg = what + " " + path + ": " + std::strerror(err);
  return err == ENOENT ? Status::not_found(msg) : Status::io(msg);
}

// Closes a descriptor when it leaves scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports a failure (a delayed write error surfaces here).
  int close_now() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status write_all(int fd, const char* data, size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return errno_status("write", path, errno);
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::ok();
}

std::string parent_dir(const std::string& path) {
  const std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

}  // namespace

Status fsync_path(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno_status("open", path, errno);
  if (::fsync(fd.get()) != 0) return errno_status("fsync", path, errno);
  return Status::ok();
}

Status rename_durably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return errno_status("rename " + from + " to", to, errno);
  return fsync_path(parent_dir(to));
}

Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  const std::string tmp = path + ".tmp-" + crypto::random_hex(4);
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) return errno_status("create", tmp, errno);
  Status s = write_all(fd.get(), data.data(), data.size(), tmp);
  if (s.is_ok() && ::fsync(fd.get()) != 0) s = errno_status("fsync", tmp, errno);
  if (fd.close_now() != 0 && s.is_ok()) s = errno_status("close", tmp, errno);
  if (s.is_ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = errno_status("rename", tmp, errno);
  if (!s.is_ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return fsync_path(parent_dir(path));
}

Result<ManifestFile> copy_file_hashed(const std::string& src, const std::string& dest, const ProgressFn& progress) {
  Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return errno_status("open", src, errno);
  Fd out(::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) return errno_status("create", dest, errno);
  std::error_code ec;
  const auto total = static_cast<int64_t>(fs::file_size(src, ec));
  crypto::Sha256 sha;
  std::vector<char> buf(kCopyChunkBytes);
  ManifestFile result;
  for (;;) {
    const ssize_t r = ::read(in.get(), buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errno_status("read", src, errno);
    if (r == 0) break;
    MTG_RETURN_IF_ERROR(write_all(out.get(), buf.data(), static_cast<size_t>(r), dest));
    sha.update(std::string_view(buf.data(), static_cast<size_t>(r)));
    result.bytes += r;
    if (progress) progress("copy " + fs::path(src).filename().string(), result.bytes, ec ? -1 : total);
  }
  if (::fsync(out.get()) != 0) return errno_status("fsync", dest, errno);
  if (out.close_now() != 0) return errno_status("close", dest, errno);
  result.sha256 = sha.finish_hex();
  return result;
}

Result<ManifestFile> hash_file(const std::string& path) {
  std::error_code ec;
  const auto bytes = fs::file_size(path, ec);
  if (ec) return errno_status("stat", path, ec.value());
  auto sha = crypto::sha256_file_hex(path);
  if (!sha) return sha.status();
  ManifestFile f;
  f.bytes = static_cast<int64_t>(bytes);
  f.sha256 = *sha;
  return f;
}

Result<std::string> read_small_file(const std::string& path, size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno_status("open", path, errno);
  std::string text;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    const ssize_t r = ::read(fd.get(), buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errno_status("read", path, errno);
    if (r == 0) return text;
    text.append(buf.data(), static_cast<size_t>(r));
    if (text.size() > max_bytes) {
      return Status::precondition(path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
}

Result<std::string> move_aside(const std::string& path, const std::string& tag, int64_t now_ms) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return std::string();
  const std::string aside = path + "." + tag + "-" + std::to_string(now_ms);
  if (::rename(path.c_str(), aside.c_str()) != 0) return errno_status("rename", path, errno);
  MTG_RETURN_IF_ERROR(fsync_path(parent_dir(path)));
  return aside;
}

ScratchDir::ScratchDir(const std::string& label) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = (tmp != nullptr && tmp[0] != '\0') ? tmp : "/tmp";
  std::string templ = base + "/mtguard-" + label + "-XXXXXX";
  std::vector<char> name(templ.begin(), templ.end());
  name.push_back('\0');
  MTG_CHECK_MSG(::mkdtemp(name.data()) != nullptr, "mkdtemp failed for a backup scratch directory");
  path_ = name.data();
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace mtg::backup
