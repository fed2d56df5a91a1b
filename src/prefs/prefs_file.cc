#include "prefs/prefs_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace mtg {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr mode_t kFileMode = 0600;

Status errno_status(const std::string& what) { return Status::io(what + ": " + std::strerror(errno)); }

// Writes all of `text` to `fd`.
Status write_all(int fd, const std::string& text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errno_status("write " + path);
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

Status fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status("open directory " + dir);
  const bool synced = ::fsync(fd) == 0;
  Status status = synced ? Status::ok() : errno_status("fsync directory " + dir);
  ::close(fd);
  return status;
}

// Writes `text` to a fresh temporary file next to `path`, fsyncs it, renames it over
// `path` and fsyncs the directory. The temporary file is removed on failure.
Status replace_file(const std::string& path, const std::string& text) {
  const fs::path target(path);
  const std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io("create directory " + dir + ": " + ec.message());
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, kFileMode);
  if (fd < 0) return errno_status("create " + temp);
  Status status = write_all(fd, text, temp);
  if (status.is_ok() && ::fsync(fd) != 0) status = errno_status("fsync " + temp);
  if (::close(fd) != 0 && status.is_ok()) status = errno_status("close " + temp);
  if (status.is_ok() && ::rename(temp.c_str(), path.c_str()) != 0) status = errno_status("rename into " + path);
  if (!status.is_ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return fsync_dir(dir);
}

}  // namespace

Result<std::map<std::string, std::string>> read_prefs_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::not_found("preferences file " + path + " does not exist");
  const auto size = fs::file_size(path, ec);
  if (ec) return Status::io("preferences file " + path + ": " + ec.message());
  if (size > kMaxPrefsFileBytes) {
    return Status::corruption("preferences file " + path + ": larger than " + std::to_string(kMaxPrefsFileBytes) +
                              " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::io("preferences file " + path + ": cannot read");
  const json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::corruption("preferences file " + path + ": not a JSON object");
  }
  std::map<std::string, std::string> fields;
  for (const auto& [key, value] : doc.items()) {
    fields[key] = value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return fields;
}

Status write_prefs_file(const std::string& path, const std::map<std::string, std::string>& fields) {
  json doc = json::object();
  for (const auto& [key, text] : fields) {
    const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return Status::invalid("preference " + key + ": value is not valid JSON");
    doc[key] = value;
  }
  return replace_file(path, doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace mtg
