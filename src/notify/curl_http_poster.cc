#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "notify/http_poster.h"
#include "util/check.h"

namespace mtg::notify {
namespace {

// Response bodies are read and discarded; stop reading after this many bytes.
constexpr size_t kMaxResponseBytes = 64 * 1024;
constexpr int64_t kMinTimeoutMs = 1;

size_t discard_body(char* /*data*/, size_t size, size_t nmemb, void* user) {
  auto* total = static_cast<size_t*>(user);
  *total += size * nmemb;
  return *total > kMaxResponseBytes ? 0 : size * nmemb;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { MTG_CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK); });
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

class CurlHttpPoster final : public HttpPoster {
 public:
  CurlHttpPoster() { init_curl_once(); }

  Result<int> post_json(const std::string& url, const std::string& body, int64_t timeout_ms) override {
    std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
    if (!curl) return Status::internal("curl_easy_init failed");
    std::unique_ptr<curl_slist, SlistFree> headers(
        curl_slist_append(nullptr, "Content-Type: application/json"));
    // An empty "Expect:" stops curl from waiting for "100 Continue" on larger bodies.
    curl_slist* with_expect = headers ? curl_slist_append(headers.get(), "Expect:") : nullptr;
    if (with_expect == nullptr) return Status::internal("curl_slist_append failed");
    size_t response_bytes = 0;
    const long timeout = static_cast<long>(std::max(timeout_ms, kMinTimeoutMs));
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response_bytes);
    const CURLcode rc = curl_easy_perform(c);
    long http_code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http_code);
    if (rc == CURLE_OPERATION_TIMEDOUT) return Status::timeout("webhook POST timed out");
    if (rc != CURLE_OK && http_code == 0) {
      return Status::unavailable(std::string("webhook POST failed: ") + curl_easy_strerror(rc));
    }
    return static_cast<int>(http_code);
  }
};

}  // namespace

std::unique_ptr<HttpPoster> make_curl_poster() { return std::make_unique<CurlHttpPoster>(); }

}  // namespace mtg::notify
