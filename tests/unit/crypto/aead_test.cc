#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto_test_keys.h"

namespace mtg::crypto {
namespace {

using testing::key_filled_with;

constexpr size_t kHeaderBytes = 4 + 1 + 16 + 12;
constexpr size_t kNonceOffset = 4 + 1 + 16;

TEST(AeadTest, RoundTripsEmptyOneByteAndLargerPlaintexts) {
  const MasterKey key = key_filled_with(1);
  for (const std::string& plain : {std::string(), std::string("x"), std::string(100000, 'q')}) {
    auto env = seal(key, plain, "demo-1");
    ASSERT_TRUE(env.is_ok()) << env.status().to_string();
    EXPECT_EQ(env->size(), plain.size() + kHeaderBytes + 16);
    auto back = open({key}, *env, "demo-1");
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_EQ(*back, plain);
  }
}

TEST(AeadTest, EnvelopeIsSelfDescribingAndHidesThePlaintext) {
  const MasterKey key = key_filled_with(2);
  const std::string password = "hunter2-broker-password";
  auto env = seal(key, password, "demo-1");
  ASSERT_TRUE(env.is_ok());
  EXPECT_EQ(env->substr(0, 4), "MTG1");
  EXPECT_EQ(static_cast<uint8_t>((*env)[4]), kEnvelopeVersion);
  EXPECT_EQ(key_id_of(*env), key.key_id);
  EXPECT_EQ(env->find(password), std::string::npos);
  EXPECT_EQ(env->find("hunter2"), std::string::npos);
  EXPECT_EQ(key_id_of("garbage"), "");
}

TEST(AeadTest, NoncesAreUniqueAcrossTenThousandSeals) {
  const MasterKey key = key_filled_with(3);
  std::set<std::string> nonces;
  constexpr int kSeals = 10000;
  for (int i = 0; i < kSeals; ++i) {
    auto env = seal(key, "same plaintext", "ad");
    ASSERT_TRUE(env.is_ok());
    nonces.insert(env->substr(kNonceOffset, 12));
  }
  EXPECT_EQ(nonces.size(), static_cast<size_t>(kSeals));
}

TEST(AeadTest, EverySingleBitFlipFailsToOpen) {
  const MasterKey key = key_filled_with(4);
  auto env = seal(key, "secret-password", "demo-1");
  ASSERT_TRUE(env.is_ok());
  for (size_t byte = 0; byte < env->size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = *env;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      auto r = open({key}, bad, "demo-1");
      ASSERT_FALSE(r.is_ok()) << "byte " << byte << " bit " << bit;
      const bool in_key_id = byte >= 5 && byte < kNonceOffset;
      if (in_key_id) {
        EXPECT_TRUE(r.status().code() == Code::kNotFound || r.status().code() == Code::kCorruption);
      } else {
        EXPECT_EQ(r.status().code(), Code::kCorruption) << "byte " << byte;
      }
    }
  }
}

TEST(AeadTest, WrongAssociatedDataFailsAuthentication) {
  const MasterKey key = key_filled_with(5);
  auto env = seal(key, "pw", "demo-1");
  ASSERT_TRUE(env.is_ok());
  auto r = open({key}, *env, "demo-2");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  EXPECT_NE(r.status().message().find("authentication failed"), std::string::npos);
}

TEST(AeadTest, WrongKeyWithTheSameIdFailsAuthentication) {
  const MasterKey key = key_filled_with(6);
  MasterKey impostor = key_filled_with(7);
  impostor.key_id = key.key_id;
  auto env = seal(key, "pw", "demo-1");
  ASSERT_TRUE(env.is_ok());
  auto r = open({impostor}, *env, "demo-1");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
}

TEST(AeadTest, UnknownKeyIdIsNotFound) {
  const MasterKey key = key_filled_with(8);
  auto env = seal(key, "pw", "demo-1");
  ASSERT_TRUE(env.is_ok());
  auto r = open({key_filled_with(9)}, *env, "demo-1");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_NE(r.status().message().find("no key with id " + key.key_id), std::string::npos);
}

TEST(AeadTest, RotationOpensOldEnvelopesWithNewKeyFirst) {
  const MasterKey old_key = key_filled_with(10);
  const MasterKey new_key = key_filled_with(11);
  auto old_env = seal(old_key, "old-pw", "demo-1");
  auto new_env = seal(new_key, "new-pw", "demo-1");
  ASSERT_TRUE(old_env.is_ok() && new_env.is_ok());
  const std::vector<MasterKey> ring = {new_key, old_key};
  EXPECT_EQ(*open(ring, *old_env, "demo-1"), "old-pw");
  EXPECT_EQ(*open(ring, *new_env, "demo-1"), "new-pw");
}

TEST(AeadTest, TruncatedOrGarbledEnvelopesAreCorruption) {
  const MasterKey key = key_filled_with(12);
  auto env = seal(key, "pw", "ad");
  ASSERT_TRUE(env.is_ok());
  for (size_t len = 0; len < env->size(); ++len) {
    auto r = open({key}, env->substr(0, len), "ad");
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), Code::kCorruption) << "length " << len;
  }
  auto wrong_version = *env;
  wrong_version[4] = 2;
  EXPECT_EQ(open({key}, wrong_version, "ad").status().code(), Code::kCorruption);
  EXPECT_EQ(open({key}, std::string(100, '\xff'), "ad").status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace mtg::crypto
