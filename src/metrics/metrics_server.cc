#include "metrics/metrics_server.h"

#include <prometheus/exposer.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <exception>

#include "util/check.h"

namespace mtg::metrics {
namespace {

// Two threads answer scrapes: Prometheus and an operator's curl at once, no more.
constexpr size_t kServerThreads = 2;

}  // namespace

MetricsServer::MetricsServer() : registry_(std::make_shared<prometheus::Registry>()) {}

MetricsServer::~MetricsServer() = default;

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address) {
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  if (address.empty()) return server;
  try {
    // civetweb throws when it cannot listen; nothing else here does.
    server->exposer_ = std::make_unique<prometheus::Exposer>(address, kServerThreads);
  } catch (const std::exception& e) {
    return Status::unavailable("metrics: cannot listen on " + address + ": " + e.what());
  }
  server->exposer_->RegisterCollectable(server->registry_);
  const std::vector<int> ports = server->exposer_->GetListeningPorts();
  if (ports.size() != 1) return Status::invalid("metrics: " + address + " is not one address");
  server->port_ = ports.front();
  MTG_CHECK(server->port_ > 0);
  spdlog::info("metrics: serving /metrics on {} (port {})", address, server->port_);
  return server;
}

void MetricsServer::add(std::shared_ptr<prometheus::Collectable> collectable) {
  MTG_CHECK(collectable != nullptr);
  if (exposer_) exposer_->RegisterCollectable(collectable);
  collectables_.push_back(std::move(collectable));
}

}  // namespace mtg::metrics
