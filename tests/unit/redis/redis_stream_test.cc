#include "store/redis/redis_stream.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

TEST(StreamIdMsTest, ReadsTheTimeOfAnEntryId) {
  EXPECT_EQ(stream_id_ms("1700000000000-5"), 1'700'000'000'000);
  EXPECT_EQ(stream_id_ms("0-1"), 0);
}

TEST(StreamIdMsTest, AnythingButAnEntryIdHasNoTime) {
  for (const char* bad : {"", "-", "17-", "-5", "1700000000000", "17x-5", "17-5x", "-17-5", "17-5-1"}) {
    EXPECT_EQ(stream_id_ms(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace mtg
