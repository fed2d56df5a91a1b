#include "backup/lz4_frame.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "backup_fixture.h"

namespace mtg::backup {
namespace {

using testing::slurp;

// Compressible but not trivial: 3.5 chunks of words with random numbers.
std::string sample_data() {
  std::mt19937 rng(7);
  std::string data;
  while (data.size() < kLz4ChunkBytes * 7 / 2) data += "trade " + std::to_string(rng() % 100000) + " EURUSD 0.10\n";
  return data;
}

TEST(Lz4Frame, RoundTripsAndStartsWithTheFrameMagic) {
  testkit::TempDir dir;
  const std::string data = sample_data();
  const std::string src = dir.write("raw", data);
  auto stored = lz4_compress_file(src, dir.file("raw.lz4"));
  ASSERT_TRUE(stored.is_ok()) << stored.status().to_string();
  EXPECT_LT(*stored, static_cast<int64_t>(data.size()));
  const std::string frame = slurp(dir.file("raw.lz4"));
  ASSERT_GE(frame.size(), 4u);
  const uint32_t magic = static_cast<uint8_t>(frame[0]) | static_cast<uint8_t>(frame[1]) << 8 |
                         static_cast<uint8_t>(frame[2]) << 16 | static_cast<uint32_t>(static_cast<uint8_t>(frame[3])) << 24;
  EXPECT_EQ(magic, kLz4FrameMagic);
  auto raw = lz4_decompress_file(dir.file("raw.lz4"), dir.file("back"));
  ASSERT_TRUE(raw.is_ok()) << raw.status().to_string();
  EXPECT_EQ(*raw, static_cast<int64_t>(data.size()));
  EXPECT_EQ(slurp(dir.file("back")), data);
}

TEST(Lz4Frame, DamagedOrTruncatedFramesAreCorruptionAndLeaveNoOutput) {
  testkit::TempDir dir;
  const std::string src = dir.write("raw", sample_data());
  ASSERT_TRUE(lz4_compress_file(src, dir.file("a.lz4")).is_ok());
  const std::string frame = slurp(dir.file("a.lz4"));
  dir.write("cut.lz4", frame.substr(0, frame.size() / 2));
  auto cut = lz4_decompress_file(dir.file("cut.lz4"), dir.file("cut.out"));
  EXPECT_EQ(cut.status().code(), Code::kCorruption) << cut.status().to_string();
  EXPECT_FALSE(std::filesystem::exists(dir.file("cut.out")));
  testing::flip_byte(dir.file("a.lz4"), frame.size() / 2);
  auto flipped = lz4_decompress_file(dir.file("a.lz4"), dir.file("flip.out"));
  EXPECT_EQ(flipped.status().code(), Code::kCorruption) << flipped.status().to_string();
  EXPECT_FALSE(std::filesystem::exists(dir.file("flip.out")));
}

TEST(Lz4Frame, ExistingDestinationIsNeverOverwritten) {
  testkit::TempDir dir;
  const std::string src = dir.write("raw", "x");
  dir.write("taken", "keep me");
  EXPECT_FALSE(lz4_compress_file(src, dir.file("taken")).is_ok());
  EXPECT_EQ(slurp(dir.file("taken")), "keep me");
}

}  // namespace
}  // namespace mtg::backup
