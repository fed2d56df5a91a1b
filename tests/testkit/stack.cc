#include "testkit/stack.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "util/check.h"

namespace mtg::testkit {
namespace {

const Result<Config>& loaded() {
  static const Result<Config> config = [] () -> Result<Config> {
    const char* path = std::getenv("MTG_CONFIG");
    if (path == nullptr || *path == '\0') return Status::not_found("MTG_CONFIG is not set");
    return load_config(path);
  }();
  return config;
}

}  // namespace

// CMake defines it for mtg_testkit (__FILE__ is relative under ccache's base_dir).
std::string source_dir() { return MTG_SOURCE_DIR; }

bool stack_available() {
  if (!loaded().is_ok()) {
    std::fprintf(stderr, "stack unavailable: %s\n", loaded().status().to_string().c_str());
  }
  return loaded().is_ok();
}

const Config& stack_config() {
  MTG_CHECK_MSG(stack_available(), "stack_config() without a stack");
  return *loaded();
}

bool stack_controllable() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!stack_available() || !fs::exists(source_dir() + "/scripts/stack", ec)) return false;
  fs::path ours = fs::weakly_canonical(source_dir() + "/var/mtguard.toml", ec);
  return !ec && fs::weakly_canonical(stack_config().path, ec) == ours && !ec;
}

void stack_run(const std::string& args) {
  std::string command = source_dir() + "/scripts/stack " + args;
  int rc = std::system(command.c_str());
  if (rc != 0) std::fprintf(stderr, "`%s` exited with %d\n", command.c_str(), rc);
  MTG_CHECK_MSG(rc == 0, "scripts/stack failed");
}

}  // namespace mtg::testkit
