// Streaming LZ4 *frame* compression (liblz4 LZ4F_*) of whole files, in bounded memory,
// so the `lz4` command line tool reads our DuckDB snapshots (`lz4 -d duckdb.lz4`).
#pragma once

#include <cstdint>
#include <string>

#include "backup/file_util.h"
#include "util/status.h"

namespace mtg::backup {

// The first four bytes of every LZ4 frame (little-endian on disk: 04 22 4D 18).
inline constexpr uint32_t kLz4FrameMagic = 0x184D2204;
// Uncompressed bytes fed to the compressor per step.
inline constexpr size_t kLz4ChunkBytes = 1024 * 1024;

// Compresses `src` into a new file `dest` (mode 0600, fsync'd) as one LZ4 frame with
// content checksums. Returns the bytes written. On failure `dest` is removed.
Result<int64_t> lz4_compress_file(const std::string& src, const std::string& dest, const ProgressFn& progress = {});

// Decompresses the LZ4 frame in `src` into a new file `dest` (mode 0600, fsync'd) and
// returns the decompressed size. kCorruption for a damaged or truncated frame (the
// content checksum is verified); on failure `dest` is removed.
Result<int64_t> lz4_decompress_file(const std::string& src, const std::string& dest,
                                    const ProgressFn& progress = {});

}  // namespace mtg::backup
