#include "backend/sync_sink.h"

#include "store/clickhouse/clickhouse_client.h"
#include "store/clickhouse/clickhouse_migrations.h"

namespace mtg {
namespace {

class ClickHouseSyncSink final : public SyncSink {
 public:
  explicit ClickHouseSyncSink(std::unique_ptr<ClickHouseClient> client) : client_(std::move(client)) {}
  Status insert_rows(const std::string& table, const std::string& rows_ndjson) override {
    if (!migrated_) {
      MTG_RETURN_IF_ERROR(migrate_clickhouse(*client_, client_->database()));
      migrated_ = true;
    }
    return client_->insert_json_each_row(table, rows_ndjson);
  }
  Status ping() override { return client_->ping(); }

 private:
  std::unique_ptr<ClickHouseClient> client_;
  bool migrated_ = false;  // the schema is applied lazily: ClickHouse may be down at start
};

}  // namespace

Result<std::unique_ptr<SyncSink>> make_clickhouse_sync_sink(const ClickHouseConfig& config) {
  auto client = ClickHouseClient::create(config);
  if (!client) return client.status();
  return std::unique_ptr<SyncSink>(std::make_unique<ClickHouseSyncSink>(std::move(*client)));
}

}  // namespace mtg
