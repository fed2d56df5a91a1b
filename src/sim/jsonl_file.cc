#include "sim/jsonl_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/check.h"
#include "util/file_system.h"

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

}  // namespace

Result<std::unique_ptr<JsonlFile>> JsonlFile::open(const std::string& path, std::vector<nlohmann::json>& records,
                                                   FileSystem& fs) {
  const bool existed = std::filesystem::exists(path);
  Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.valid()) return errno_status("open " + path);
  // Best effort: the new file holds nothing yet.
  if (!existed) (void)fs.sync_dir(parent_dir(path));
  auto data = read_all(fd.get(), path);
  if (!data.is_ok()) return data.status();
  std::vector<size_t> line_ends;
  size_t good_end = 0;  // bytes up to the end of the last good line
  int torn = 0;
  while (good_end < data->size()) {
    const size_t nl = data->find('\n', good_end);
    const bool complete = nl != std::string::npos;
    const size_t end = complete ? nl : data->size();
    auto rec = nlohmann::json::parse(data->begin() + static_cast<std::ptrdiff_t>(good_end),
                                     data->begin() + static_cast<std::ptrdiff_t>(end), nullptr, false);
    const bool valid = complete && !rec.is_discarded() && rec.is_object();
    if (!valid) {
      if (complete && nl + 1 < data->size()) {
        return Status::corruption(path + ": line " + std::to_string(line_ends.size() + 1) + " is damaged");
      }
      torn = 1;
      break;
    }
    records.push_back(std::move(rec));
    good_end = nl + 1;
    line_ends.push_back(good_end);
  }
  MTG_CHECK(line_ends.size() <= records.size());
  std::unique_ptr<JsonlFile> file(new JsonlFile(path, std::move(fd), torn, std::move(line_ends), fs));
  if (torn != 0) MTG_RETURN_IF_ERROR(file->keep_first(file->line_ends_.size()));
  return file;
}

Status JsonlFile::append(const nlohmann::json& record) {
  MTG_CHECK(record.is_object());
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  MTG_RETURN_IF_ERROR(write_all(fd_.get(), path_, line, fs_));
  line_ends_.push_back((line_ends_.empty() ? 0 : line_ends_.back()) + line.size());
  ++unsynced_lines_;
  return Status::ok();
}

Status JsonlFile::sync() {
  if (unsynced_lines_ == 0) return Status::ok();
  MTG_RETURN_IF_ERROR(fs_.sync(fd_.get(), path_, SyncMode::kData));
  unsynced_lines_ = 0;
  return Status::ok();
}

Status JsonlFile::keep_first(size_t lines) {
  MTG_CHECK(lines <= line_ends_.size());
  const size_t bytes = lines == 0 ? 0 : line_ends_[lines - 1];
  if (ftruncate(fd_.get(), static_cast<off_t>(bytes)) != 0) return errno_status("truncate " + path_);
  line_ends_.resize(lines);
  unsynced_lines_ = 1;  // the truncation itself
  return sync();
}

}  // namespace mtg::sim
