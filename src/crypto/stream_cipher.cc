#include "crypto/stream_cipher.h"

#include <openssl/crypto.h>

#include <cstring>

#include "crypto/gcm.h"
#include "crypto/stream_io.h"
#include "util/check.h"

namespace mtg::crypto {
namespace {

constexpr uint8_t kFinalFlag = 0x01;
constexpr size_t kChunkPrefixBytes = 1 + 4;
// 2^32 chunks of 1 MiB is 4 PiB: far beyond any backup, far below GCM's nonce space.
constexpr uint64_t kMaxChunks = uint64_t{1} << 32;

void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_u64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Precondition: `h` is a header parse_header accepts (the writer's own, or one it read).
std::string encode_header(const StreamHeader& h) {
  MTG_CHECK(h.version == kStreamVersion);
  MTG_CHECK(h.key_id.size() == kKeyIdChars);
  MTG_CHECK(h.chunk_bytes >= 1);
  MTG_CHECK(h.chunk_bytes <= kMaxStreamChunkBytes);
  std::string out(kStreamMagic);
  out.push_back(static_cast<char>(h.version));
  out.append(h.key_id);
  put_u32(out, h.chunk_bytes);
  out.append(reinterpret_cast<const char*>(h.base_nonce.data()), h.base_nonce.size());
  MTG_CHECK(out.size() == kStreamHeaderBytes);
  return out;
}

bool is_hex_id(std::string_view id) {
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return id.size() == kKeyIdChars;
}

Result<StreamHeader> parse_header(ByteReader& in) {
  char raw[kStreamHeaderBytes];
  auto got = in.read_full(raw, sizeof raw);
  if (!got.is_ok()) return got.status();
  if (*got != sizeof raw) return Status::corruption("encrypted stream truncated inside its header");
  const std::string_view view(raw, sizeof raw);
  if (view.substr(0, kStreamMagic.size()) != kStreamMagic) {
    return Status::corruption("not an mtguard encrypted stream (bad magic)");
  }
  StreamHeader h;
  h.version = static_cast<uint8_t>(raw[4]);
  if (h.version != kStreamVersion) {
    return Status::corruption("unsupported encrypted stream version " + std::to_string(h.version));
  }
  h.key_id = std::string(view.substr(5, kKeyIdChars));
  if (!is_hex_id(h.key_id)) return Status::corruption("encrypted stream has a garbled key id");
  h.chunk_bytes = get_u32(raw + 5 + kKeyIdChars);
  if (h.chunk_bytes == 0 || h.chunk_bytes > kMaxStreamChunkBytes) {
    return Status::corruption("encrypted stream has a bad chunk size " + std::to_string(h.chunk_bytes));
  }
  std::memcpy(h.base_nonce.data(), raw + 9 + kKeyIdChars, h.base_nonce.size());
  return h;
}

GcmNonce chunk_nonce(const StreamHeader& h, uint64_t index) {
  MTG_CHECK(index < kMaxChunks);  // distinct nonces: index fits the nonce's last 8 bytes
  GcmNonce nonce = h.base_nonce;
  for (size_t i = 0; i < 8; ++i) {
    nonce[nonce.size() - 1 - i] ^= static_cast<uint8_t>((index >> (8 * i)) & 0xff);
  }
  return nonce;
}

// The chunk prefix (flags, length) as written before the ciphertext.
std::string chunk_prefix(uint8_t flags, uint32_t length) {
  std::string out(1, static_cast<char>(flags));
  put_u32(out, length);
  return out;
}

std::string chunk_aad(const std::string& header_bytes, uint64_t index, const std::string& prefix) {
  std::string aad = header_bytes;
  put_u64(aad, index);
  aad.append(prefix);
  return aad;
}

const MasterKey* find_key(const std::vector<MasterKey>& keys, const std::string& key_id) {
  for (const auto& key : keys) {
    if (key.key_id == key_id) return &key;
  }
  return nullptr;
}

// Seals `in` chunk by chunk, using `plain` (chunk_bytes long) as the read buffer.
Status encrypt_chunks(const MasterKey& key, const StreamHeader& h, const std::string& header_bytes,
                      ByteReader& in, ByteWriter& out, std::string& plain) {
  MTG_CHECK(plain.size() == h.chunk_bytes);
  std::string sealed;
  for (uint64_t index = 0;; ++index) {
    MTG_CHECK(index < kMaxChunks);
    auto got = in.read_full(plain.data(), plain.size());
    if (!got.is_ok()) return got.status();
    MTG_CHECK(*got <= plain.size());
    // A short read means end of input: this chunk is the last (possibly empty) one.
    const bool final = *got < plain.size();
    const std::string prefix = chunk_prefix(final ? kFinalFlag : 0, static_cast<uint32_t>(*got));
    sealed = prefix;
    MTG_RETURN_IF_ERROR(gcm_seal(key, chunk_nonce(h, index), chunk_aad(header_bytes, index, prefix),
                                 std::string_view(plain.data(), *got), sealed));
    MTG_RETURN_IF_ERROR(out.write_all(sealed.data(), sealed.size()));
    if (final) return Status::ok();
  }
}

Status encrypt_impl(const MasterKey& key, ByteReader& in, ByteWriter& out, const StreamOptions& opt) {
  MTG_CHECK(key.key_id.size() == kKeyIdChars);
  if (opt.chunk_bytes == 0 || opt.chunk_bytes > kMaxStreamChunkBytes) {
    return Status::invalid("stream chunk size must be 1.." + std::to_string(kMaxStreamChunkBytes));
  }
  StreamHeader h{kStreamVersion, key.key_id, opt.chunk_bytes, random_nonce()};
  const std::string header_bytes = encode_header(h);
  MTG_RETURN_IF_ERROR(out.write_all(header_bytes.data(), header_bytes.size()));
  std::string plain(opt.chunk_bytes, '\0');
  const Status st = encrypt_chunks(key, h, header_bytes, in, out, plain);
  OPENSSL_cleanse(plain.data(), plain.size());
  return st;
}

// Reads, verifies and writes one chunk. Sets `final` when it was the last one.
Status decrypt_chunk(const MasterKey& key, const StreamHeader& h, const std::string& header_bytes,
                     uint64_t index, ByteReader& in, ByteWriter& out, bool& final) {
  char prefix_raw[kChunkPrefixBytes];
  auto got = in.read_full(prefix_raw, sizeof prefix_raw);
  if (!got.is_ok()) return got.status();
  if (*got != sizeof prefix_raw) {
    return Status::corruption("encrypted stream truncated before chunk " + std::to_string(index));
  }
  const auto flags = static_cast<uint8_t>(prefix_raw[0]);
  const uint32_t length = get_u32(prefix_raw + 1);
  final = (flags & kFinalFlag) != 0;
  if ((flags & ~kFinalFlag) != 0 || length > h.chunk_bytes || (!final && length != h.chunk_bytes)) {
    return Status::corruption("encrypted stream chunk " + std::to_string(index) + " has a bad prefix");
  }
  std::string sealed(length + kGcmTagBytes, '\0');
  got = in.read_full(sealed.data(), sealed.size());
  if (!got.is_ok()) return got.status();
  if (*got != sealed.size()) {
    return Status::corruption("encrypted stream truncated inside chunk " + std::to_string(index));
  }
  std::string plain;
  const std::string aad = chunk_aad(header_bytes, index, std::string(prefix_raw, sizeof prefix_raw));
  Status st = gcm_open(key, chunk_nonce(h, index), aad, sealed, plain);
  if (!st.is_ok()) return st.with_context("encrypted stream chunk " + std::to_string(index));
  MTG_CHECK(plain.size() == length);
  st = out.write_all(plain.data(), plain.size());
  OPENSSL_cleanse(plain.data(), plain.size());
  return st;
}

Status decrypt_impl(const std::vector<MasterKey>& keys, ByteReader& in, ByteWriter& out) {
  auto header = parse_header(in);
  if (!header.is_ok()) return header.status();
  const MasterKey* key = find_key(keys, header->key_id);
  if (key == nullptr) return Status::not_found("no key with id " + header->key_id);
  const std::string header_bytes = encode_header(*header);
  bool final = false;
  for (uint64_t index = 0; !final; ++index) {
    if (index >= kMaxChunks) return Status::corruption("encrypted stream has too many chunks");
    MTG_RETURN_IF_ERROR(decrypt_chunk(*key, *header, header_bytes, index, in, out, final));
  }
  char extra = 0;
  auto got = in.read_full(&extra, 1);
  if (!got.is_ok()) return got.status();
  if (*got != 0) return Status::corruption("encrypted stream has trailing data after its final chunk");
  return Status::ok();
}

}  // namespace

Status encrypt_stream(const MasterKey& key, std::istream& in, std::ostream& out,
                      const StreamOptions& options) {
  IstreamReader reader(in);
  OstreamWriter writer(out);
  MTG_RETURN_IF_ERROR(encrypt_impl(key, reader, writer, options));
  out.flush();
  return out ? Status::ok() : Status::io("flush of encrypted stream failed");
}

Status decrypt_stream(const std::vector<MasterKey>& keys, std::istream& in, std::ostream& out) {
  IstreamReader reader(in);
  OstreamWriter writer(out);
  MTG_RETURN_IF_ERROR(decrypt_impl(keys, reader, writer));
  out.flush();
  return out ? Status::ok() : Status::io("flush of decrypted stream failed");
}

Status encrypt_fd(const MasterKey& key, int in_fd, int out_fd, const StreamOptions& options) {
  FdReader reader(in_fd);
  FdWriter writer(out_fd);
  return encrypt_impl(key, reader, writer, options);
}

Status decrypt_fd(const std::vector<MasterKey>& keys, int in_fd, int out_fd) {
  FdReader reader(in_fd);
  FdWriter writer(out_fd);
  return decrypt_impl(keys, reader, writer);
}

Result<StreamHeader> read_stream_header(std::istream& in) {
  IstreamReader reader(in);
  return parse_header(reader);
}

}  // namespace mtg::crypto
