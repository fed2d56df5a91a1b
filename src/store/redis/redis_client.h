// RedisClient: one blocking connection to one Redis server (hiredis 0.14, RESP2).
//
// Every call returns a Status/Result whose message names the server and keeps what
// Redis said, e.g. "redis 127.0.0.1:17379: ERR unknown command 'FOO'". No exception
// leaves this class. Error mapping:
//   - an error reply (-ERR, -WRONGTYPE, -NOGROUP, ...) -> kInvalidArgument, except
//     -LOADING and -BUSY (the server cannot answer now) -> kUnavailable;
//   - I/O failure or timeout (server down, connection cut) -> kUnavailable. The
//     connection is dropped and the next call reconnects transparently; a command
//     whose I/O failed may or may not have been executed by the server.
// Blocking commands (XREADGROUP ... BLOCK ms) must block for less than
// RedisConfig::command_timeout_ms, or they fail as a timeout.
// Not thread-safe: one client per thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/redis/redis_eval.h"
#include "store/redis/redis_reply.h"
#include "store/redis/redis_script.h"
#include "util/status.h"

struct redisContext;

namespace mtg {

class RedisClient final : public RedisEval {
 public:
  // Most commands one pipeline() call may send.
  static constexpr size_t kMaxPipelineCommands = 10'000;
  // Most arguments (command name included) one command may have.
  static constexpr size_t kMaxCommandArgs = 100'000;

  // Connects within config.connect_timeout_ms and sets config.command_timeout_ms as
  // the read/write timeout. kUnavailable when the server cannot be reached.
  static Result<std::unique_ptr<RedisClient>> connect(const RedisConfig& config);
  // A client that connects on its first call instead (for one that rides out a server
  // that is down now). kInvalidArgument for timeouts that are not positive.
  static Result<std::unique_ptr<RedisClient>> create(const RedisConfig& config);

  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command, e.g. {"XADD", "mtg:rtss", "*", "signal", json}. Arguments are
  // binary-safe. An error reply becomes a non-ok Result (see the mapping above).
  Result<RedisReply> command(const std::vector<std::string>& argv);

  // Sends all commands in one round trip and returns one reply per command, in
  // order. An error reply of one command is returned as a kError element; only an
  // I/O failure fails the whole call. At most kMaxPipelineCommands commands.
  Result<std::vector<RedisReply>> pipeline(const std::vector<std::vector<std::string>>& commands);

  // Runs a Lua script with EVALSHA, falling back to EVAL (which also loads it) when
  // the server does not know the script (NOSCRIPT, e.g. after SCRIPT FLUSH or a
  // restart). Error replies map like command().
  Result<RedisReply> eval(const RedisScript& script, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args) override;

  // One script call of eval_all().
  struct ScriptCall {
    const RedisScript* script = nullptr;  // must outlive the call
    std::vector<std::string> keys;
    std::vector<std::string> args;
  };
  // Runs every call in one round trip (each script atomic on its own, in order), after
  // loading each distinct script in the same pipeline so that no EVALSHA meets NOSCRIPT.
  // One answer per call, each mapped like command(); only an I/O failure fails the whole
  // call (then any of them may or may not have run). At most kMaxPipelineCommands calls.
  Result<std::vector<Result<RedisReply>>> eval_all(const std::vector<ScriptCall>& calls);

  // The server's version from INFO, e.g. "7.0.15".
  Result<std::string> server_version();
  // ok when the server answers PING with PONG.
  Status ping();

  // True while a connection is open (it may still turn out broken on the next call).
  bool connected() const { return context_ != nullptr; }
  // "host:port" of the server.
  const std::string& endpoint() const { return endpoint_; }

 private:
  explicit RedisClient(const RedisConfig& config);
  Status ensure_connected();
  // Records an I/O failure of the current context, drops it and returns kUnavailable.
  Status drop_connection(const std::string& what);
  // One command; error replies are returned as kError values, not as a Status.
  Result<RedisReply> raw_command(const std::vector<std::string>& argv);

  RedisConfig config_;
  std::string endpoint_;
  redisContext* context_ = nullptr;
};

}  // namespace mtg
