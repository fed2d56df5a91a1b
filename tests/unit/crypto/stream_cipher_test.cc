#include "crypto/stream_cipher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "crypto_test_keys.h"
#include "testkit/temp_dir.h"

namespace mtg::crypto {
namespace {

using testing::key_filled_with;

constexpr size_t kTagBytes = 16;
constexpr size_t kChunkPrefixBytes = 5;
constexpr uint32_t kSmallChunkBytes = 64;

std::string pseudo_random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string encrypt(const MasterKey& key, const std::string& plain, uint32_t chunk_bytes) {
  std::istringstream in(plain);
  std::ostringstream out;
  const Status st = encrypt_stream(key, in, out, StreamOptions{chunk_bytes});
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return out.str();
}

Result<std::string> decrypt(const std::vector<MasterKey>& keys, const std::string& stream) {
  std::istringstream in(stream);
  std::ostringstream out;
  const Status st = decrypt_stream(keys, in, out);
  if (!st.is_ok()) return st;
  return out.str();
}

// Offset of chunk `index` in a stream of full kSmallChunkBytes chunks.
size_t chunk_offset(size_t index) {
  return kStreamHeaderBytes + index * (kChunkPrefixBytes + kSmallChunkBytes + kTagBytes);
}

TEST(StreamCipherTest, RoundTripsEmptyOneByteAndThreeMiBPlusOne) {
  const MasterKey key = key_filled_with(1);
  const std::vector<std::string> inputs = {
      "", "x", pseudo_random_bytes(3 * 1024 * 1024 + 1, 7)};
  for (const auto& plain : inputs) {
    const std::string enc = encrypt(key, plain, kDefaultStreamChunkBytes);
    auto back = decrypt({key}, enc);
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_TRUE(*back == plain) << "size " << plain.size();
  }
}

TEST(StreamCipherTest, ExactMultipleOfChunkSizeEndsWithAnEmptyFinalChunk) {
  const MasterKey key = key_filled_with(2);
  const std::string plain = pseudo_random_bytes(3 * kSmallChunkBytes, 3);
  const std::string enc = encrypt(key, plain, kSmallChunkBytes);
  EXPECT_EQ(enc.size(), chunk_offset(3) + kChunkPrefixBytes + kTagBytes);
  EXPECT_EQ(*decrypt({key}, enc), plain);
}

TEST(StreamCipherTest, HeaderDescribesKeyAndChunkSize) {
  const MasterKey key = key_filled_with(3);
  std::istringstream in(encrypt(key, "abc", kSmallChunkBytes));
  auto h = read_stream_header(in);
  ASSERT_TRUE(h.is_ok()) << h.status().to_string();
  EXPECT_EQ(h->version, kStreamVersion);
  EXPECT_EQ(h->key_id, key.key_id);
  EXPECT_EQ(h->chunk_bytes, kSmallChunkBytes);
}

TEST(StreamCipherTest, PlaintextNeverAppearsInTheStream) {
  const MasterKey key = key_filled_with(4);
  std::string plain;
  for (int i = 0; i < 200; ++i) plain += "INSERT INTO creds VALUES ('secret-password');\n";
  const std::string enc = encrypt(key, plain, kSmallChunkBytes);
  EXPECT_EQ(enc.find("secret-password"), std::string::npos);
  EXPECT_EQ(enc.find("INSERT"), std::string::npos);
}

void expect_corruption(const std::vector<MasterKey>& keys, const std::string& stream, const char* what) {
  auto r = decrypt(keys, stream);
  ASSERT_FALSE(r.is_ok()) << what;
  EXPECT_EQ(r.status().code(), Code::kCorruption) << what << ": " << r.status().to_string();
}

TEST(StreamCipherTest, TamperingWithChunksIsCorruption) {
  const MasterKey key = key_filled_with(5);
  const std::string plain = pseudo_random_bytes(4 * kSmallChunkBytes + 10, 5);
  const std::string enc = encrypt(key, plain, kSmallChunkBytes);
  const size_t chunk_len = chunk_offset(1) - chunk_offset(0);

  for (size_t len = 0; len < enc.size(); len += 7) expect_corruption({key}, enc.substr(0, len), "truncated");
  expect_corruption({key}, enc.substr(0, chunk_offset(4)), "dropped last chunk");
  std::string swapped = enc;
  swapped.replace(chunk_offset(1), chunk_len, enc.substr(chunk_offset(2), chunk_len));
  swapped.replace(chunk_offset(2), chunk_len, enc.substr(chunk_offset(1), chunk_len));
  expect_corruption({key}, swapped, "swapped chunks");
  expect_corruption({key}, enc + "garbage", "appended garbage");
  expect_corruption({key}, enc + enc.substr(chunk_offset(4)), "appended a copy of the final chunk");
  std::string dropped_middle = enc;
  dropped_middle.erase(chunk_offset(1), chunk_len);
  expect_corruption({key}, dropped_middle, "dropped middle chunk");
  std::string flipped = enc;
  flipped[chunk_offset(2) + kChunkPrefixBytes + 3] ^= 0x01;
  expect_corruption({key}, flipped, "flipped ciphertext bit");
  std::string marked_final = enc;  // claim an early chunk was the last one
  marked_final[chunk_offset(1)] = 1;
  expect_corruption({key}, marked_final.substr(0, chunk_offset(2)), "forged final flag");
}

TEST(StreamCipherTest, FlippedHeaderBitsNeverDecrypt) {
  const MasterKey key = key_filled_with(6);
  const std::string enc = encrypt(key, "payload", kSmallChunkBytes);
  for (size_t byte = 0; byte < kStreamHeaderBytes; ++byte) {
    std::string bad = enc;
    bad[byte] ^= 0x10;
    EXPECT_FALSE(decrypt({key}, bad).is_ok()) << "byte " << byte;
  }
}

TEST(StreamCipherTest, WrongKeyUnknownKeyAndRotation) {
  const MasterKey old_key = key_filled_with(7);
  const MasterKey new_key = key_filled_with(8);
  const std::string enc = encrypt(old_key, "dump", kSmallChunkBytes);
  EXPECT_EQ(decrypt({new_key}, enc).status().code(), Code::kNotFound);
  MasterKey impostor = new_key;
  impostor.key_id = old_key.key_id;
  EXPECT_EQ(decrypt({impostor}, enc).status().code(), Code::kCorruption);
  EXPECT_EQ(*decrypt({new_key, old_key}, enc), "dump");
}

TEST(StreamCipherTest, HeaderReaderSurvivesGarbage) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string junk = pseudo_random_bytes(rng() % 64, static_cast<uint32_t>(i));
    if (i % 2 == 0 && junk.size() >= 4) junk.replace(0, 4, "MTGB");
    std::istringstream in(junk);
    auto h = read_stream_header(in);
    if (!h.is_ok()) {
      EXPECT_EQ(h.status().code(), Code::kCorruption);
    }
  }
  std::string oversized_chunk = encrypt(key_filled_with(9), "x", kSmallChunkBytes);
  oversized_chunk[kStreamHeaderBytes - 12 - 4] = 0x7f;  // chunk size's top byte
  std::istringstream in(oversized_chunk);
  EXPECT_EQ(read_stream_header(in).status().code(), Code::kCorruption);
}

TEST(StreamCipherTest, FileDescriptorVariantsWorkThroughAPipe) {
  const MasterKey key = key_filled_with(10);
  const std::string plain = pseudo_random_bytes(2 * 1024 * 1024 + 3, 13);
  testkit::TempDir dir;
  const std::string enc_path = dir.file("dump.enc");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread producer([&] {  // plays pg_dump writing into the pipe
    size_t done = 0;
    while (done < plain.size()) {
      const ssize_t n = ::write(fds[1], plain.data() + done, std::min<size_t>(4096, plain.size() - done));
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  const int out_fd = ::open(enc_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(out_fd, 0);
  const Status st = encrypt_fd(key, fds[0], out_fd);
  producer.join();
  ::close(fds[0]);
  ::close(out_fd);
  ASSERT_TRUE(st.is_ok()) << st.to_string();

  const std::string dec_path = dir.file("dump");
  const int in_fd = ::open(enc_path.c_str(), O_RDONLY);
  const int dec_fd = ::open(dec_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_TRUE(decrypt_fd({key}, in_fd, dec_fd).is_ok());
  ::close(in_fd);
  ::close(dec_fd);
  std::ifstream dec(dec_path, std::ios::binary);
  const std::string back((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(back == plain);
}

}  // namespace
}  // namespace mtg::crypto
