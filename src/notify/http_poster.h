// The one HTTP call webhooks need, behind an interface so tests can fake failures.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "util/status.h"

namespace mtg::notify {

class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  // POSTs `body` with Content-Type application/json to `url`, giving up after
  // timeout_ms in total. Returns the HTTP status code (any code, 2xx or not), or
  // kUnavailable/kTimeout when no response arrived. Thread-compatible.
  virtual Result<int> post_json(const std::string& url, const std::string& body,
                                int64_t timeout_ms) = 0;
};

// The real poster (libcurl, one connection per call).
std::unique_ptr<HttpPoster> make_curl_poster();

}  // namespace mtg::notify
