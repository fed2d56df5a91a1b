#include "web/web_access.h"

#include <gtest/gtest.h>

namespace mtg::web {
namespace {

WebConfig web_on(std::string listen, std::string token) {
  WebConfig w;
  w.listen = std::move(listen);
  w.token = std::move(token);
  return w;
}

TEST(WebAccess, LoopbackAddressesNeedNoToken) {
  for (const char* a : {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
    EXPECT_TRUE(check_listen(web_on(a, "")).is_ok()) << a;
  }
}

TEST(WebAccess, AnyOtherAddressIsRefusedWithoutAToken) {
  for (const char* a : {"0.0.0.0", "192.168.1.5", "::", "example.org"}) {
    const Status s = check_listen(web_on(a, ""));
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << a;
    EXPECT_NE(s.message().find("web.token"), std::string::npos);
    EXPECT_TRUE(check_listen(web_on(a, "s3cret")).is_ok()) << a;
  }
}

TEST(WebAccess, AnOverlongTokenIsRefused) {
  EXPECT_EQ(check_listen(web_on("0.0.0.0", std::string(kMaxTokenBytes + 1, 'x'))).code(), Code::kInvalidArgument);
}

TEST(WebAccess, ARequestMustPresentTheExactTokenWhenOneIsSet) {
  const WebConfig w = web_on("0.0.0.0", "s3cret");
  EXPECT_TRUE(authorized(w, "s3cret"));
  EXPECT_FALSE(authorized(w, ""));
  EXPECT_FALSE(authorized(w, "s3cre"));
  EXPECT_FALSE(authorized(w, "s3cret!"));
  EXPECT_FALSE(authorized(w, "S3cret"));
}

TEST(WebAccess, WithoutATokenEveryRequestMayRead) { EXPECT_TRUE(authorized(web_on("127.0.0.1", ""), "")); }

}  // namespace
}  // namespace mtg::web
