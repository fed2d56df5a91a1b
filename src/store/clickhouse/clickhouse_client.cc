#include "store/clickhouse/clickhouse_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "store/clickhouse/gzip_body.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr long kHttpOk = 200;

CURL* handle(void* curl) { return static_cast<CURL*>(curl); }

struct ResponseSink {
  std::string body;
  bool overflow = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  size_t bytes = size * count;
  if (sink->body.size() + bytes > ClickHouseClient::kMaxResponseBytes) {
    sink->overflow = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->body.append(data, bytes);
  MTG_CHECK(sink->body.size() <= ClickHouseClient::kMaxResponseBytes);
  return bytes;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.size() > ClickHouseClient::kMaxErrorTextBytes) {
    text.resize(ClickHouseClient::kMaxErrorTextBytes);
    text += "...";
  }
  MTG_CHECK(text.size() <= ClickHouseClient::kMaxErrorTextBytes + 3);
  return text;
}

}  // namespace

bool ClickHouseClient::is_identifier(const std::string& name) {
  constexpr size_t kMaxIdentifierBytes = 128;
  return !name.empty() && name.size() <= kMaxIdentifierBytes &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_';
         });
}

ClickHouseClient::ClickHouseClient(const ClickHouseConfig& config, void* curl)
    : config_(config),
      endpoint_(config.host + ":" + std::to_string(config.http_port)),
      curl_(curl) {}

ClickHouseClient::~ClickHouseClient() { curl_easy_cleanup(handle(curl_)); }

Result<std::unique_ptr<ClickHouseClient>> ClickHouseClient::create(
    const ClickHouseConfig& config) {
  if (config.timeout_ms <= 0) return Status::invalid("clickhouse: timeout_ms must be positive");
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::internal("clickhouse: curl_easy_init failed");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &write_body);
  return std::unique_ptr<ClickHouseClient>(new ClickHouseClient(config, curl));
}

std::string ClickHouseClient::url(const std::string& path, const Settings& params) const {
  MTG_CHECK(path.starts_with('/'));
  std::string out = "http://" + endpoint_ + path;
  char separator = '?';
  for (const auto& [key, value] : params) {
    MTG_CHECK(!key.empty());
    char* escaped = curl_easy_escape(handle(curl_), value.data(), static_cast<int>(value.size()));
    MTG_CHECK(escaped != nullptr);
    out += separator + key + "=" + escaped;
    curl_free(escaped);
    separator = '&';
  }
  return out;
}

Result<std::string> ClickHouseClient::request(const std::string& full_url, const std::string* body,
                                              bool gzipped) {
  MTG_CHECK(body == nullptr || body->size() <= kMaxRequestBytes);
  CURL* curl = handle(curl_);
  ResponseSink sink;
  curl_easy_setopt(curl, CURLOPT_URL, full_url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  // No "Expect: 100-continue" round trip before large bodies.
  curl_slist* headers = curl_slist_append(nullptr, "Expect:");
  if (gzipped) headers = curl_slist_append(headers, "Content-Encoding: gzip");
  MTG_CHECK(headers != nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  long connects = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  connections_opened_ += connects;
  std::string where = "clickhouse " + endpoint_ + ": ";
  if (sink.overflow) {
    return Status::io(where + "response exceeds " + std::to_string(kMaxResponseBytes) + " bytes");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) return Status::timeout(where + curl_easy_strerror(rc));
  if (rc != CURLE_OK) return Status::unavailable(where + curl_easy_strerror(rc));
  long http_code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_code);
  if (http_code != kHttpOk) {
    return Status::io(where + "HTTP " + std::to_string(http_code) + ": " + trimmed(sink.body));
  }
  MTG_CHECK(sink.body.size() <= kMaxResponseBytes);
  return std::move(sink.body);
}

Result<std::string> ClickHouseClient::query(const std::string& sql, const Settings& settings) {
  if (sql.empty()) return Status::invalid("clickhouse: empty query");
  if (sql.size() > kMaxRequestBytes) return Status::invalid("clickhouse: query too large");
  return request(url("/", settings), &sql);
}

Status ClickHouseClient::insert_json_each_row(const std::string& table,
                                              const std::string& rows_ndjson,
                                              const Settings& settings) {
  if (!is_identifier(table) || !is_identifier(config_.database)) {
    return Status::invalid("clickhouse: bad table name '" + config_.database + "." + table + "'");
  }
  if (rows_ndjson.size() > kMaxRequestBytes) {
    return Status::invalid("clickhouse: insert of " + std::to_string(rows_ndjson.size()) +
                           " bytes exceeds " + std::to_string(kMaxRequestBytes));
  }
  Settings params = settings;
  params.emplace_back("query",
                      "INSERT INTO " + config_.database + "." + table + " FORMAT JSONEachRow");
  if (rows_ndjson.size() < kCompressMinBytes) return request(url("/", params), &rows_ndjson).status();
  auto gzipped = gzip_compress(rows_ndjson);
  if (!gzipped) return gzipped.status();
  return request(url("/", params), &*gzipped, true).status();
}

Result<std::string> ClickHouseClient::server_version() {
  Result<std::string> body = query("SELECT version()");
  if (!body.is_ok()) return body.status();
  return trimmed(std::move(body).value());
}

Status ClickHouseClient::ping() {
  Result<std::string> body = request(url("/ping", {}), nullptr);
  if (!body.is_ok()) return body.status();
  if (trimmed(*body) != "Ok.") {
    return Status::io("clickhouse " + endpoint_ + ": /ping answered '" + trimmed(*body) + "'");
  }
  return Status::ok();
}

}  // namespace mtg
