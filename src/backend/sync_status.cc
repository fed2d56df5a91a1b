#include "backend/sync_status.h"

#include <nlohmann/json.hpp>

namespace mtg {

std::string SyncStatus::to_json() const {
  nlohmann::json j = {{"ts", ts_ms},
                      {"lag_rows", lag_rows},
                      {"oldest_unsent_age_ms", oldest_unsent_age_ms},
                      {"suspended", suspended},
                      {"resumes_itself", resumes_itself},
                      {"attempts", attempts},
                      {"failed_batches", failed_batches},
                      {"last_error", last_error},
                      {"rows_synced", rows_synced}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<SyncStatus> SyncStatus::from_json(std::string_view text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    SyncStatus s;
    s.ts_ms = j.at("ts").get<int64_t>();
    s.lag_rows = j.at("lag_rows").get<int64_t>();
    s.oldest_unsent_age_ms = j.at("oldest_unsent_age_ms").get<int64_t>();
    s.suspended = j.at("suspended").get<bool>();
    s.resumes_itself = j.value("resumes_itself", false);  // absent from older backends
    s.attempts = j.at("attempts").get<int>();
    s.failed_batches = j.at("failed_batches").get<int64_t>();
    s.last_error = j.at("last_error").get<std::string>();
    s.rows_synced = j.at("rows_synced").get<int64_t>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    return Status::corruption(std::string("sync status: ") + e.what());
  }
}

}  // namespace mtg
