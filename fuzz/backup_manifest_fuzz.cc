// libFuzzer target: the backup readers of src/backup/ — manifests (manifest.h) and
// LZ4 frames (lz4_frame.h) — on any bytes. An input that starts with the LZ4 frame
// magic (04 22 4D 18) is read as a compressed file, any other as a manifest.
// Properties, each a crash when broken:
// - parse_manifest returns a manifest or kCorruption with a non-empty reason; a parsed
//   manifest written back with manifest_to_json parses equal and writes the same text;
// - lz4_decompress_file returns the decompressed size (the size of what it wrote) or
//   kCorruption; what it wrote, compressed again, decompresses to the same bytes.
// Files go to a scratch directory under $TMPDIR, /dev/shm when TMPDIR is unset.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>

#include "backup/file_util.h"
#include "backup/lz4_frame.h"
#include "backup/manifest.h"
#include "fuzz_check.h"

namespace {

using mtg::Code;
using mtg::fuzz::fail;
namespace backup = mtg::backup;

constexpr char kOrigin[] = "fuzz/manifest.json";
constexpr char kFastTmpDir[] = "/dev/shm";

void check_manifest(const std::string& text) {
  auto manifest = backup::parse_manifest(text, kOrigin);
  if (!manifest) {
    mtg::fuzz::expect_error(manifest.status(), {Code::kCorruption}, "parse_manifest");
    return;
  }
  const std::string written = backup::manifest_to_json(*manifest);
  auto again = backup::parse_manifest(written, kOrigin);
  if (!again) fail("manifest round trip", "written manifest rejected: " + again.status().to_string());
  if (!(*again == *manifest)) fail("manifest round trip", "parsed differently: " + written);
  if (backup::manifest_to_json(*again) != written) fail("manifest round trip", "not canonical: " + written);
}

const backup::ScratchDir& scratch() {
  static const std::unique_ptr<backup::ScratchDir> dir = [] {
    if (std::getenv("TMPDIR") == nullptr && ::access(kFastTmpDir, W_OK) == 0) ::setenv("TMPDIR", kFastTmpDir, 0);
    auto made = backup::ScratchDir::create("fuzz");
    if (!made) fail("scratch directory", made.status().to_string());
    return std::make_unique<backup::ScratchDir>(std::move(made).value());
  }();
  return *dir;
}

void write_file(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out.flush()) fail("scratch file", "cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Decompresses `src` into a fresh `dest`; the result of lz4_decompress_file.
mtg::Result<int64_t> decompress(const std::string& src, const std::string& dest) {
  ::unlink(dest.c_str());
  return backup::lz4_decompress_file(src, dest);
}

void check_lz4(std::string_view frame) {
  const std::string in = scratch().file("in.lz4");
  const std::string out = scratch().file("out");
  write_file(in, frame);
  auto size = decompress(in, out);
  if (!size) {
    mtg::fuzz::expect_error(size.status(), {Code::kCorruption}, "lz4_decompress_file");
    return;
  }
  const std::string plain = read_file(out);
  if (*size != static_cast<int64_t>(plain.size())) fail("lz4_decompress_file", "size differs from the file");
  const std::string again = scratch().file("again.lz4");
  ::unlink(again.c_str());
  auto compressed = backup::lz4_compress_file(out, again);
  if (!compressed) fail("lz4_compress_file", compressed.status().to_string());
  auto round = decompress(again, out);
  if (!round || read_file(out) != plain) fail("lz4 round trip", "recompressed data decompressed differently");
}

bool starts_with_lz4_magic(std::string_view data) {
  if (data.size() < 4) return false;
  uint32_t magic = 0;
  for (size_t i = 0; i < 4; ++i) magic |= static_cast<uint32_t>(static_cast<uint8_t>(data[i])) << (8 * i);
  return magic == backup::kLz4FrameMagic;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (starts_with_lz4_magic(input)) {
    check_lz4(input);
  } else {
    check_manifest(std::string(input));
  }
  return 0;
}
