#include "sim/jsonl_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/check.h"

namespace mtg::sim {
namespace {

constexpr int64_t kMaxFileBytes = int64_t{1} << 30;  // a simulator ledger is small; refuse more

Status errno_status(const std::string& what) { return Status::io(what + ": " + std::strerror(errno)); }

Result<std::string> read_all(int fd, const std::string& path) {
  struct stat st{};
  if (fstat(fd, &st) != 0) return errno_status("stat " + path);
  if (st.st_size > kMaxFileBytes) return Status::invalid(path + ": larger than 1 GiB");
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = pread(fd, data.data() + off, data.size() - off, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errno_status("read " + path);
    off += static_cast<size_t>(n);
  }
  return data;
}

void sync_parent_dir(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  link::Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.valid()) fsync(fd.get());
}

}  // namespace

Result<std::unique_ptr<JsonlFile>> JsonlFile::open(const std::string& path, std::vector<nlohmann::json>& records) {
  const bool existed = std::filesystem::exists(path);
  link::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.valid()) return errno_status("open " + path);
  if (!existed) sync_parent_dir(path);
  auto data = read_all(fd.get(), path);
  if (!data.is_ok()) return data.status();
  size_t good_end = 0;  // bytes up to the end of the last good line
  int torn = 0;
  size_t line_no = 0;
  while (good_end < data->size()) {
    ++line_no;
    const size_t nl = data->find('\n', good_end);
    const bool complete = nl != std::string::npos;
    const size_t end = complete ? nl : data->size();
    auto rec = nlohmann::json::parse(data->begin() + static_cast<std::ptrdiff_t>(good_end),
                                     data->begin() + static_cast<std::ptrdiff_t>(end), nullptr, false);
    const bool valid = complete && !rec.is_discarded() && rec.is_object();
    if (!valid) {
      if (complete && nl + 1 < data->size()) {
        return Status::corruption(path + ": line " + std::to_string(line_no) + " is damaged");
      }
      torn = 1;
      break;
    }
    records.push_back(std::move(rec));
    good_end = nl + 1;
  }
  if (torn != 0) {
    if (ftruncate(fd.get(), static_cast<off_t>(good_end)) != 0) return errno_status("truncate " + path);
    if (fdatasync(fd.get()) != 0) return errno_status("fsync " + path);
  }
  return std::unique_ptr<JsonlFile>(new JsonlFile(path, std::move(fd), torn));
}

Status JsonlFile::append(const nlohmann::json& record) {
  MTG_CHECK(record.is_object());
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(fd_.get(), line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errno_status("append " + path_);
    off += static_cast<size_t>(n);
  }
  if (fdatasync(fd_.get()) != 0) return errno_status("fsync " + path_);
  return Status::ok();
}

}  // namespace mtg::sim
