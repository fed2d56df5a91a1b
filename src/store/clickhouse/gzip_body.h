// Request bodies compressed for ClickHouse's HTTP interface: a gzip stream sent with
// "Content-Encoding: gzip" (ClickHouse 18.16 reads gzip and deflate request bodies; not
// lz4 or zstd).
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg {

// `data` as one gzip member at zlib's fastest level; kInternal when zlib fails.
Result<std::string> gzip_compress(std::string_view data);

}  // namespace mtg
