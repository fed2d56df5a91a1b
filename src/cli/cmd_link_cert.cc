// `mtguard link-cert [--cert PATH] [--key PATH] [--days N] [--name CN]`: a self-signed
// certificate and key for the terminal link over TLS ([engine] link_tls), and the
// SHA-256 thumbprint terminals pin (the EA's EngineThumbprint input, a simulator's
// [engine] link_thumbprint). The paths default to [engine] link_cert and link_key; an
// existing file is never replaced.
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "crypto/certificate.h"
#include "util/clock.h"

namespace mtg {
namespace {

struct LinkCertFlags {
  std::string cert;
  std::string key;
  int64_t days = 825;
  std::string name = "mtguard engine";
};

std::string utc_text(int64_t unix_s) {
  const time_t secs = static_cast<time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32] = {};
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

int run_link_cert(const CliContext& ctx, LinkCertFlags flags) {
  if (flags.cert.empty() || flags.key.empty()) {
    auto config = ctx.load("link-cert");
    if (!config) return kExitFailed;
    if (flags.cert.empty()) flags.cert = config->engine.link_cert;
    if (flags.key.empty()) flags.key = config->engine.link_key;
  }
  if (flags.cert.empty() || flags.key.empty()) {
    return fail("link-cert", Status::invalid("name the files: --cert and --key, or [engine] link_cert and link_key"));
  }
  if (flags.days < 1 || flags.days > crypto::kMaxCertificateDays) {
    return fail("link-cert", Status::invalid("--days must be 1.." + std::to_string(crypto::kMaxCertificateDays)));
  }
  const int64_t now_s = SystemClock::instance().now_ms() / 1000;
  const crypto::CertificateSpec spec{flags.name, now_s - 60, now_s + flags.days * 86'400};
  auto info = crypto::create_self_signed_certificate(flags.cert, flags.key, spec);
  if (!info) return fail("link-cert", info.status());
  if (ctx.json) {
    std::cout << nlohmann::json{{"cert", flags.cert},
                                {"key", flags.key},
                                {"subject", info->subject},
                                {"not_after", info->not_after_s},
                                {"thumbprint_sha256", info->thumbprint_sha256},
                                {"thumbprint_sha1", info->thumbprint_sha1}}
                     .dump()
              << '\n';
    return kExitOk;
  }
  std::cout << "certificate         " << flags.cert << " (" << info->subject << ", valid until "
            << utc_text(info->not_after_s) << ")\n"
            << "private key         " << flags.key << " (mode 0600; never copy it to a terminal)\n"
            << "SHA-256 thumbprint  " << info->thumbprint_sha256 << '\n'
            << "SHA-1 thumbprint    " << info->thumbprint_sha1 << '\n'
            << "Paste the SHA-256 thumbprint into the EA's EngineThumbprint input (docs/mt5-setup.md)\n"
            << "and set [engine] link_tls = true, link_cert, link_key on the engine (docs/deploy.md).\n";
  return kExitOk;
}

}  // namespace

void add_link_cert_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<LinkCertFlags>();
  CLI::App* cmd = app.add_subcommand("link-cert", "Make the terminal link's TLS certificate and key; print its thumbprint");
  cmd->add_option("--cert", flags->cert, "Certificate file to create (default [engine] link_cert)");
  cmd->add_option("--key", flags->key, "Private key file to create, mode 0600 (default [engine] link_key)");
  cmd->add_option("--days", flags->days, "Validity in days (default 825)");
  cmd->add_option("--name", flags->name, "The certificate's common name");
  cmd->callback([&ctx, flags] { ctx.exit_code = run_link_cert(ctx, *flags); });
}

}  // namespace mtg
