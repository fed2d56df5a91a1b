#include "engine/instance_tokens.h"

#include <gtest/gtest.h>

#include "crypto/sha256.h"
#include "testkit/temp_dir.h"

namespace mtg {
namespace {

constexpr const char* kOld = "old-token-0123456789";
constexpr const char* kNew = "new-token-9876543210";

std::string instance_json(const std::string& token, const std::string& previous, int64_t until_ms) {
  std::string json = R"({"id":"demo-1","token":")" + token + R"(","symbols":["EURUSD"])";
  if (!previous.empty()) {
    json += R"(,"previous_token_sha256":")" + crypto::sha256_hex(previous) +
            R"(","previous_token_expires_ms":)" + std::to_string(until_ms);
  }
  return json + "}";
}

InstanceConfig loaded(const std::string& path) {
  auto inst = load_instance(path);
  EXPECT_TRUE(inst.is_ok()) << inst.status().to_string();
  return *inst;
}

TEST(InstanceTokensTest, ARotationIsSeenWithoutARestartAndTheOldTokenLastsOnlyItsGrace) {
  testkit::TempDir dir;
  ManualClock clock;
  const std::string path = dir.write("demo-1.json", instance_json(kOld, "", 0));
  InstanceTokens tokens({loaded(path)}, clock);
  EXPECT_TRUE(tokens.accepts("demo-1", kOld));
  EXPECT_FALSE(tokens.accepts("demo-1", kNew));
  EXPECT_FALSE(tokens.accepts("demo-2", kOld));  // unknown instance

  dir.write("demo-1.json", instance_json(kNew, kOld, clock.now_ms() + 1'000));  // rotated
  EXPECT_TRUE(tokens.accepts("demo-1", kNew));
  EXPECT_TRUE(tokens.accepts("demo-1", kOld));
  EXPECT_FALSE(tokens.accepts("demo-1", crypto::sha256_hex(kOld)));  // the digest is no token
  clock.advance_ms(1'000);
  EXPECT_FALSE(tokens.accepts("demo-1", kOld));
  EXPECT_TRUE(tokens.accepts("demo-1", kNew));

  dir.write("demo-1.json", "{ torn");  // unreadable: the last version read still holds
  EXPECT_TRUE(tokens.accepts("demo-1", kNew));
  EXPECT_FALSE(tokens.accepts("demo-1", kOld));
}

}  // namespace
}  // namespace mtg
