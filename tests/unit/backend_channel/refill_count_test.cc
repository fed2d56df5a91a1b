#include <gtest/gtest.h>

#include "backend_channel/backend_channel.h"

namespace mtg {
namespace {

TEST(RefillCount, ReadsBackWhatItWritesAndNothingElse) {
  const RefillCount count{12'000, 48'000, 300};
  const auto read = RefillCount::from_json(count.to_json());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->replayed, 12'000);
  EXPECT_EQ(read->to_replay, 48'000);
  EXPECT_EQ(read->filled, 300);
  EXPECT_FALSE(RefillCount::from_json(nlohmann::json::parse(R"({"replayed":1,"to_replay":2})")).has_value());
  EXPECT_FALSE(RefillCount::from_json(nlohmann::json::parse(R"({"replayed":"1","to_replay":2,"filled":0})")));
  EXPECT_FALSE(RefillCount::from_json(nlohmann::json::parse("[1,2,3]")).has_value());
}

TEST(RefillCount, SaysDoneOfAboutHowManyAndTheTimeLeftAtTheRecentPace) {
  const RefillCount now{12'000, 48'000, 300};
  EXPECT_EQ(now.describe({2'000, 48'000, 0}, 2'000),
            "12000 of about 48000 stream entries replayed (25%, about 7 s left), 300 rows from ClickHouse");
  EXPECT_EQ(now.describe(now, 0), "12000 of about 48000 stream entries replayed (25%), 300 rows from ClickHouse");
  EXPECT_EQ((RefillCount{50'000, 48'000, 0}).describe({}, 1'000),
            "50000 of about 48000 stream entries replayed (100%), 0 rows from ClickHouse");
  EXPECT_EQ((RefillCount{7, -1, 0}).describe({}, 1'000), "7 stream entries replayed, 0 rows from ClickHouse");
}

}  // namespace
}  // namespace mtg
