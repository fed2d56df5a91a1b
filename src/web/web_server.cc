#include "web/web_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "overview/system_overview.h"
#include "util/check.h"
#include "web/status_page.h"
#include "web/web_access.h"

namespace mtg::web {
namespace {

constexpr int kStopPollMs = 100;
constexpr std::string_view kBearer = "Bearer ";

// The token a request presents: its Bearer token, else its `token` parameter, else "".
std::string presented_token(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  if (header.starts_with(kBearer)) return header.substr(kBearer.size());
  if (req.has_param("token")) return req.get_param_value("token");
  return "";
}

// Runs `render` for an authorized request, answers 401 otherwise.
httplib::Server::Handler guarded(const WebConfig& web, std::function<void(httplib::Response&)> render) {
  return [&web, render = std::move(render)](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    if (!authorized(web, presented_token(req))) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer");
      res.set_content("token required\n", "text/plain");
      return;
    }
    render(res);
  };
}

}  // namespace

Status serve_status_page(const Config& config, const Clock& clock, const std::atomic<bool>& stop) {
  MTG_RETURN_IF_ERROR(check_listen(config.web));
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  server.set_payload_max_length(kMaxRequestBytes);
  server.Get("/", guarded(config.web, [&](httplib::Response& res) {
               res.set_content(render_status_page(gather_overview(config, clock)), "text/html; charset=utf-8");
             }));
  server.Get("/api/status", guarded(config.web, [&](httplib::Response& res) {
               res.set_content(overview_json(gather_overview(config, clock)).dump(), "application/json");
             }));
  auto refuse = [](const httplib::Request&, httplib::Response& res) { res.status = 405; };
  server.Post(".*", refuse);
  server.Put(".*", refuse);
  server.Delete(".*", refuse);
  server.Patch(".*", refuse);
  if (!server.bind_to_port(config.web.listen, config.web.port)) {
    return Status::unavailable("web: cannot listen on " + config.web.listen + ":" + std::to_string(config.web.port));
  }
  spdlog::info("web: status page on http://{}:{}/", config.web.listen, config.web.port);
  std::atomic<bool> ended{false};
  std::thread stopper([&] {
    while (!stop.load() && !ended.load()) std::this_thread::sleep_for(std::chrono::milliseconds(kStopPollMs));
    server.stop();
  });
  const bool served = server.listen_after_bind();
  ended = true;
  stopper.join();
  if (!served && !stop.load()) return Status::io("web: the server stopped accepting connections");
  MTG_CHECK(!server.is_running());
  return Status::ok();
}

}  // namespace mtg::web
