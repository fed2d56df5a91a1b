#include "ea_shim/terminal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <string_view>
#include <utility>

#include "util/file_system.h"

namespace mtg::ea_shim {
namespace {
Terminal* g_current = nullptr;
}  // namespace

Terminal::Terminal(std::string files_dir, const Clock& clock) : files_dir_(std::move(files_dir)), clock_(clock) {
  MTG_CHECK(!files_dir_.empty());
}

Terminal::~Terminal() {
  if (g_current == this) g_current = nullptr;
}

void Terminal::crash() {
  files_.clear();  // buffers dropped, descriptors (and their flock) closed
  sockets_.clear();
  faults_ = TerminalFaults{};
}

Terminal& current() {
  MTG_CHECK_MSG(g_current != nullptr, "no current ea_shim::Terminal");
  return *g_current;
}

void set_current(Terminal* terminal) { g_current = terminal; }

}  // namespace mtg::ea_shim

namespace {

using mtg::ea_shim::current;
using mtg::ea_shim::Terminal;

// MQL5's runtime error codes the shim reports.
constexpr int kErrCannotOpenFile = 5004;
constexpr int kErrInvalidHandle = 5007;
constexpr int kErrFileWrite = 5026;

std::string full_path(const string& name) { return current().files_dir() + "/" + name; }

Terminal::OpenFile* open_file(int handle) {
  auto it = current().files().find(handle);
  if (it == current().files().end()) {
    current().last_error = kErrInvalidHandle;
    return nullptr;
  }
  return &it->second;
}

// The count of bytes a *Array call covers: WHOLE_ARRAY = from start to the end.
size_t span(int size, int start, int count) {
  MTG_CHECK(start >= 0 && start <= size);
  if (count < 0) return static_cast<size_t>(size - start);
  MTG_CHECK(count <= size - start);
  return static_cast<size_t>(count);
}

}  // namespace

int GetLastError() { return current().last_error; }
void ResetLastError() { current().last_error = 0; }
datetime TimeGMT() { return current().clock().now_ms() / 1000; }
long MtgNowMs() { return current().clock().now_ms(); }
ulong GetTickCount64() { return static_cast<ulong>(current().clock().steady_ms()); }

void Print(const string& a, const string& b, const string& c, const string& d) {
  spdlog::info("ea: {}{}{}{}", a, b, c, d);
}

int FileOpen(const string& name, int flags) {
  const bool write = (flags & FILE_WRITE) != 0;
  const bool read = (flags & FILE_READ) != 0;
  MTG_CHECK((flags & FILE_BIN) != 0 && (read || write));
  int oflags = write ? O_RDWR | O_CREAT : O_RDONLY;
  if (write && !read) oflags |= O_TRUNC;
  mtg::Fd fd(::open(full_path(name).c_str(), oflags | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    current().last_error = kErrCannotOpenFile;
    return INVALID_HANDLE;
  }
  if (write && (flags & FILE_SHARE_WRITE) == 0 && ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    current().last_error = kErrCannotOpenFile;
    return INVALID_HANDLE;
  }
  const int handle = current().fresh_handle();
  current().files().emplace(handle, Terminal::OpenFile{std::move(fd), full_path(name), ""});
  return handle;
}

void FileClose(int handle) {
  if (open_file(handle) == nullptr) return;
  FileFlush(handle);  // MQL5 writes the buffer out on close
  current().files().erase(handle);
}

ulong FileSize(int handle) {
  Terminal::OpenFile* f = open_file(handle);
  if (f == nullptr) return 0;
  struct stat st {};
  MTG_CHECK(::fstat(f->fd.get(), &st) == 0);
  return static_cast<ulong>(st.st_size) + f->unflushed.size();
}

uint FileReadArray(int handle, MqlArray<uchar>& bytes, int start, int count) {
  Terminal::OpenFile* f = open_file(handle);
  if (f == nullptr) return 0;
  MTG_CHECK(start >= 0 && count >= 0);
  if (bytes.items.size() < static_cast<size_t>(start + count)) bytes.items.resize(static_cast<size_t>(start + count));
  ssize_t got = ::pread(f->fd.get(), bytes.items.data() + start, static_cast<size_t>(count), 0);
  return got < 0 ? 0 : static_cast<uint>(got);
}

uint FileWriteArray(int handle, const MqlArray<uchar>& bytes, int start, int count) {
  Terminal::OpenFile* f = open_file(handle);
  if (f == nullptr) return 0;
  const size_t n = span(ArraySize(bytes), start, count);
  f->unflushed.append(bytes.items.begin() + start, bytes.items.begin() + start + static_cast<std::ptrdiff_t>(n));
  return static_cast<uint>(n);
}

void FileFlush(int handle) {
  Terminal::OpenFile* f = open_file(handle);
  if (f == nullptr || f->unflushed.empty()) return;
  mtg::ea_shim::TerminalFaults& faults = current().faults();
  std::string_view out = f->unflushed;
  const bool crash = faults.crash_at_flush > 0 && --faults.crash_at_flush == 0;
  if (crash) out = out.substr(0, std::min(out.size(), faults.torn_flush_bytes));
  ::lseek(f->fd.get(), 0, SEEK_END);
  if (!out.empty()) {
    mtg::Status written = mtg::write_all(f->fd.get(), f->path, out);
    if (written.is_ok()) written = mtg::FileSystem::real().sync(f->fd.get(), f->path, mtg::SyncMode::kData);
    if (!written.is_ok()) current().last_error = kErrFileWrite;
  }
  f->unflushed.clear();
  if (crash) throw mtg::ea_shim::Crash{"flush of " + f->path};
}

bool FileSeek(int handle, long offset, int origin) {
  (void)offset;
  (void)origin;
  return open_file(handle) != nullptr;
}

bool FileMove(const string& src, int common_flag, const string& dst, int mode_flags) {
  MTG_CHECK(common_flag == 0 && (mode_flags & FILE_REWRITE) != 0);
  const mtg::Status moved = mtg::rename_durably(full_path(src), full_path(dst));
  if (!moved.is_ok()) current().last_error = kErrCannotOpenFile;
  return moved.is_ok();
}

bool FileIsExist(const string& name, int common_flag) {
  MTG_CHECK(common_flag == 0);
  struct stat st {};
  return ::stat(full_path(name).c_str(), &st) == 0;
}

bool FileDelete(const string& name, int common_flag) {
  MTG_CHECK(common_flag == 0);
  return mtg::FileSystem::real().remove(full_path(name)).is_ok();
}
