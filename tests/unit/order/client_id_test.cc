#include "order/client_id.h"

#include <gtest/gtest.h>

#include <random>

#include "signal/uuid.h"

namespace mtg {
namespace {

constexpr char kUuid[] = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";

TEST(ClientId, FitsInTheMt5CommentForTheLastLeg) {
  const std::string id = client_id(kUuid, 999);
  EXPECT_EQ(id.size(), kMaxClientIdChars);
  EXPECT_EQ(id.substr(22), ".999");
  EXPECT_EQ(client_id(kUuid, 0).size(), 24u);
}

TEST(ClientId, KnownEncoding) {
  EXPECT_EQ(client_id("00000000-0000-0000-0000-000000000000", 0), "AAAAAAAAAAAAAAAAAAAAAA.0");
  EXPECT_EQ(client_id("ffffffff-ffff-ffff-ffff-ffffffffffff", 7), "_____________________w.7");
}

TEST(ClientId, RoundTripsThousandRandomUuids) {
  std::mt19937_64 rng(20251123);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> leg_of(0, 999);
  for (int i = 0; i < 1000; ++i) {
    UuidBytes bytes;
    for (auto& b : bytes) b = static_cast<uint8_t>(byte(rng));
    const std::string uuid = uuid_text(bytes);
    const int leg = leg_of(rng);
    const std::string id = client_id(uuid, leg);
    ASSERT_LE(id.size(), kMaxClientIdChars);
    auto back = parse_client_id(id);
    ASSERT_TRUE(back) << id << ": " << back.status().to_string();
    EXPECT_EQ(back->first, uuid);
    EXPECT_EQ(back->second, leg);
  }
}

TEST(ClientId, AcceptsAnyUuidCaseAndCanonicalizes) {
  auto back = parse_client_id(client_id("6F1C2A3B4D5E4F608A9B0C1D2E3F4A5B", 12));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->first, kUuid);
  EXPECT_EQ(back->second, 12);
}

TEST(ClientId, RefusesMalformedIds) {
  const std::string good = client_id(kUuid, 5);
  const std::string body = good.substr(0, 22);
  for (const std::string& bad : {std::string(""), std::string("."), body, body + ".", body + ".1000",
                                 body + ".01", body + ".-1", body + ".1a", body + ". 1", body + "..1",
                                 body.substr(1) + ".1", body + "A.1", "+" + body.substr(1) + ".1",
                                 body.substr(0, 21) + "x.1",  // 'x' sets bits the 16th byte lacks
                                 client_id(kUuid, 999) + "0", std::string(40, 'A')}) {
    auto r = parse_client_id(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
}

TEST(ClientIdDeathTest, LegOutOfRangeStopsTheProcess) {
  EXPECT_DEATH(client_id(kUuid, 1000), "leg");
  EXPECT_DEATH(client_id(kUuid, -1), "leg");
  EXPECT_DEATH(client_id("nope", 1), "uuid");
}

}  // namespace
}  // namespace mtg
