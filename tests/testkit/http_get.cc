#include "testkit/http_get.h"

#include <curl/curl.h>

#include <memory>

namespace mtg::testkit {
namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

Result<HttpAnswer> http_get(const std::string& url, int timeout_ms) {
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Status::internal("curl_easy_init failed");
  HttpAnswer answer;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return Status::unavailable("GET " + url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

}  // namespace mtg::testkit
