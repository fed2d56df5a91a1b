#include "backend/snapshot_worker.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "util/check.h"

namespace mtg {
namespace {

Result<int64_t> take_snapshot(std::unique_ptr<DuckDatabase> connection, const std::string& dest_path) {
  MTG_CHECK(connection != nullptr);
  MTG_RETURN_IF_ERROR(connection->snapshot_to(dest_path));
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(dest_path, ec);
  if (ec) return Status::io("snapshot " + dest_path + ": " + ec.message());
  return static_cast<int64_t>(bytes);
}

}  // namespace

Status SnapshotWorker::start(DuckDatabase& db, const std::string& request_id, const std::string& dest_path) {
  if (busy()) return Status::precondition("a snapshot is already running (request " + request_id_ + ")");
  auto connection = db.another_connection();
  if (!connection) return connection.status();
  try {
    running_ = std::async(std::launch::async, [c = std::move(*connection), dest_path]() mutable {
      return take_snapshot(std::move(c), dest_path);
    });
  } catch (const std::system_error& e) {
    return Status::internal(std::string("start a snapshot thread: ") + e.what());
  }
  request_id_ = request_id;
  MTG_CHECK(busy());
  return Status::ok();
}

std::optional<SnapshotWorker::Done> SnapshotWorker::poll() {
  if (!busy() || running_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
  return wait();
}

std::optional<SnapshotWorker::Done> SnapshotWorker::wait() {
  if (!busy()) return std::nullopt;
  Done done{request_id_, running_.get()};
  MTG_CHECK(!busy());
  return done;
}

}  // namespace mtg
