// libFuzzer target: the encrypted backup stream readers (src/crypto/stream_cipher.h,
// format in docs/backup-format.md) with a fixed test key. Two runs per input:
// 1. Raw: the input is an encrypted stream. read_stream_header returns a header or
//    kCorruption; decrypt_stream returns ok, kCorruption or kNotFound (memory streams
//    never fail to read or write), and never ok when the header was refused.
// 2. Tamper: the input's last bytes choose a chunk size and a tampering, its front
//    bytes are a plaintext. The plaintext, encrypted, decrypts equal with the key (also
//    from a key ring), is kNotFound with another key, and once tampered with (a bit
//    flipped, truncated, a byte appended, a chunk dropped or two swapped) never
//    decrypts: kCorruption, or kNotFound when the flip hit the key id.
// Allocation bounds are enforced by libFuzzer's -malloc_limit_mb (scripts/fuzz).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/master_key.h"
#include "crypto/stream_cipher.h"
#include "fuzz_check.h"

namespace {

using mtg::Code;
using mtg::fuzz::fail;
namespace crypto = mtg::crypto;

// The fixed test key: 32 bytes of 0x42 (key id in fuzz/corpus/backup_header_fuzz/).
constexpr uint8_t kKeyFill = 0x42;
constexpr uint8_t kOtherKeyFill = 0x17;
// Small chunks so a short plaintext spans several; at most this many full chunks.
constexpr uint32_t kMaxFuzzChunkBytes = 64;
constexpr size_t kMaxFuzzChunks = 8;
constexpr size_t kGcmTagBytes = 16;
constexpr size_t kChunkPrefixBytes = 5;
constexpr size_t kKeyIdOffset = 5;  // after the magic and the version

crypto::MasterKey key_filled_with(uint8_t fill) {
  std::array<uint8_t, crypto::kMasterKeyBytes> raw{};
  raw.fill(fill);
  return crypto::MasterKey::from_bytes(raw);
}

const crypto::MasterKey& test_key() {
  static const crypto::MasterKey key = key_filled_with(kKeyFill);
  return key;
}

const crypto::MasterKey& other_key() {
  static const crypto::MasterKey key = key_filled_with(kOtherKeyFill);
  return key;
}

mtg::Status decrypt(const std::vector<crypto::MasterKey>& keys, const std::string& sealed,
                    std::string* plain = nullptr) {
  std::istringstream in(sealed);
  std::ostringstream out;
  mtg::Status status = crypto::decrypt_stream(keys, in, out);
  if (plain != nullptr) *plain = out.str();
  return status;
}

void run_raw(const std::string& input) {
  std::istringstream in(input);
  auto header = crypto::read_stream_header(in);
  if (!header) mtg::fuzz::expect_error(header.status(), {Code::kCorruption}, "read_stream_header");
  const mtg::Status status = decrypt({test_key()}, input);
  if (status.is_ok()) {
    if (!header) fail("decrypt_stream", "ok on a stream whose header was refused");
    return;
  }
  mtg::fuzz::expect_error(status, {Code::kCorruption, Code::kNotFound}, "decrypt_stream");
}

enum class Tamper { kFlipBit, kTruncate, kAppend, kDropChunk, kSwapChunks, kMaxValue = kSwapChunks };

// Byte offsets where each chunk of `plain_bytes` sealed in `chunk_bytes` chunks starts,
// and the end of the stream as the last element.
std::vector<size_t> chunk_offsets(size_t plain_bytes, size_t chunk_bytes) {
  std::vector<size_t> offsets{crypto::kStreamHeaderBytes};
  const size_t full = plain_bytes / chunk_bytes;
  for (size_t i = 0; i < full; ++i) offsets.push_back(offsets.back() + kChunkPrefixBytes + chunk_bytes + kGcmTagBytes);
  offsets.push_back(offsets.back() + kChunkPrefixBytes + plain_bytes % chunk_bytes + kGcmTagBytes);
  return offsets;
}

// Applies `tamper` at a position derived from `where` and returns the offset of the
// first byte it changed; nullopt when it cannot apply.
std::optional<size_t> tamper_with(std::string& sealed, Tamper tamper, size_t where,
                                  const std::vector<size_t>& offsets) {
  const size_t chunks = offsets.size() - 1;
  switch (tamper) {
    case Tamper::kFlipBit: {
      const size_t at = (where / 8) % sealed.size();
      sealed[at] = static_cast<char>(sealed[at] ^ (1 << (where % 8)));
      return at;
    }
    case Tamper::kTruncate:
      sealed.resize(where % sealed.size());
      return sealed.size();
    case Tamper::kAppend:
      sealed.push_back(static_cast<char>(where));
      return sealed.size() - 1;
    case Tamper::kDropChunk: {
      const size_t k = where % chunks;
      sealed.erase(offsets[k], offsets[k + 1] - offsets[k]);
      return offsets[k];
    }
    case Tamper::kSwapChunks: {
      if (chunks < 3) return std::nullopt;  // needs two full chunks before the final one
      const size_t k = where % (chunks - 2);
      const auto at = [&](size_t offset) { return sealed.begin() + static_cast<std::ptrdiff_t>(offset); };
      std::swap_ranges(at(offsets[k]), at(offsets[k + 1]), at(offsets[k + 1]));
      return offsets[k];
    }
  }
  return std::nullopt;
}

void run_tamper(FuzzedDataProvider& input) {
  crypto::StreamOptions options;
  options.chunk_bytes = input.ConsumeIntegralInRange<uint32_t>(1, kMaxFuzzChunkBytes);
  const auto tamper = input.ConsumeEnum<Tamper>();
  const auto where = input.ConsumeIntegral<size_t>();
  const std::string plain = input.ConsumeBytesAsString(options.chunk_bytes * kMaxFuzzChunks);

  std::istringstream in(plain);
  std::ostringstream out;
  const mtg::Status sealed_status = crypto::encrypt_stream(test_key(), in, out, options);
  if (!sealed_status) fail("encrypt_stream", sealed_status.to_string());
  std::string sealed = out.str();
  const std::vector<size_t> offsets = chunk_offsets(plain.size(), options.chunk_bytes);
  if (sealed.size() != offsets.back()) fail("encrypt_stream", "size differs from docs/backup-format.md");

  std::string opened;
  const mtg::Status ring_status = decrypt({other_key(), test_key()}, sealed, &opened);
  if (!ring_status || opened != plain) fail("round trip", "sealed stream did not open: " + ring_status.to_string());
  mtg::fuzz::expect_error(decrypt({other_key()}, sealed), {Code::kNotFound}, "decrypt with another key");

  const std::optional<size_t> changed_at = tamper_with(sealed, tamper, where, offsets);
  if (!changed_at) return;
  const mtg::Status status = decrypt({test_key()}, sealed);
  if (*changed_at >= kKeyIdOffset && *changed_at < kKeyIdOffset + crypto::kKeyIdChars) {
    mtg::fuzz::expect_error(status, {Code::kCorruption, Code::kNotFound}, "decrypt with a tampered key id");
  } else {
    mtg::fuzz::expect_error(status, {Code::kCorruption}, "decrypt of a tampered stream");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run_raw(std::string(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider input(data, size);
  run_tamper(input);
  return 0;
}
