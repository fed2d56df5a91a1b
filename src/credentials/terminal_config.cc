#include "credentials/terminal_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "crypto/token.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr mode_t kConfigFileMode = 0600;
constexpr mode_t kGroupOtherBits = 0077;
// Random bytes in the temporary file's name.
constexpr size_t kTempSuffixBytes = 8;

Status io_error(const std::string& what, const std::string& path) {
  return Status::io(what + " " + path + ": " + std::strerror(errno));
}

// ok when `path` is absent, or a regular file without group/other permissions.
Status check_existing(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::ok();
    return io_error("stat", path);
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::precondition("terminal config " + path + " exists and is not a regular file");
  }
  if ((st.st_mode & kGroupOtherBits) != 0) {
    return Status::precondition("terminal config " + path +
                                " exists with permissions looser than 0600; refusing to overwrite it");
  }
  return Status::ok();
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("write", path);
    done += static_cast<size_t>(n);
  }
  MTG_CHECK(done == bytes.size());
  return Status::ok();
}

Status fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("open directory", dir);
  const bool synced = fsync(fd) == 0;
  Status status = synced ? Status::ok() : io_error("fsync directory", dir);
  close(fd);
  return status;
}

// Creates `temp` 0600, writes `text` and fsyncs it.
Status write_new_file(const std::string& temp, std::string_view text) {
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kConfigFileMode);
  if (fd < 0) return io_error("create", temp);
  Status status = fchmod(fd, kConfigFileMode) == 0 ? Status::ok() : io_error("chmod", temp);
  if (status.is_ok()) status = write_all(fd, text, temp);
  if (status.is_ok() && fsync(fd) != 0) status = io_error("fsync", temp);
  if (close(fd) != 0 && status.is_ok()) status = io_error("close", temp);
  return status;
}

}  // namespace

SecretString terminal_config_text(const Credential& credential) {
  MTG_CHECK(validate_credential(credential.instance, credential.login, credential.server,
                                credential.password.view())
                .is_ok());
  std::string text;
  text.reserve(64 + credential.server.size() + credential.password.size());
  text.append("[Common]\nLogin=").append(std::to_string(credential.login));
  text.append("\nPassword=").append(credential.password.view());
  text.append("\nServer=").append(credential.server).append("\n");
  return SecretString(std::move(text));
}

Status render_terminal_config(const Credential& credential, const std::string& path) {
  MTG_RETURN_IF_ERROR(validate_credential(credential.instance, credential.login, credential.server,
                                          credential.password.view())
                          .with_context("terminal config of '" + credential.instance + "'"));
  MTG_RETURN_IF_ERROR(check_existing(path));
  const std::filesystem::path target(path);
  std::string dir = target.parent_path().string();
  if (dir.empty()) dir = ".";
  const std::string temp = path + ".tmp-" + crypto::random_hex(kTempSuffixBytes);
  const SecretString text = terminal_config_text(credential);
  Status status = write_new_file(temp, text.view());
  if (status.is_ok()) status = check_existing(path);  // re-check just before replacing
  if (status.is_ok() && rename(temp.c_str(), path.c_str()) != 0) status = io_error("rename into", path);
  if (!status.is_ok()) {
    unlink(temp.c_str());
    return status;
  }
  return fsync_dir(dir);
}

}  // namespace mtg
