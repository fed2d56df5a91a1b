#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "crypto/sha256.h"
#include "crypto/token.h"
#include "testkit/temp_dir.h"

namespace mtg::crypto {
namespace {

constexpr const char* kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), kEmptySha256);
  EXPECT_EQ(sha256_hex("abc"), kAbcSha256);
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  Sha256 sha;
  sha.update("a");
  sha.update("");
  sha.update("bc");
  EXPECT_EQ(sha.finish_hex(), kAbcSha256);
}

TEST(Sha256Test, FileDigestMatchesContentsAndReportsMissingFiles) {
  testkit::TempDir dir;
  std::string big(300 * 1024 + 5, 'z');
  const std::string path = dir.write("big", big);
  auto digest = sha256_file_hex(path);
  ASSERT_TRUE(digest.is_ok()) << digest.status().to_string();
  EXPECT_EQ(*digest, sha256_hex(big));
  EXPECT_EQ(*sha256_file_hex(dir.write("empty", "")), kEmptySha256);
  EXPECT_EQ(sha256_file_hex(dir.file("absent")).status().code(), Code::kNotFound);
}

TEST(TokenTest, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("token-123", "token-123"));
  EXPECT_FALSE(constant_time_equal("token-123", "token-124"));
  EXPECT_FALSE(constant_time_equal("token-123", "token-12"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal("x", ""));
}

TEST(TokenTest, RandomHexHasTheRightLengthAndDoesNotRepeat) {
  EXPECT_EQ(random_hex(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string t = random_hex(16);
    ASSERT_EQ(t.size(), 32u);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace mtg::crypto
