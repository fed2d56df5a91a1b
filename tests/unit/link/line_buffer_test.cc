#include "link/line_buffer.h"

#include <gtest/gtest.h>

#include "link/token_bucket.h"
#include "link/token_compare.h"

namespace mtg::link {
namespace {

std::optional<std::string> next(LineBuffer& b) {
  auto r = b.next_line();
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : std::nullopt;
}

TEST(LineBuffer, YieldsCompleteLinesAcrossChunks) {
  LineBuffer b(64);
  b.append("ab");
  EXPECT_FALSE(next(b).has_value());
  b.append("c\nde\n\nf");
  EXPECT_EQ(next(b), "abc");
  EXPECT_EQ(next(b), "de");
  EXPECT_EQ(next(b), "");
  EXPECT_FALSE(next(b).has_value());
  b.append("g\n");
  EXPECT_EQ(next(b), "fg");
  EXPECT_EQ(b.buffered_bytes(), 0u);
}

TEST(LineBuffer, LineOfExactlyTheMaxIsAccepted) {
  LineBuffer b(8);
  b.append("1234567\n");
  EXPECT_EQ(next(b), "1234567");
}

TEST(LineBuffer, OverLongLineIsAnErrorWithOrWithoutNewline) {
  LineBuffer with_newline(8);
  with_newline.append("12345678\n");
  EXPECT_FALSE(with_newline.next_line().is_ok());
  LineBuffer endless(8);
  endless.append("1234");
  EXPECT_FALSE(next(endless).has_value());
  endless.append("5678");
  EXPECT_FALSE(endless.next_line().is_ok());
}

TEST(LineBuffer, MemoryStaysBoundedOverManyLines) {
  LineBuffer b(16);
  for (int i = 0; i < 10000; ++i) {
    b.append("hello\nwor");
    b.append("ld\n");
    EXPECT_EQ(next(b), "hello");
    EXPECT_EQ(next(b), "world");
  }
  EXPECT_EQ(b.buffered_bytes(), 0u);
}

TEST(TokenBucket, AllowsBurstThenRate) {
  TokenBucket bucket(1000, 3, 0);
  EXPECT_TRUE(bucket.take(0));
  EXPECT_TRUE(bucket.take(0));
  EXPECT_TRUE(bucket.take(0));
  EXPECT_FALSE(bucket.take(0));
  EXPECT_TRUE(bucket.take(1));  // 1 ms at 1000/s refills one token
  EXPECT_FALSE(bucket.take(1));
}

TEST(TokenCompare, ComparesWholeTokens) {
  EXPECT_TRUE(tokens_equal("abc", "abc"));
  EXPECT_FALSE(tokens_equal("abc", "abd"));
  EXPECT_FALSE(tokens_equal("abc", "abcd"));
  EXPECT_FALSE(tokens_equal("", "x"));
  EXPECT_TRUE(tokens_equal("", ""));
}

}  // namespace
}  // namespace mtg::link
