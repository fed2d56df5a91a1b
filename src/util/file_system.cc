#include "util/file_system.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "util/check.h"

namespace mtg {
namespace {

// "<operation> <path>: <strerror>"
std::string error_text(std::string_view operation, const std::string& path, int err) {
  return std::string(operation) + " " + path + ": " + std::strerror(err);
}

// Random bytes in a temporary file's name.
constexpr size_t kTempNameRandomBytes = 8;

// "<path>.tmp-<16 hex digits>": beside `path`, and unguessable, so no other writer
// picks the same name.
std::string temp_name(const std::string& path) {
  std::array<unsigned char, kTempNameRandomBytes> random{};
  MTG_CHECK_MSG(RAND_bytes(random.data(), static_cast<int>(random.size())) == 1, "RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = path + ".tmp-";
  for (const unsigned char byte : random) {
    name += kHex[byte >> 4];
    name += kHex[byte & 0xf];
  }
  return name;
}

class RealFileSystem final : public FileSystem {
 public:
  Result<Fd> create_file(const std::string& path, mode_t mode) override {
    MTG_CHECK(!path.empty());
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd.valid()) {
      const int err = errno;
      // ENOENT: the directory is missing, an error of the place rather than a file not found.
      return err == ENOENT ? Status::io(error_text("create", path, err)) : file_error("create", path, err);
    }
    if (::fchmod(fd.get(), mode) != 0) {
      const int err = errno;
      fd.reset();
      ::unlink(path.c_str());
      return file_error("chmod", path, err);
    }
    return fd;
  }

  Result<Fd> open_read(const std::string& path) override {
    MTG_CHECK(!path.empty());
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return file_error("open", path, errno);
    return fd;
  }

  Result<size_t> write(int fd, const std::string& path, std::string_view bytes) override {
    MTG_CHECK(fd >= 0);
    MTG_CHECK(!bytes.empty());
    for (;;) {
      const ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return file_error("write", path, errno);
      if (n == 0) return Status::io("write " + path + ": nothing written");
      MTG_CHECK(static_cast<size_t>(n) <= bytes.size());
      return static_cast<size_t>(n);
    }
  }

  Status sync(int fd, const std::string& path, SyncMode mode) override {
    MTG_CHECK(fd >= 0);
    if (mode == SyncMode::kData) {
      return ::fdatasync(fd) == 0 ? Status::ok() : file_error("fdatasync", path, errno);
    }
    return ::fsync(fd) == 0 ? Status::ok() : file_error("fsync", path, errno);
  }

  Status close(Fd& fd, const std::string& path) override {
    MTG_CHECK(fd.valid());
    const bool closed = ::close(fd.release()) == 0;
    MTG_CHECK(!fd.valid());
    return closed ? Status::ok() : file_error("close", path, errno);
  }

  Status rename(const std::string& from, const std::string& to) override {
    MTG_CHECK(!from.empty());
    MTG_CHECK(!to.empty());
    if (::rename(from.c_str(), to.c_str()) != 0) return file_error("rename " + from + " to", to, errno);
    return Status::ok();
  }

  Status link(const std::string& from, const std::string& to) override {
    MTG_CHECK(!from.empty());
    MTG_CHECK(!to.empty());
    if (::link(from.c_str(), to.c_str()) != 0) return file_error("link " + from + " to", to, errno);
    return Status::ok();
  }

  Status remove(const std::string& path) override {
    MTG_CHECK(!path.empty());
    if (::unlink(path.c_str()) != 0) return file_error("remove", path, errno);
    return Status::ok();
  }

  Status sync_dir(const std::string& dir) override {
    MTG_CHECK(!dir.empty());
    const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return file_error("open directory", dir, errno);
    if (::fsync(fd.get()) != 0) return file_error("fsync directory", dir, errno);
    return Status::ok();
  }
};

// Writes `data` to a new temporary file beside `path` with `mode`, syncs and closes
// it, and returns its name. Leaves no temporary file on failure.
Result<std::string> write_temp_beside(const std::string& path, std::string_view data, mode_t mode,
                                      FileSystem& fs) {
  const std::string temp = temp_name(path);
  auto file = fs.create_file(temp, mode);
  if (!file) return file.status();
  Status status = write_all(file->get(), temp, data, fs);
  if (status.is_ok()) status = fs.sync(file->get(), temp, SyncMode::kAll);
  const Status closed = fs.close(*file, temp);
  if (status.is_ok()) status = closed;
  if (!status.is_ok()) {
    (void)fs.remove(temp);  // best effort: the first error is the one to report
    return status;
  }
  return temp;
}

}  // namespace

FileSystem& FileSystem::real() {
  static RealFileSystem real_file_system;
  return real_file_system;
}

Status file_error(std::string_view operation, const std::string& path, int err) {
  MTG_CHECK(err != 0);
  std::string message = error_text(operation, path, err);
  switch (err) {
    case ENOENT:
      return Status::not_found(std::move(message));
    case EEXIST:
      return Status::exists(std::move(message));
    case EXDEV:
      return Status::precondition(std::move(message));
    default:
      return Status::io(std::move(message));
  }
}

std::string parent_dir(const std::string& path) {
  MTG_CHECK(!path.empty());
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status write_all(int fd, const std::string& path, std::string_view bytes, FileSystem& fs) {
  size_t done = 0;
  while (done < bytes.size()) {
    auto written = fs.write(fd, path, bytes.substr(done));
    if (!written) return written.status();
    MTG_CHECK(*written > 0);
    MTG_CHECK(*written <= bytes.size() - done);
    done += *written;
  }
  MTG_CHECK(done == bytes.size());
  return Status::ok();
}

Status sync_file(const std::string& path, FileSystem& fs) {
  auto fd = fs.open_read(path);
  if (!fd) return fd.status();
  MTG_RETURN_IF_ERROR(fs.sync(fd->get(), path, SyncMode::kAll));
  return fs.close(*fd, path);
}

Status rename_durably(const std::string& from, const std::string& to, FileSystem& fs) {
  MTG_RETURN_IF_ERROR(fs.rename(from, to));
  return fs.sync_dir(parent_dir(to));
}

Status replace_durably(const std::string& path, std::string_view data, mode_t mode, FileSystem& fs,
                       const BeforeRename& before_rename) {
  MTG_CHECK(!path.empty());
  auto temp = write_temp_beside(path, data, mode, fs);
  if (!temp) return temp.status();
  Status status = before_rename ? before_rename() : Status::ok();
  if (status.is_ok()) status = fs.rename(*temp, path);
  if (!status.is_ok()) {
    (void)fs.remove(*temp);  // best effort, as above
    return status;
  }
  return fs.sync_dir(parent_dir(path));
}

Status create_durably(const std::string& path, std::string_view data, mode_t mode, FileSystem& fs) {
  MTG_CHECK(!path.empty());
  auto temp = write_temp_beside(path, data, mode, fs);
  if (!temp) return temp.status();
  const Status linked = fs.link(*temp, path);
  (void)fs.remove(*temp);  // once linked, `path` names the file
  MTG_RETURN_IF_ERROR(linked);
  return fs.sync_dir(parent_dir(path));
}

Result<std::string> move_aside(const std::string& path, const std::string& tag, int64_t now_ms,
                               FileSystem& fs) {
  MTG_CHECK(!path.empty());
  MTG_CHECK(!tag.empty());
  const std::string aside = path + "." + tag + "-" + std::to_string(now_ms);
  const Status renamed = fs.rename(path, aside);
  if (renamed.code() == Code::kNotFound) return std::string();
  MTG_RETURN_IF_ERROR(renamed);
  MTG_RETURN_IF_ERROR(fs.sync_dir(parent_dir(path)));
  return aside;
}

}  // namespace mtg
