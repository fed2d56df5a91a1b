#include "crypto/master_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "crypto/hex.h"
#include "crypto/sha256.h"
#include "util/check.h"
#include "util/fd.h"
#include "util/file_system.h"

namespace mtg::crypto {
namespace {

using RawKey = std::array<uint8_t, kMasterKeyBytes>;

std::string errno_text() { return std::strerror(errno); }

Result<MasterKey> key_from_env(const char* hex) {
  auto bytes = from_hex(hex);
  if (!bytes.is_ok() || bytes->size() != kMasterKeyBytes) {
    if (bytes.is_ok()) OPENSSL_cleanse(bytes->data(), bytes->size());
    return Status::invalid(std::string(kMasterKeyEnv) + " must be exactly 64 hex characters");
  }
  RawKey raw{};
  std::memcpy(raw.data(), bytes->data(), raw.size());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  MasterKey key = MasterKey::from_bytes(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return key;
}

Status check_key_file_stat(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return Status::invalid("master key " + path + " is not a regular file");
  const mode_t perms = st.st_mode & 07777;
  if (perms != 0600 && perms != 0400) {
    char mode_text[8];
    std::snprintf(mode_text, sizeof mode_text, "%04o", static_cast<unsigned>(perms));
    return Status::precondition("master key " + path + " has mode " + mode_text +
                                "; it must be 0600 or 0400 (chmod 600 " + path + ")");
  }
  if (st.st_size != static_cast<off_t>(kMasterKeyBytes)) {
    return Status::corruption("master key " + path + " must hold exactly 32 bytes, has " +
                              std::to_string(st.st_size));
  }
  return Status::ok();
}

// Writes `raw` durably to the new file `path` (0600); never overwrites one.
Status write_key_file(const std::string& path, const RawKey& raw) {
  const Status created =
      create_durably(path, std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()), 0600);
  if (created.code() == Code::kAlreadyExists) {
    return Status::exists("master key " + path + " already exists; not overwriting");
  }
  return created;
}

}  // namespace

MasterKey::~MasterKey() { OPENSSL_cleanse(bytes.data(), bytes.size()); }

MasterKey MasterKey::from_bytes(const RawKey& raw) {
  MasterKey key;
  key.bytes = raw;
  key.key_id = compute_key_id(raw);
  return key;
}

std::string compute_key_id(const RawKey& raw) {
  const std::string hex =
      sha256_hex(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  return hex.substr(0, kKeyIdChars);
}

Result<MasterKey> load_master_key(const std::string& key_file) {
  if (const char* env = std::getenv(kMasterKeyEnv); env != nullptr && env[0] != '\0') {
    return key_from_env(env);
  }
  const Fd file(::open(key_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  const int fd = file.get();
  if (fd < 0) {
    if (errno == ENOENT) return Status::not_found("master key file " + key_file + " does not exist");
    return Status::io("open master key " + key_file + ": " + errno_text());
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::io("stat master key " + key_file + ": " + errno_text());
  MTG_RETURN_IF_ERROR(check_key_file_stat(key_file, st));
  RawKey raw{};
  size_t done = 0;
  while (done < raw.size()) {
    const ssize_t n = ::read(fd, raw.data() + done, raw.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      OPENSSL_cleanse(raw.data(), raw.size());
      return Status::io("read master key " + key_file + ": short read");
    }
    done += static_cast<size_t>(n);
  }
  MasterKey key = MasterKey::from_bytes(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return key;
}

Status create_master_key(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    return Status::exists("master key " + path + " already exists; not overwriting");
  }
  RawKey raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    return Status::internal("RAND_bytes failed while creating a master key");
  }
  Status result = write_key_file(path, raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return result;
}

}  // namespace mtg::crypto
