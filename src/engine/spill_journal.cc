#include "engine/spill_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "link/codec.h"
#include "util/fd.h"
#include "util/file_system.h"

namespace mtg {
namespace {

Status errno_status(const std::string& what) { return Status::io(what + ": " + std::strerror(errno)); }

Status write_synced(const std::string& path, const std::string& bytes, int flags) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  Fd fd(::open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return errno_status("spill journal " + path);
  MTG_RETURN_IF_ERROR(write_all(fd.get(), path, bytes).with_context("spill journal"));
  return FileSystem::real().sync(fd.get(), path, SyncMode::kAll).with_context("spill journal");
}

}  // namespace

Status SpillJournal::append(const std::string& instance, const link::ResultFrame& result) {
  if (entries_ >= kMaxEntries) return Status::unavailable("spill journal full");
  // One line: the instance, a tab, the result frame as the terminal link encodes it.
  MTG_RETURN_IF_ERROR(write_synced(path_, instance + "\t" + link::encode(result), O_APPEND));
  ++entries_;
  return Status::ok();
}

Result<std::vector<SpilledResult>> SpillJournal::load() {
  std::vector<SpilledResult> out;
  std::ifstream in(path_);
  for (std::string line; std::getline(in, line) && out.size() < kMaxEntries;) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    auto frame = link::decode(std::string_view(line).substr(tab + 1));
    if (!frame) continue;  // a torn last line
    const auto* result = std::get_if<link::ResultFrame>(&*frame);
    if (result == nullptr) continue;
    out.push_back({line.substr(0, tab), *result});
  }
  entries_ = out.size();
  return out;
}

Status SpillJournal::clear() {
  if (entries_ == 0) return Status::ok();
  MTG_RETURN_IF_ERROR(write_synced(path_, "", O_TRUNC));
  entries_ = 0;
  return Status::ok();
}

}  // namespace mtg
