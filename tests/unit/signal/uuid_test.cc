#include "signal/uuid.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

TEST(Uuid, NormalizesBothAcceptedForms) {
  EXPECT_EQ(*normalize_uuid("00112233-4455-6677-8899-AABBCCDDEEFF"), "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(*normalize_uuid("00112233445566778899aAbBcCdDeEfF"), "00112233-4455-6677-8899-aabbccddeeff");
}

TEST(Uuid, BytesAndTextRoundTrip) {
  auto bytes = uuid_bytes("00112233-4455-6677-8899-aabbccddeeff");
  ASSERT_TRUE(bytes);
  EXPECT_EQ((*bytes)[0], 0x00);
  EXPECT_EQ((*bytes)[1], 0x11);
  EXPECT_EQ((*bytes)[15], 0xff);
  EXPECT_EQ(uuid_text(*bytes), "00112233-4455-6677-8899-aabbccddeeff");
}

TEST(Uuid, RefusesMalformedText) {
  for (const char* bad : {"", "0011", "00112233-4455-6677-8899-aabbccddeef", "00112233_4455_6677_8899_aabbccddeeff",
                          "0011223-34455-6677-8899-aabbccddeeff", "00112233445566778899aabbccddeefg",
                          "00112233-4455-6677-8899-aabbccddeeff0", " 0112233445566778899aabbccddeeff"}) {
    auto r = uuid_bytes(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace mtg
