// ProducerLink over one RedisClient, with the stream names of a key prefix.
#pragma once

#include <string>
#include <vector>

#include "producer/producer_link.h"
#include "store/redis/redis_client.h"

namespace mtg {

class RedisProducerLink final : public ProducerLink {
 public:
  // `redis` must outlive the link; its command timeout must exceed the read block.
  RedisProducerLink(RedisClient& redis, std::string prefix) : redis_(redis), prefix_(std::move(prefix)) {}

  Result<std::string> server_id() override;
  Result<std::string> results_tail() override;
  Status send(const std::vector<std::string>& payloads) override;
  Result<std::vector<StreamResult>> results_after(const std::string& after, int block_ms) override;

 private:
  RedisClient& redis_;
  std::string prefix_;
};

}  // namespace mtg
