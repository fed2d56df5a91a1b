// One process's Prometheus metrics (docs/operations.md "Metrics"): the registry its
// families live in and, when an address is configured, the HTTP endpoint that serves
// them (GET /metrics, text format) from threads of its own. The families themselves
// belong to each process's service code, which sets them from its own loop; the
// decision code (Engine, Backend, BackupService) knows nothing of Prometheus.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "util/status.h"

namespace prometheus {
class Collectable;
class Exposer;
class Registry;
}  // namespace prometheus

namespace mtg::metrics {

class MetricsServer {
 public:
  // Serves the registry on `address` ("host:port", "[v6]:port") and logs where; "" keeps
  // the registry without an endpoint (metrics disabled). kUnavailable naming the address when it
  // cannot be bound (taken, not local).
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& address);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Where families are added; thread-safe (prometheus-cpp), lives as long as this object.
  prometheus::Registry& registry() { return *registry_; }
  // Serves `collectable` too (families computed when scraped), for as long as this
  // object lives.
  void add(std::shared_ptr<prometheus::Collectable> collectable);
  // The port /metrics is served on; 0 when disabled.
  int port() const { return port_; }

 private:
  MetricsServer();

  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;  // kept alive for the exposer
  std::unique_ptr<prometheus::Exposer> exposer_;                        // null when disabled; destroyed first
  int port_ = 0;
};

}  // namespace mtg::metrics
