#include "sim/terminal_sim.h"

#include <spdlog/spdlog.h>

#include "link/retcode.h"
#include "util/check.h"

namespace mtg::sim {
namespace {

constexpr uint64_t kSeedMix = 0x9E3779B97F4A7C15ULL;  // spreads seeds of restarted sims apart

// The first `limit` items, and whether there were more.
template <typename T>
std::vector<T> first(std::vector<T> items, size_t limit, bool& truncated) {
  truncated = items.size() > limit;
  if (truncated) items.resize(limit);
  return items;
}

}  // namespace

Result<std::unique_ptr<TerminalSim>> TerminalSim::open(const std::string& ledger_path,
                                                       const SimConfig& config, const Clock& clock,
                                                       SleepFn sleep, FileSystem& fs) {
  auto book = std::make_unique<Book>(config.account == "hedging");
  auto ledger = Ledger::open(ledger_path, *book, fs);
  if (!ledger.is_ok()) return ledger.status().with_context("simulator ledger");
  for (const std::string& id : (*ledger)->interrupted()) {
    spdlog::warn("sim: order {} was interrupted by a crash before execution; it counts as not executed", id);
  }
  if ((*ledger)->torn_lines() > 0) {
    spdlog::warn("sim: dropped a torn last line left by a crash in {}", ledger_path);
  }
  return std::unique_ptr<TerminalSim>(
      new TerminalSim(std::move(book), std::move(*ledger), config, clock, std::move(sleep)));
}

TerminalSim::TerminalSim(std::unique_ptr<Book> book, std::unique_ptr<Ledger> ledger, const SimConfig& config,
                         const Clock& clock, SleepFn sleep)
    : book_(std::move(book)),
      ledger_(std::move(ledger)),
      broker_(config, std::make_unique<SeededRng>(config.seed ^
                                                  (static_cast<uint64_t>(ledger_->records()) * kSeedMix))),
      desk_(broker_, *book_, *ledger_),
      watch_(broker_, *book_, *ledger_),
      clock_(clock),
      sleep_(std::move(sleep)) {
  MTG_CHECK(sleep_ != nullptr);
  MTG_CHECK(broker_.hedging() == (config.account == "hedging"));
}

Result<std::vector<Reply>> TerminalSim::handle_all(std::span<const link::Frame> requests) {
  std::vector<Reply> replies;
  replies.reserve(requests.size());
  for (const link::Frame& request : requests) {
    auto reply = handle_unsynced(request);
    if (!reply.is_ok()) return reply.status();
    replies.push_back(std::move(*reply));
    if (replies.back().drop_link) break;
  }
  MTG_RETURN_IF_ERROR(ledger_->sync());  // one group commit: only now may any reply be sent
  MTG_CHECK(replies.size() <= requests.size());
  return replies;
}

Result<Reply> TerminalSim::handle(const link::Frame& request) {
  auto replies = handle_all(std::span<const link::Frame>(&request, 1));
  if (!replies.is_ok()) return replies.status();
  MTG_CHECK(replies->size() == 1);
  return std::move(replies->front());
}

Result<Reply> TerminalSim::handle_unsynced(const link::Frame& request) {
  Reply reply;
  if (const auto* order = std::get_if<link::OrderFrame>(&request)) {
    const Book::Version before = book_->version();
    auto result = execute_unsynced(*order);
    if (!result.is_ok()) return result.status();
    reply.frames.push_back(std::move(*result));
    if (book_->version() != before) {
      add_changes(reply.frames, before);
      reply.drop_link = broker_.draw_link_drop_after_fill();
      reply.delay_ms = broker_.draw_result_delay_ms();
    }
  } else if (const auto* query = std::get_if<link::QueryFrame>(&request)) {
    for (auto& known : answer(*query)) reply.frames.push_back(std::move(known));
  } else if (std::holds_alternative<link::PositionsRequest>(request)) {
    reply.frames.push_back(positions());
    reply.frames.push_back(orders());
  } else if (const auto* ack = std::get_if<link::EventAck>(&request)) {
    AckRecord record{{}, clock_.now_ms()};
    for (const std::string& id : ack->ids) {
      if (ledger_->is_unacked(id)) record.ids.push_back(id);
    }
    if (!record.ids.empty()) MTG_RETURN_IF_ERROR(ledger_->commit(record));
  }
  return reply;
}

Result<link::ResultFrame> TerminalSim::execute(const link::OrderFrame& order) {
  auto result = execute_unsynced(order);
  if (!result.is_ok()) return result.status();
  MTG_RETURN_IF_ERROR(ledger_->sync());
  return result;
}

Result<link::ResultFrame> TerminalSim::execute_unsynced(const link::OrderFrame& order) {
  if (const link::ResultFrame* known = ledger_->find(order.client_id)) return *known;
  const int64_t now = clock_.now_ms();
  MTG_RETURN_IF_ERROR(ledger_->commit(IntentRecord{order.client_id, order.uuid, order.leg, order.action,
                                                   order.symbol, order.side, order.volume, now}));
  if (now > order.expires_at) {
    MTG_RETURN_IF_ERROR(
        desk_.refuse(order, Refusal{link::kRetcodeInvalidExpiration, "expired before execution"}, now));
    return *ledger_->find(order.client_id);
  }
  sleep_(broker_.draw_latency_ms());
  MTG_RETURN_IF_ERROR(desk_.execute(order, clock_.now_ms()));
  const link::ResultFrame* result = ledger_->find(order.client_id);
  MTG_CHECK(result != nullptr);
  if (result->filled_volume <= 0 || !broker_.draw_timeout_after_fill()) return *result;
  // What a real MT5 may answer for an order that executed; the ledger keeps the truth.
  return link::ResultFrame{order.client_id,
                           order.uuid,
                           order.leg,
                           link::kRetcodeTimeout,
                           0,
                           0,
                           0,
                           0,
                           "request timed out (simulated; the order executed)"};
}

Result<std::vector<link::Frame>> TerminalSim::tick(int64_t now_ms) {
  const Book::Version before = book_->version();
  auto events = watch_.tick(now_ms);
  if (!events.is_ok()) return events.status();
  MTG_RETURN_IF_ERROR(ledger_->sync());
  std::vector<link::Frame> frames;
  for (TradeEvent& event : *events) frames.push_back(link::EventFrame{std::move(event)});
  add_changes(frames, before);
  return frames;
}

std::vector<link::Frame> TerminalSim::on_connect() const {
  MTG_CHECK(ledger_->unsynced_records() == 0);  // every public change syncs before it returns
  std::vector<link::Frame> frames;
  for (TradeEvent& event : ledger_->unacked_events()) frames.push_back(link::EventFrame{std::move(event)});
  return frames;
}

std::vector<link::KnownFrame> TerminalSim::answer(const link::QueryFrame& query) const {
  std::vector<link::KnownFrame> frames(1);
  for (const std::string& id : query.client_ids) {
    if (frames.back().orders.size() == link::kMaxKnownPerFrame) frames.emplace_back();
    const link::ResultFrame* known = ledger_->find(id);
    frames.back().orders.push_back(
        link::KnownOrder{id, known != nullptr ? std::optional<link::ResultFrame>(*known) : std::nullopt});
  }
  return frames;
}

link::Positions TerminalSim::positions() const {
  link::Positions out;
  out.positions = first(book_->positions().all(), link::kMaxPositionsPerFrame, out.truncated);
  return out;
}

link::Orders TerminalSim::orders() const {
  link::Orders out;
  out.orders = first(book_->orders().all(), link::kMaxOrdersPerFrame, out.truncated);
  return out;
}

void TerminalSim::add_changes(std::vector<link::Frame>& frames, const Book::Version& since) const {
  if (book_->version().positions != since.positions) frames.push_back(positions());
  if (book_->version().orders != since.orders) frames.push_back(orders());
}

}  // namespace mtg::sim
