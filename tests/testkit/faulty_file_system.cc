#include "testkit/faulty_file_system.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "util/check.h"

namespace mtg::testkit {
namespace {

namespace fs = std::filesystem;

// One spelling per path, so that "d/./f" and "d/f" are the same file.
std::string normal(const std::string& path) { return fs::path(path).lexically_normal().string(); }

size_t index(FsOp op) { return static_cast<size_t>(op); }

std::string read_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_contents(const std::string& path, const std::string& contents, unsigned mode) {
  std::error_code ec;
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add, ec);  // a 0400 file, say
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
    MTG_CHECK_MSG(out.flush(), "faulty file system: cannot restore a file");
  }
  fs::permissions(path, static_cast<fs::perms>(mode));
}

}  // namespace

void FaultyFileSystem::fail(FsOp op, int nth, int err) {
  MTG_CHECK(nth >= 1);
  MTG_CHECK(err != 0);
  fail_at_[index(op)] = calls_[index(op)] + nth;
  fail_errno_[index(op)] = err;
}

int FaultyFileSystem::calls(FsOp op) const { return calls_[index(op)]; }

int FaultyFileSystem::next_fault(FsOp op) {
  const size_t i = index(op);
  ++calls_[i];
  if (calls_[i] != fail_at_[i]) return 0;
  fail_at_[i] = 0;
  return fail_errno_[i];
}

std::optional<FaultyFileSystem::SavedFile> FaultyFileSystem::durable_file(const std::string& path) const {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (ec || !fs::is_regular_file(status)) return std::nullopt;
  SavedFile saved;
  const auto unsynced = synced_contents_.find(path);
  saved.contents = unsynced != synced_contents_.end() ? unsynced->second : read_contents(path);
  saved.mode = static_cast<unsigned>(status.permissions());
  return saved;
}

Result<Fd> FaultyFileSystem::create_file(const std::string& path, mode_t mode) {
  auto fd = FileSystem::real().create_file(path, mode);
  if (fd) {
    const std::string name = normal(path);
    pending_.push_back({NameChange::kCreated, parent_dir(name), name, "", std::nullopt});
    synced_contents_[name] = "";
  }
  return fd;
}

Result<Fd> FaultyFileSystem::open_read(const std::string& path) { return FileSystem::real().open_read(path); }

Result<size_t> FaultyFileSystem::write(int fd, const std::string& path, std::string_view bytes) {
  if (const int err = next_fault(FsOp::kWrite); err != 0) return file_error("write", path, err);
  const std::string name = normal(path);
  if (!synced_contents_.contains(name)) synced_contents_[name] = read_contents(name);
  return FileSystem::real().write(fd, path, bytes);
}

Status FaultyFileSystem::sync(int fd, const std::string& path, SyncMode mode) {
  if (const int err = next_fault(FsOp::kSync); err != 0) {
    return file_error(mode == SyncMode::kData ? "fdatasync" : "fsync", path, err);
  }
  MTG_RETURN_IF_ERROR(FileSystem::real().sync(fd, path, mode));
  synced_contents_.erase(normal(path));
  return Status::ok();
}

Status FaultyFileSystem::close(Fd& fd, const std::string& path) { return FileSystem::real().close(fd, path); }

Status FaultyFileSystem::rename(const std::string& from, const std::string& to) {
  if (const int err = next_fault(FsOp::kRename); err != 0)
    return file_error("rename " + from + " to", to, err);
  const std::string old_name = normal(from);
  const std::string new_name = normal(to);
  std::optional<SavedFile> replaced = durable_file(new_name);
  MTG_RETURN_IF_ERROR(FileSystem::real().rename(from, to));
  pending_.push_back({NameChange::kRenamed, parent_dir(new_name), new_name, old_name, std::move(replaced)});
  synced_contents_.erase(new_name);
  if (auto moved = synced_contents_.extract(old_name)) {
    moved.key() = new_name;
    synced_contents_.insert(std::move(moved));
  }
  return Status::ok();
}

Status FaultyFileSystem::link(const std::string& from, const std::string& to) {
  MTG_RETURN_IF_ERROR(FileSystem::real().link(from, to));
  const std::string name = normal(to);
  pending_.push_back({NameChange::kLinked, parent_dir(name), name, "", std::nullopt});
  return Status::ok();
}

Status FaultyFileSystem::remove(const std::string& path) {
  const std::string name = normal(path);
  std::optional<SavedFile> removed = durable_file(name);
  MTG_RETURN_IF_ERROR(FileSystem::real().remove(path));
  pending_.push_back({NameChange::kRemoved, parent_dir(name), name, "", std::move(removed)});
  synced_contents_.erase(name);
  return Status::ok();
}

Status FaultyFileSystem::sync_dir(const std::string& dir) {
  if (const int err = next_fault(FsOp::kSyncDir); err != 0) return file_error("fsync directory", dir, err);
  MTG_RETURN_IF_ERROR(FileSystem::real().sync_dir(dir));
  const std::string name = normal(dir);
  std::erase_if(pending_, [&](const NameChange& change) { return change.dir == name; });
  return Status::ok();
}

void FaultyFileSystem::undo(const NameChange& change) {
  std::error_code ec;
  switch (change.kind) {
    case NameChange::kCreated:
    case NameChange::kLinked:
      fs::remove(change.path, ec);
      break;
    case NameChange::kRenamed:
      fs::rename(change.path, change.from, ec);
      MTG_CHECK_MSG(!ec, "faulty file system: cannot undo a rename");
      if (change.before) write_contents(change.path, change.before->contents, change.before->mode);
      break;
    case NameChange::kRemoved:
      if (change.before) write_contents(change.path, change.before->contents, change.before->mode);
      break;
  }
}

void FaultyFileSystem::crash() {
  for (const auto& [path, contents] : synced_contents_) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      write_contents(path, contents, static_cast<unsigned>(fs::status(path).permissions()));
    }
  }
  synced_contents_.clear();
  for (auto change = pending_.rbegin(); change != pending_.rend(); ++change) undo(*change);
  pending_.clear();
}

}  // namespace mtg::testkit
