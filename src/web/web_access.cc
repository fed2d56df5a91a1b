#include "web/web_access.h"

#include <openssl/crypto.h>

#include "util/check.h"

namespace mtg::web {

Status check_listen(const WebConfig& web) {
  MTG_CHECK(!web.listen.empty());  // the config refuses an empty web.listen
  if (web.token.size() > kMaxTokenBytes) {
    return Status::invalid("web.token is longer than " + std::to_string(kMaxTokenBytes) + " bytes");
  }
  if (is_loopback_address(web.listen) || !web.token.empty()) return Status::ok();
  return Status::invalid("web.listen " + web.listen +
                         " is not a loopback address: set web.token (or --token-file) so that only "
                         "clients with the token read the page");
}

bool authorized(const WebConfig& web, std::string_view presented) {
  if (web.token.empty()) return true;
  if (presented.size() != web.token.size()) return false;
  MTG_CHECK(presented.size() <= kMaxTokenBytes);
  return CRYPTO_memcmp(presented.data(), web.token.data(), presented.size()) == 0;
}

}  // namespace mtg::web
