#include "backup/lz4_frame.h"

#include <lz4frame.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "util/check.h"
#include "util/fd.h"
#include "util/file_system.h"

namespace mtg::backup {

namespace {

constexpr size_t kMaxFlushCalls = 16;

// Owns the two descriptors of a file-to-file transformation; removes `dest` unless
// commit() succeeded.
class FilePair {
 public:
  FilePair(const std::string& src, const std::string& dest) : dest_(dest) {
    auto in = files().open_read(src);
    if (!in) {
      status_ = in.status();
      return;
    }
    in_ = std::move(*in);
    auto out = files().create_file(dest, 0600);
    if (!out) {
      status_ = out.status();
      return;
    }
    out_ = std::move(*out);
    std::error_code ec;
    total_ = static_cast<int64_t>(std::filesystem::file_size(src, ec));
    if (ec) total_ = -1;
  }
  ~FilePair() {
    if (status_.is_ok() && !committed_) {  // dest was created
      out_.reset();
      (void)files().remove(dest_);
    }
  }
  FilePair(const FilePair&) = delete;
  FilePair& operator=(const FilePair&) = delete;

  const Status& status() const { return status_; }
  int64_t total() const { return total_; }

  Result<size_t> read(char* buf, size_t n) {
    for (;;) {
      const ssize_t r = ::read(in_.get(), buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return Status::io(std::string("read: ") + std::strerror(errno));
    }
  }
  Status write(const char* data, size_t n) {
    MTG_RETURN_IF_ERROR(write_all(out_.get(), dest_, std::string_view(data, n), files()));
    written_ += static_cast<int64_t>(n);
    return Status::ok();
  }
  int64_t written() const { return written_; }
  Status commit() {
    MTG_RETURN_IF_ERROR(files().sync(out_.get(), dest_, SyncMode::kAll));
    MTG_RETURN_IF_ERROR(files().close(out_, dest_));
    committed_ = true;
    return Status::ok();
  }

 private:
  static FileSystem& files() { return FileSystem::real(); }

  std::string dest_;
  Fd in_;
  Fd out_;
  int64_t total_ = -1;
  int64_t written_ = 0;
  bool committed_ = false;
  Status status_;
};

struct CctxDeleter {
  void operator()(LZ4F_cctx* c) const { LZ4F_freeCompressionContext(c); }
};
struct DctxDeleter {
  void operator()(LZ4F_dctx* d) const { LZ4F_freeDecompressionContext(d); }
};

Status lz4_error(const std::string& what, size_t code) {
  return Status::corruption(what + ": " + LZ4F_getErrorName(code));
}

}  // namespace

Result<int64_t> lz4_compress_file(const std::string& src, const std::string& dest, const ProgressFn& progress) {
  FilePair files(src, dest);
  MTG_RETURN_IF_ERROR(files.status());
  LZ4F_cctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createCompressionContext(&raw, LZ4F_VERSION))) return Status::internal("lz4: no context");
  std::unique_ptr<LZ4F_cctx, CctxDeleter> cctx(raw);
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max1MB;
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  prefs.compressionLevel = 1;  // fast: snapshots are taken every minute
  std::vector<char> in(kLz4ChunkBytes);
  std::vector<char> out(LZ4F_compressBound(kLz4ChunkBytes, &prefs) + LZ4F_HEADER_SIZE_MAX);
  size_t n = LZ4F_compressBegin(cctx.get(), out.data(), out.size(), &prefs);
  if (LZ4F_isError(n)) return lz4_error("lz4 compress " + src, n);
  MTG_RETURN_IF_ERROR(files.write(out.data(), n));
  int64_t done = 0;
  for (;;) {
    auto r = files.read(in.data(), in.size());
    if (!r) return r.status().with_context(src);
    if (*r == 0) break;
    n = LZ4F_compressUpdate(cctx.get(), out.data(), out.size(), in.data(), *r, nullptr);
    if (LZ4F_isError(n)) return lz4_error("lz4 compress " + src, n);
    MTG_RETURN_IF_ERROR(files.write(out.data(), n));
    done += static_cast<int64_t>(*r);
    if (progress) progress("compress", done, files.total());
  }
  n = LZ4F_compressEnd(cctx.get(), out.data(), out.size(), nullptr);
  if (LZ4F_isError(n)) return lz4_error("lz4 compress " + src, n);
  MTG_RETURN_IF_ERROR(files.write(out.data(), n));
  MTG_RETURN_IF_ERROR(files.commit());
  return files.written();
}

Result<int64_t> lz4_decompress_file(const std::string& src, const std::string& dest, const ProgressFn& progress) {
  FilePair files(src, dest);
  MTG_RETURN_IF_ERROR(files.status());
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) return Status::internal("lz4: no context");
  std::unique_ptr<LZ4F_dctx, DctxDeleter> dctx(raw);
  std::vector<char> in(kLz4ChunkBytes);
  std::vector<char> out(4 * 1024 * 1024);
  size_t hint = 1;  // LZ4F returns 0 exactly when a frame ended
  int64_t read_total = 0;
  for (;;) {
    auto r = files.read(in.data(), in.size());
    if (!r) return r.status().with_context(src);
    if (*r == 0) break;
    read_total += static_cast<int64_t>(*r);
    size_t pos = 0;
    while (pos < *r) {
      if (hint == 0) return Status::corruption("lz4 " + src + ": trailing data after the frame");
      size_t src_size = *r - pos;
      size_t dst_size = out.size();
      hint = LZ4F_decompress(dctx.get(), out.data(), &dst_size, in.data() + pos, &src_size, nullptr);
      if (LZ4F_isError(hint)) return lz4_error("lz4 decompress " + src, hint);
      MTG_RETURN_IF_ERROR(files.write(out.data(), dst_size));
      pos += src_size;
    }
    if (progress) progress("decompress", read_total, files.total());
  }
  for (size_t flushes = 0; hint != 0 && flushes < kMaxFlushCalls; ++flushes) {  // output buffered inside LZ4F
    size_t src_size = 0;
    size_t dst_size = out.size();
    hint = LZ4F_decompress(dctx.get(), out.data(), &dst_size, nullptr, &src_size, nullptr);
    if (LZ4F_isError(hint)) return lz4_error("lz4 decompress " + src, hint);
    if (dst_size == 0) break;
    MTG_RETURN_IF_ERROR(files.write(out.data(), dst_size));
  }
  if (hint != 0) return Status::corruption("lz4 " + src + ": truncated frame");
  MTG_RETURN_IF_ERROR(files.commit());
  return files.written();
}

}  // namespace mtg::backup
