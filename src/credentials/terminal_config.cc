#include "credentials/terminal_config.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "util/check.h"
#include "util/file_system.h"

namespace mtg {
namespace {

constexpr mode_t kConfigFileMode = 0600;
constexpr mode_t kGroupOtherBits = 0077;

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
  const SecretString text = terminal_config_text(credential);
  // Re-checked just before the replace, in case something appeared meanwhile.
  return replace_durably(path, text.view(), kConfigFileMode, FileSystem::real(),
                         [&path] { return check_existing(path); });
}

}  // namespace mtg
