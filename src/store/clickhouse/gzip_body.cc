#include "store/clickhouse/gzip_body.h"

#include <zlib.h>

#include "util/check.h"

namespace mtg {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // zlib's largest window, with a gzip header and trailer
constexpr int kMemLevel = 8;              // zlib's default

}  // namespace

Result<std::string> gzip_compress(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::internal("gzip: deflateInit2 failed");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);  // deflateBound leaves room for the whole stream
  const size_t written = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::internal("gzip: deflate failed (" + std::to_string(rc) + ")");
  MTG_CHECK(written > 0);
  out.resize(written);
  return out;
}

}  // namespace mtg
