// A plain HTTP GET for tests (libcurl): the metrics endpoints, Prometheus's API.
#pragma once

#include <string>

#include "util/status.h"

namespace mtg::testkit {

struct HttpAnswer {
  long status = 0;  // the HTTP status code
  std::string body;
};

// GETs `url`, waiting at most timeout_ms. kUnavailable when nothing answers (refused,
// timed out); any HTTP status is an answer.
Result<HttpAnswer> http_get(const std::string& url, int timeout_ms = 5'000);

}  // namespace mtg::testkit
