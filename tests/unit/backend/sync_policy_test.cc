#include "backend/sync_policy.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

TEST(SyncPolicy, NothingPendingNeverSends) {
  SyncPolicy p({});
  EXPECT_FALSE(p.should_send(0, 0, -1, 1'000));
}

TEST(SyncPolicy, FirstRowWhenIdleGoesAtOnce) {
  SyncPolicy p({});
  EXPECT_TRUE(p.should_send(1, 1'000, -1, 1'000));        // never sent before
  EXPECT_TRUE(p.should_send(1, 10'000, 9'000, 10'000));   // last send long ago
}

TEST(SyncPolicy, BusySyncWaitsForFullBatchOrWindow) {
  SyncPolicy p({});
  // Sent 100 ms ago, oldest row 50 ms old, 10 rows: wait.
  EXPECT_FALSE(p.should_send(10, 950, 900, 1'000));
  // 50 rows: a full batch leaves at once.
  EXPECT_TRUE(p.should_send(50, 950, 900, 1'000));
  // The oldest row has waited 500 ms.
  EXPECT_TRUE(p.should_send(10, 500, 900, 1'000));
  EXPECT_FALSE(p.should_send(10, 501, 900, 1'000));
}

TEST(SyncPolicy, RetryEveryIntervalAndExhaustAtMaxAttempts) {
  SyncPolicy p({.batch_rows = 50, .batch_window_ms = 500, .retry_interval_ms = 5'000, .max_attempts = 5});
  EXPECT_FALSE(p.should_retry(1'000, 5'999));
  EXPECT_TRUE(p.should_retry(1'000, 6'000));
  EXPECT_FALSE(p.exhausted(4));
  EXPECT_TRUE(p.exhausted(5));
}

}  // namespace
}  // namespace mtg
