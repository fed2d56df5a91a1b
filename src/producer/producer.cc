#include "producer/producer.h"

#include <algorithm>

#include "signal/signal_parser.h"
#include "util/check.h"

namespace mtg {
namespace {

bool settles(ResultStatus status) { return is_final(status) || status == ResultStatus::kDuplicate; }

bool connection_trouble(const Status& s) { return s.code() == Code::kUnavailable || s.code() == Code::kTimeout; }

std::string short_id(const std::string& run_id) { return run_id.substr(0, 8); }

}  // namespace

Producer::Producer(ProducerLink& link, const Clock& clock, SleepFn sleep, ProducerOptions options,
                   ProgressFn progress)
    : link_(link), clock_(clock), sleep_(std::move(sleep)), options_(options), progress_(std::move(progress)) {
  MTG_CHECK(sleep_ != nullptr);
  MTG_CHECK(options_.timeout_ms >= 0 && options_.read_block_ms > 0 && options_.check_server_every_ms > 0);
  MTG_CHECK(options_.retry_min_ms > 0 && options_.retry_max_ms >= options_.retry_min_ms);
  MTG_CHECK(options_.send_batch > 0 && options_.send_batch <= kMaxSendBatch);
}

bool Producer::expired() const { return clock_.steady_ms() >= deadline_ms_; }

size_t Producer::awaiting() const {
  return static_cast<size_t>(std::count_if(kept_.begin(), kept_.end(), [](const auto& k) { return k.second.awaiting; }));
}

Result<std::string> Producer::reach_server(const Status& why) {
  int64_t pause_ms = options_.retry_min_ms;
  Status last = why;
  for (;;) {
    auto id = link_.server_id();
    if (id) return id;
    last = id.status();
    if (expired()) return Status::timeout("Redis did not answer before the deadline: " + last.message());
    if (progress_) {
      progress_("Redis unreachable (" + last.to_string() + "); " + std::to_string(awaiting()) +
                " signal(s) kept; retrying in " + std::to_string(pause_ms) + " ms");
    }
    sleep_(std::min(pause_ms, std::max<int64_t>(1, deadline_ms_ - clock_.steady_ms())));
    pause_ms = std::min(pause_ms * 2, options_.retry_max_ms);
  }
}

void Producer::follow_server(const std::string& id) {
  const int64_t now = clock_.steady_ms();
  if (id == server_) {
    server_seen_ms_ = now;
    return;
  }
  // A different Redis: it may lack the last seconds of what the old one acknowledged.
  const int64_t suspect_from = server_seen_ms_ - options_.suspect_results_ms;
  std::deque<std::string> next;
  for (const std::string& p : outbox_) {
    if (kept_.count(extract_uuid(p)) == 0) next.push_back(p);  // not waited for: still owed one send
  }
  int64_t again = 0;
  for (const std::string& uuid : order_) {
    Kept& k = kept_.at(uuid);
    if (!k.awaiting && !(k.settled_ms && *k.settled_ms >= suspect_from)) continue;
    k.awaiting = true;
    next.push_back(k.payload);
    ++again;
  }
  if (progress_ && !server_.empty()) {
    progress_("Redis changed (run_id " + short_id(server_) + "… -> " + short_id(id) + "…): sending " +
              std::to_string(again) + " signal(s) again");
  }
  if (!server_.empty()) {
    ++outcome_.restarts;
    outcome_.resent += again;
  }
  outbox_ = std::move(next);
  server_ = id;
  server_seen_ms_ = now;
}

Status Producer::flush() {
  while (!outbox_.empty()) {
    const size_t n = std::min(options_.send_batch, outbox_.size());
    const std::vector<std::string> batch(outbox_.begin(), outbox_.begin() + static_cast<std::ptrdiff_t>(n));
    const Status sent = link_.send(batch);
    if (sent.is_ok()) {
      outbox_.erase(outbox_.begin(), outbox_.begin() + static_cast<std::ptrdiff_t>(n));
      continue;
    }
    if (!connection_trouble(sent)) return sent;
    // Some of the batch may have been added: sent again, those are answered `duplicate`.
    auto id = reach_server(sent);
    if (!id) return id.status();
    follow_server(*id);
  }
  return Status::ok();
}

void Producer::take(const StreamResult& entry) {
  cursor_ = entry.stream_id;
  auto r = TradeResult::from_json(entry.json);
  if (!r || !settles(r->status)) return;
  auto it = kept_.find(r->uuid);
  if (it == kept_.end() || !it->second.awaiting) return;
  Kept& k = it->second;
  k.awaiting = false;
  k.settled_ms = clock_.steady_ms();
  if (!k.reported) {
    k.reported = true;
    outcome_.settled.push_back(*r);
  }
}

Result<ProducerOutcome> Producer::run(const std::vector<std::string>& payloads, bool wait) {
  deadline_ms_ = clock_.steady_ms() + options_.timeout_ms;
  outcome_ = {};
  kept_.clear();
  order_.clear();
  server_.clear();
  auto first = reach_server(Status::ok());
  if (!first) return first.status();
  follow_server(*first);
  // The cursor comes first, so that no result of ours is missed.
  for (;;) {
    auto tail = link_.results_tail();
    if (tail) {
      cursor_ = *tail;
      break;
    }
    if (!connection_trouble(tail.status())) return tail.status();
    auto id = reach_server(tail.status());
    if (!id) return id.status();
    follow_server(*id);
  }
  for (const std::string& p : payloads) {
    const std::string uuid = extract_uuid(p);
    if (wait && !uuid.empty() && kept_.emplace(uuid, Kept{p, true, std::nullopt, false}).second) order_.push_back(uuid);
    outbox_.push_back(p);
  }
  MTG_RETURN_IF_ERROR(flush());
  while (wait && awaiting() > 0 && !expired()) {
    auto got = link_.results_after(cursor_, options_.read_block_ms);
    Status trouble = got.status();
    if (got) {
      for (const StreamResult& e : *got) take(e);
      if (clock_.steady_ms() - server_seen_ms_ >= options_.check_server_every_ms) {
        auto id = link_.server_id();
        if (id) follow_server(*id);
        trouble = id.status();
      }
    }
    if (!trouble.is_ok()) {
      if (!connection_trouble(trouble)) return trouble;
      auto id = reach_server(trouble);
      if (!id) break;
      follow_server(*id);
    }
    if (Status sent = flush(); !sent.is_ok()) {
      if (sent.code() == Code::kTimeout) break;
      return sent;
    }
  }
  for (const std::string& uuid : order_) {
    if (!kept_.at(uuid).reported) outcome_.unsettled.push_back(uuid);
  }
  MTG_CHECK(outcome_.settled.size() + outcome_.unsettled.size() == order_.size());
  return outcome_;
}

}  // namespace mtg
