#include "store/redis/redis_script.h"

#include <openssl/sha.h>

#include <array>
#include <utility>

#include "util/check.h"

namespace mtg {
namespace {

std::vector<std::string> script_argv(std::string verb, std::string script, const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> argv = {std::move(verb), std::move(script), std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string sha1_hex(const std::string& data) {
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest.size());
  for (unsigned char byte : digest) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0f]);
  }
  return hex;
}

}  // namespace

RedisScript::RedisScript(std::string source) : source_(std::move(source)), sha1_(sha1_hex(source_)) {
  MTG_CHECK_MSG(!source_.empty(), "a Redis script needs a body");
  MTG_CHECK(sha1_.size() == 2 * SHA_DIGEST_LENGTH);
}

std::vector<std::string> RedisScript::evalsha_argv(const std::vector<std::string>& keys,
                                                   const std::vector<std::string>& args) const {
  return script_argv("EVALSHA", sha1_, keys, args);
}

std::vector<std::string> RedisScript::eval_argv(const std::vector<std::string>& keys,
                                                const std::vector<std::string>& args) const {
  return script_argv("EVAL", source_, keys, args);
}

bool RedisScript::unknown_to_server(const RedisReply& reply) {
  return reply.is_error() && reply.error_kind() == "NOSCRIPT";
}

}  // namespace mtg
