// Sealing broker passwords, field validation and secret handling, without a database.
#include "credentials/credential.h"

#include <gtest/gtest.h>

#include <sstream>

#include "crypto/aead.h"
#include "unit/crypto/crypto_test_keys.h"

namespace mtg {
namespace {

using crypto::testing::key_filled_with;

constexpr const char* kPassword = "Zq7-unit-canary-password";

TEST(CredentialTest, SealedPasswordOpensForItsInstanceAndHidesThePlaintext) {
  const crypto::MasterKey key = key_filled_with(7);
  auto envelope = seal_password(key, "demo-1", kPassword);
  ASSERT_TRUE(envelope.is_ok()) << envelope.status().to_string();
  EXPECT_EQ(envelope->find(kPassword), std::string::npos);
  EXPECT_EQ(crypto::key_id_of(*envelope), key.key_id);
  auto opened = open_password({key}, "demo-1", *envelope);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  EXPECT_EQ(opened->view(), kPassword);
}

TEST(CredentialTest, CiphertextOfAnotherInstanceFailsAuthenticationNamingTheInstance) {
  const crypto::MasterKey key = key_filled_with(7);
  auto envelope = seal_password(key, "demo-1", kPassword);
  ASSERT_TRUE(envelope.is_ok());
  auto moved = open_password({key}, "demo-2", *envelope);
  ASSERT_FALSE(moved.is_ok());
  EXPECT_EQ(moved.status().code(), Code::kCorruption);
  EXPECT_NE(moved.status().message().find("instance 'demo-2'"), std::string::npos);
  EXPECT_NE(moved.status().message().find("authentication failed"), std::string::npos);
  EXPECT_EQ(moved.status().message().find(kPassword), std::string::npos);
}

TEST(CredentialTest, EveryFlippedByteFailsAuthentication) {
  const crypto::MasterKey key = key_filled_with(9);
  auto envelope = seal_password(key, "demo-1", kPassword);
  ASSERT_TRUE(envelope.is_ok());
  for (size_t i = 0; i < envelope->size(); ++i) {
    std::string tampered = *envelope;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    auto opened = open_password({key}, "demo-1", tampered);
    ASSERT_FALSE(opened.is_ok()) << "byte " << i;
    EXPECT_EQ(opened.status().message().find(kPassword), std::string::npos);
  }
}

TEST(CredentialTest, OpensWithAnOlderKeyAndFailsWithoutIt) {
  const crypto::MasterKey old_key = key_filled_with(1);
  const crypto::MasterKey new_key = key_filled_with(2);
  auto envelope = seal_password(old_key, "demo-1", kPassword);
  ASSERT_TRUE(envelope.is_ok());
  EXPECT_TRUE(open_password({new_key, old_key}, "demo-1", *envelope).is_ok());
  auto missing = open_password({new_key}, "demo-1", *envelope);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("instance 'demo-1'"), std::string::npos);
}

TEST(CredentialTest, ValidationNamesTheFieldAndNeverThePassword) {
  EXPECT_TRUE(validate_credential("demo-1", 12345, "Broker-Demo", kPassword).is_ok());
  EXPECT_FALSE(validate_credential("", 1, "s", "p").is_ok());
  EXPECT_FALSE(validate_credential("demo 1", 1, "s", "p").is_ok());
  EXPECT_FALSE(validate_credential(std::string(65, 'a'), 1, "s", "p").is_ok());
  EXPECT_FALSE(validate_credential("demo-1", 0, "s", "p").is_ok());
  EXPECT_FALSE(validate_credential("demo-1", -5, "s", "p").is_ok());
  EXPECT_FALSE(validate_credential("demo-1", 1, "", "p").is_ok());
  EXPECT_FALSE(validate_credential("demo-1", 1, "a\nPassword=x", "p").is_ok());
  EXPECT_FALSE(validate_credential("demo-1", 1, "s", "").is_ok());
  EXPECT_FALSE(validate_credential("demo-1", 1, "s", std::string(257, 'p')).is_ok());
  const std::string injected = std::string(kPassword) + "\nServer=evil";
  Status bad = validate_credential("demo-1", 1, "s", injected);
  EXPECT_EQ(bad.code(), Code::kInvalidArgument);
  EXPECT_NE(bad.message().find("password"), std::string::npos);
  EXPECT_EQ(bad.message().find(kPassword), std::string::npos);
}

TEST(CredentialTest, AssociatedDataDiffersPerInstance) {
  EXPECT_NE(credential_associated_data("a"), credential_associated_data("b"));
  EXPECT_NE(credential_associated_data("demo-1").find("demo-1"), std::string::npos);
}

TEST(SecretStringTest, MovesLeaveTheSourceEmpty) {
  SecretString a(std::string("short"));
  SecretString b(std::move(a));
  EXPECT_EQ(b.view(), "short");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is defined
  SecretString c;
  c = std::move(b);
  EXPECT_EQ(c.view(), "short");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(SecretStringTest, ConstructionWipesTheSourceString) {
  std::string source = "tiny";  // small-string buffer: copied, not stolen
  SecretString secret(std::move(source));
  EXPECT_EQ(secret.view(), "tiny");
  EXPECT_EQ(std::string_view(source.data(), 4), std::string_view("\0\0\0\0", 4));  // NOLINT
}

TEST(ReadSecretLineTest, ReadsOneLineAndDropsTheLineEnd) {
  std::istringstream in("s3cret pass\r\nsecond line\n");
  auto secret = read_secret_line(in, kMaxCredentialPasswordBytes);
  ASSERT_TRUE(secret.is_ok()) << secret.status().to_string();
  EXPECT_EQ(secret->view(), "s3cret pass");
  std::istringstream no_newline("last");
  auto last = read_secret_line(no_newline, kMaxCredentialPasswordBytes);
  ASSERT_TRUE(last.is_ok());
  EXPECT_EQ(last->view(), "last");
}

TEST(ReadSecretLineTest, RejectsEmptyMissingAndOverlongLinesWithoutEchoingThem) {
  std::istringstream empty("\n");
  EXPECT_EQ(read_secret_line(empty, 8).status().code(), Code::kInvalidArgument);
  std::istringstream none("");
  EXPECT_EQ(read_secret_line(none, 8).status().code(), Code::kInvalidArgument);
  std::istringstream exact("12345678\n");
  EXPECT_TRUE(read_secret_line(exact, 8).is_ok());
  std::istringstream too_long("123456789-overlong\n");
  auto overlong = read_secret_line(too_long, 8);
  ASSERT_FALSE(overlong.is_ok());
  EXPECT_EQ(overlong.status().message().find("123456789"), std::string::npos);
}

}  // namespace
}  // namespace mtg
