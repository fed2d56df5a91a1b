#include "crypto/master_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "crypto/hex.h"
#include "crypto/sha256.h"
#include "testkit/temp_dir.h"

namespace mtg::crypto {
namespace {

// Unsets MTGUARD_MASTER_KEY_HEX for a test and restores nothing (tests own the env).
class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv(kMasterKeyEnv); }
  void TearDown() override { ::unsetenv(kMasterKeyEnv); }

  std::string write_raw(const std::string& name, const std::string& bytes, mode_t mode) {
    const std::string path = dir_.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    ::chmod(path.c_str(), mode);
    return path;
  }

  testkit::TempDir dir_;
};

TEST_F(MasterKeyTest, CreateThenLoadGivesTheSameKeyWithMode0600) {
  const std::string path = dir_.file("master.key");
  ASSERT_TRUE(create_master_key(path).is_ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto a = load_master_key(path);
  auto b = load_master_key(path);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_EQ(a->bytes, b->bytes);
  EXPECT_EQ(a->key_id.size(), kKeyIdChars);
  EXPECT_EQ(a->key_id, compute_key_id(a->bytes));
}

TEST_F(MasterKeyTest, CreateRefusesToOverwrite) {
  const std::string path = write_raw("master.key", std::string(32, 'k'), 0600);
  const Status st = create_master_key(path);
  EXPECT_EQ(st.code(), Code::kAlreadyExists);
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), std::string(32, 'k'));
}

TEST_F(MasterKeyTest, KeyIdIsAPrefixOfTheKeysSha256) {
  const std::string path = write_raw("k", std::string(32, '\x01'), 0400);
  auto key = load_master_key(path);
  ASSERT_TRUE(key.is_ok()) << key.status().to_string();
  EXPECT_EQ(key->key_id, sha256_hex(std::string(32, '\x01')).substr(0, 16));
}

TEST_F(MasterKeyTest, RefusesAFileReadableByOthers) {
  for (mode_t mode : {0644, 0640, 0604, 0660, 0700}) {
    const std::string path = write_raw("k" + std::to_string(mode), std::string(32, 'a'), mode);
    auto key = load_master_key(path);
    ASSERT_FALSE(key.is_ok()) << std::oct << mode;
    EXPECT_EQ(key.status().code(), Code::kFailedPrecondition);
    EXPECT_NE(key.status().message().find("0600 or 0400"), std::string::npos);
  }
}

TEST_F(MasterKeyTest, RefusesWrongSizeAndMissingFile) {
  EXPECT_EQ(load_master_key(write_raw("short", std::string(31, 'a'), 0600)).status().code(),
            Code::kCorruption);
  EXPECT_EQ(load_master_key(write_raw("long", std::string(33, 'a'), 0600)).status().code(),
            Code::kCorruption);
  EXPECT_EQ(load_master_key(dir_.file("absent")).status().code(), Code::kNotFound);
}

TEST_F(MasterKeyTest, EnvironmentOverridesTheFile) {
  const std::string hex(64, 'a');
  ::setenv(kMasterKeyEnv, hex.c_str(), 1);
  auto key = load_master_key(dir_.file("absent"));
  ASSERT_TRUE(key.is_ok()) << key.status().to_string();
  EXPECT_EQ(key->bytes[0], 0xaa);
  EXPECT_EQ(key->bytes[31], 0xaa);
}

TEST_F(MasterKeyTest, BadEnvironmentValueIsRefusedWithoutEchoingIt) {
  for (const std::string& bad : {std::string(63, 'b'), std::string(64, 'z'), std::string(66, 'c')}) {
    ::setenv(kMasterKeyEnv, bad.c_str(), 1);
    auto key = load_master_key(dir_.file("absent"));
    ASSERT_FALSE(key.is_ok());
    EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(key.status().message().find(bad), std::string::npos);
  }
}

TEST(HexTest, RoundTripsAndRejectsBadInput) {
  EXPECT_EQ(to_hex(std::string("\x00\xff\x10", 3)), "00ff10");
  auto bytes = from_hex("00FF10");
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, (std::vector<uint8_t>{0x00, 0xff, 0x10}));
  EXPECT_FALSE(from_hex("abc").is_ok());
  EXPECT_FALSE(from_hex("zz").is_ok());
}

}  // namespace
}  // namespace mtg::crypto
