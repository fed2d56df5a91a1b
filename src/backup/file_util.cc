#include "backup/file_util.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

#include "crypto/sha256.h"
#include "util/check.h"

namespace mtg::backup {

namespace fs = std::filesystem;

namespace {
constexpr size_t kSha256HexChars = 64;  // as manifest.h promises
}  // namespace

Result<ManifestFile> copy_file_hashed(const std::string& src, const std::string& dest,
                                      const ProgressFn& progress, FileSystem& file_system) {
  MTG_CHECK(!src.empty());
  MTG_CHECK(!dest.empty());
  auto in = file_system.open_read(src);
  if (!in) return in.status();
  auto out = file_system.create_file(dest, 0600);
  if (!out) return out.status();
  std::error_code ec;
  const auto total = static_cast<int64_t>(fs::file_size(src, ec));
  crypto::Sha256 sha;
  std::vector<char> buf(kCopyChunkBytes);
  ManifestFile result;
  for (;;) {
    const ssize_t r = ::read(in->get(), buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return file_error("read", src, errno);
    if (r == 0) break;
    const std::string_view chunk(buf.data(), static_cast<size_t>(r));
    MTG_RETURN_IF_ERROR(write_all(out->get(), dest, chunk, file_system));
    sha.update(chunk);
    result.bytes += r;
    if (progress) progress("copy " + fs::path(src).filename().string(), result.bytes, ec ? -1 : total);
  }
  MTG_RETURN_IF_ERROR(file_system.sync(out->get(), dest, SyncMode::kAll));
  MTG_RETURN_IF_ERROR(file_system.close(*out, dest));
  result.sha256 = sha.finish_hex();
  MTG_CHECK(result.sha256.size() == kSha256HexChars);
  MTG_CHECK(result.bytes >= 0);
  MTG_CHECK(result.name.empty());
  return result;
}

Result<ManifestFile> hash_file(const std::string& path) {
  MTG_CHECK(!path.empty());
  std::error_code ec;
  const auto bytes = fs::file_size(path, ec);
  if (ec) return file_error("stat", path, ec.value());
  auto sha = crypto::sha256_file_hex(path);
  if (!sha) return sha.status();
  ManifestFile f;
  f.bytes = static_cast<int64_t>(bytes);
  f.sha256 = *sha;
  MTG_CHECK(f.sha256.size() == kSha256HexChars);
  MTG_CHECK(f.bytes >= 0);
  return f;
}

Result<std::string> read_small_file(const std::string& path, size_t max_bytes) {
  MTG_CHECK(!path.empty());
  MTG_CHECK(max_bytes > 0);
  auto fd = FileSystem::real().open_read(path);
  if (!fd) return fd.status();
  std::string text;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    const ssize_t r = ::read(fd->get(), buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return file_error("read", path, errno);
    MTG_CHECK(text.size() <= max_bytes);
    if (r == 0) return text;
    text.append(buf.data(), static_cast<size_t>(r));
    if (text.size() > max_bytes) {
      return Status::precondition(path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
}

Result<ScratchDir> ScratchDir::create(const std::string& label) {
  MTG_CHECK(!label.empty());
  const char* tmp = std::getenv("TMPDIR");
  const std::string base = (tmp != nullptr && tmp[0] != '\0') ? tmp : "/tmp";
  std::string name = base + "/mtguard-" + label + "-XXXXXX";
  if (::mkdtemp(name.data()) == nullptr) return file_error("create scratch directory", name, errno);
  return ScratchDir(std::move(name));
}

ScratchDir::ScratchDir(std::string path) : path_(std::move(path)) { MTG_CHECK(!path_.empty()); }

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : path_(std::exchange(other.path_, std::string())) {
  MTG_CHECK(other.path_.empty());
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace mtg::backup
