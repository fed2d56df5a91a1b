// What a producer needs of Redis (docs/requirements.md "Signals in", "Results out"), behind an
// interface so that the producer's rules can be tested against a fake Redis that
// restarts, loses writes and drops connections on cue. RedisProducerLink is the real one.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace mtg {

// One RTRS entry: its stream id and its `result` field (JSON).
struct StreamResult {
  std::string stream_id;
  std::string json;
};

class ProducerLink {
 public:
  virtual ~ProducerLink() = default;
  // The run_id of the Redis answering now (new on every start of the server);
  // kUnavailable while none answers.
  virtual Result<std::string> server_id() = 0;
  // The id of the newest RTRS entry ("0-0" when there is none).
  virtual Result<std::string> results_tail() = 0;
  // XADDs each payload to RTSS, in order, in one round trip. Ok only when Redis
  // acknowledged every one; otherwise some may have been added, some not.
  virtual Status send(const std::vector<std::string>& payloads) = 0;
  // RTRS entries after the stream id `after`, waiting up to block_ms for the first.
  virtual Result<std::vector<StreamResult>> results_after(const std::string& after, int block_ms) = 0;
};

}  // namespace mtg
