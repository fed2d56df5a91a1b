// Engine: order transitions written to the store in batches. A batch costs one round
// trip whatever its size; each write in it stays one atomic step of the store, and its
// change reaches memory (and any frame it lets leave) only once the store took it.
#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "util/check.h"

namespace mtg {

Status Engine::write_order(OrderWrite write, WriteDone done) {
  MTG_CHECK(done);
  MTG_CHECK(is_final(write.order.state) == (write.result.has_value() && is_final(write.result->status)));
  if (!batching_) {
    auto answers = store_.write_all({std::move(write)});
    MTG_CHECK(answers.size() == 1);
    if (!answers[0]) return answers[0].status();
    done(*answers[0]);
    return Status::ok();
  }
  const std::string& uuid = write.order.signal.uuid;
  MTG_CHECK_MSG(staged_uuids_.insert(uuid).second, "two writes of one order in a batch");
  staged_.push_back({std::move(write), std::move(done), refused_});
  if (staged_.size() >= kMaxWritesPerBatch) (void)flush_batch();  // each refusal went to its handler
  MTG_CHECK(staged_.size() < kMaxWritesPerBatch);
  return Status::ok();
}

void Engine::begin_batch(WriteRefused refused) {
  MTG_CHECK(!batching_);
  MTG_CHECK(staged_.empty() && staged_uuids_.empty());
  batching_ = true;
  refused_ = std::move(refused);
}

Status Engine::flush_batch() {
  MTG_CHECK(batching_);
  std::vector<StagedWrite> staged = std::move(staged_);
  staged_.clear();
  staged_uuids_.clear();
  batching_ = false;  // what the writes' handlers do goes to the store at once
  Status first = Status::ok();
  if (staged.empty()) return first;
  std::vector<OrderWrite> writes;
  writes.reserve(staged.size());
  for (const auto& w : staged) writes.push_back(w.write);
  auto answers = store_.write_all(writes);
  MTG_CHECK(answers.size() == staged.size());
  for (size_t i = 0; i < staged.size(); ++i) {
    if (answers[i]) {
      staged[i].done(*answers[i]);
      continue;
    }
    if (first.is_ok()) first = answers[i].status();
    if (staged[i].refused) staged[i].refused(answers[i].status());
  }
  batching_ = true;
  return first;
}

Status Engine::end_batch() {
  Status written = flush_batch();
  batching_ = false;
  refused_ = nullptr;
  return written;
}

void Engine::settle(const std::string& uuid) {
  if (batching_ && staged_uuids_.count(uuid) != 0) (void)flush_batch();
  MTG_CHECK(staged_uuids_.count(uuid) == 0);
}

Status Engine::dispatch(const std::set<std::string>& instances) {
  if (instances.empty()) return Status::ok();
  begin_batch([this](const Status& error) {
    ++stats_.store_errors;
    spdlog::warn("engine: an order stays waiting: {}", error.to_string());
  });
  Status first = Status::ok();
  for (const auto& instance : instances) {
    first = dispatch_waiting(instance);
    if (!first.is_ok()) break;
  }
  Status written = end_batch();
  return first.is_ok() ? written : first;
}

}  // namespace mtg
