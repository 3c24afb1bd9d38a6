// closeprobe-agent: serves the Agent gRPC API (agent.proto) over the
// platform this executable was built for.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/agent_service.h"
#include "agent/stop_signal.h"
#include "agent/target_allow_list.h"
#include "agent/platform.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:7100",
          "Where the gRPC server listens: HOST:PORT (port 0 picks a free one) or "
          "unix:PATH. Any address other than loopback or a unix socket needs "
          "--token-file.");
ABSL_FLAG(std::string, token_file, "",
          "File holding the token every call must present (metadata "
          "'authorization: Bearer TOKEN'). Required off loopback.");
ABSL_FLAG(std::string, test_address, "",
          "The address peers use to reach sockets on this agent's stack, as "
          "reported by Info (default: the --listen host, or 127.0.0.1).");
ABSL_FLAG(std::string, port_file, "",
          "Write the port actually listened on to this file once serving.");
ABSL_FLAG(bool, allow_faults, false,
          "Let controllers install packet-drop rules (nftables, root only) limited to "
          "their case's ports, removed when the session ends, and send crafted TCP "
          "segments onto the link (Inject, a raw socket, root only).");
ABSL_FLAG(bool, allow_settings, false,
          "Let controllers change this host's TCP settings (sysctls of its network "
          "namespace, root only); restored when the session ends.");
ABSL_FLAG(std::string, allow_targets, "",
          "Networks connect() may reach, comma-separated CIDRs or 'any' (default: the "
          "networks of this host's interfaces, so a reachable agent is no tool against "
          "other hosts).");
ABSL_FLAG(int, max_sessions, 256, "Sessions open at once; more are refused.");
ABSL_FLAG(int, max_sockets_per_session, 1024, "Sockets one session may hold.");
ABSL_FLAG(int, max_call_bytes, 16 << 20, "Bytes one send may carry or one recv ask for.");
ABSL_FLAG(int, max_deadline_ms, 600000, "The longest a call may ask to wait.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain: serve over TLS (with --tls_key) instead of plain TCP.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(bool, allow_token_without_tls, false,
          "Off loopback, serve with --token_file but without --tls_cert: the token then "
          "travels in clear on every call. Refused at start-up unless given; with it the "
          "agent warns at start and in Info.");
ABSL_FLAG(int, max_auth_failures, 10,
          "Calls with a missing or wrong token one host may make per minute; beyond that "
          "its calls are refused (RESOURCE_EXHAUSTED) until the minute passes.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA: require a client certificate signed by it (mutual TLS).");
ABSL_FLAG(std::string, wire_port, "",
          "Linux agent: serve the wire between a sandbox and its peer, not a stack: capture "
          "on this bridge port and, with --allow_faults, drop on the bridge's forward hook "
          "(closeprobe run's gvisor column puts such an agent beside its runsc sandbox).");
ABSL_FLAG(std::string, runsc_version, "",
          "Linux agent in a gVisor sandbox: runsc's version, which Info reports (the sentry "
          "inside calls itself Linux 4.4.0).");
ABSL_FLAG(std::string, runsc_platform, "",
          "Linux agent in a gVisor sandbox: runsc's platform (ptrace, kvm), for Info.");
ABSL_FLAG(int, default_lease_ms, 10000,
          "Lease of a session that asks for none: its sockets are closed when "
          "no call renews it for this long.");

namespace closeprobe::agent {
namespace {

bool IsLocalOnly(const std::string& listen) {
  return absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "127.") ||
         absl::StartsWith(listen, "localhost:") || absl::StartsWith(listen, "[::1]:");
}

std::string HostOf(const std::string& listen) {
  if (absl::StartsWith(listen, "unix:")) return "";
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host == "0.0.0.0" || host == "::" || host == "localhost") return "";
  return host;
}

// The file's content; false if it cannot be read or is empty.
bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return in.good() || (in.eof() && !out->empty());
}

// TLS (and mutual TLS) when --tls_cert is given, else plain.
bool ServerCredentials(std::shared_ptr<grpc::ServerCredentials>* out) {
  if (absl::GetFlag(FLAGS_tls_cert).empty()) {
    *out = grpc::InsecureServerCredentials();
    return true;
  }
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  grpc::SslServerCredentialsOptions ssl;
  if (!ReadFile(absl::GetFlag(FLAGS_tls_cert), &pair.cert_chain) ||
      !ReadFile(absl::GetFlag(FLAGS_tls_key), &pair.private_key)) {
    std::cerr << "closeprobe-agent: cannot read --tls_cert / --tls_key\n";
    return false;
  }
  ssl.pem_key_cert_pairs.push_back(pair);
  if (!absl::GetFlag(FLAGS_tls_client_ca).empty()) {
    if (!ReadFile(absl::GetFlag(FLAGS_tls_client_ca), &ssl.pem_root_certs)) {
      std::cerr << "closeprobe-agent: cannot read --tls_client_ca\n";
      return false;
    }
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  *out = grpc::SslServerCredentials(ssl);
  return true;
}

int Run() {
  const std::string listen = absl::GetFlag(FLAGS_listen);
  AgentOptions options;
  if (!absl::GetFlag(FLAGS_token_file).empty()) {
    std::ifstream in(absl::GetFlag(FLAGS_token_file));
    std::stringstream text;
    text << in.rdbuf();
    options.auth.token = std::string(absl::StripAsciiWhitespace(text.str()));
    if (!in || options.auth.token.empty()) {
      std::cerr << "closeprobe-agent: cannot read a token from "
                << absl::GetFlag(FLAGS_token_file) << "\n";
      return 2;
    }
  }
  if (!IsLocalOnly(listen) && options.auth.token.empty()) {
    std::cerr << "closeprobe-agent: listening on " << listen
              << " (not loopback) requires --token_file\n";
    return 2;
  }
  const bool clear_token = !IsLocalOnly(listen) && absl::GetFlag(FLAGS_tls_cert).empty();
  if (clear_token && !absl::GetFlag(FLAGS_allow_token_without_tls)) {
    std::cerr << "closeprobe-agent: listening on " << listen
              << " with a token but without TLS would send the token in clear on every call; "
                 "give --tls_cert and --tls_key (docs/operating.md says how to make them), or "
                 "--allow_token_without_tls to accept that\n";
    return 2;
  }
  if (clear_token) {
    options.warnings.push_back(absl::StrCat(
        "serving on ", listen, " without TLS: the token travels in clear (--allow_token_without_tls)"));
  }
  options.auth.max_failures = absl::GetFlag(FLAGS_max_auth_failures);
  options.test_address = absl::GetFlag(FLAGS_test_address);
  if (options.test_address.empty()) options.test_address = HostOf(listen);
  if (options.test_address.empty()) options.test_address = "127.0.0.1";
  options.limits.default_lease = absl::Milliseconds(absl::GetFlag(FLAGS_default_lease_ms));
  options.limits.max_sessions = absl::GetFlag(FLAGS_max_sessions);
  options.limits.max_sockets_per_session = absl::GetFlag(FLAGS_max_sockets_per_session);
  options.max_call_bytes = absl::GetFlag(FLAGS_max_call_bytes);
  options.max_deadline = absl::Milliseconds(absl::GetFlag(FLAGS_max_deadline_ms));
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (!ServerCredentials(&credentials)) return 2;

  PlatformOptions platform_options;
  platform_options.allow_faults = absl::GetFlag(FLAGS_allow_faults);
  platform_options.allow_settings = absl::GetFlag(FLAGS_allow_settings);
  platform_options.wire_port = absl::GetFlag(FLAGS_wire_port);
  platform_options.runsc_version = absl::GetFlag(FLAGS_runsc_version);
  platform_options.runsc_platform = absl::GetFlag(FLAGS_runsc_platform);
  absl::StatusOr<Platform> platform = NewPlatform(platform_options);
  if (!platform.ok()) {
    std::cerr << "closeprobe-agent: " << platform.status() << "\n";
    return 3;
  }
  const PlatformDescription described = platform->info->Describe();
  const std::string& name = described.platform;
  // Default targets: this host's own networks (and loopback).
  std::string targets = absl::GetFlag(FLAGS_allow_targets);
  if (targets.empty()) {
    targets = absl::StrJoin(described.networks, ",");
    targets = targets.empty() ? "127.0.0.0/8,::1/128" : targets + ",127.0.0.0/8,::1/128";
  }
  absl::StatusOr<TargetAllowList> allowed = TargetAllowList::Parse(targets);
  if (!allowed.ok()) {
    std::cerr << "closeprobe-agent: --allow_targets: " << allowed.status().message() << "\n";
    return 2;
  }
  options.targets = *allowed;

  // A stop request (SIGTERM, SIGINT, Ctrl-C) ends the server cleanly: every
  // session's sockets are closed by the service's destructor.
  InstallStopSignal();

  AgentService service(std::move(*platform), options);
  if (!service.grpc_service()->ungated().empty()) {
    std::cerr << "closeprobe-agent: RPCs of agent.proto not behind the token check: "
              << absl::StrJoin(service.grpc_service()->ungated(), ", ") << "\n";
    return 3;
  }
  // Health answers without a token (it says only whether the agent is up);
  // reflection would describe the API to anyone, so only without a token.
  grpc::EnableDefaultHealthCheckService(true);
  if (!service.requires_token()) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, credentials, &port);
  builder.RegisterService(service.grpc_service());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    std::cerr << "closeprobe-agent: cannot listen on " << listen << "\n";
    return 3;
  }
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    std::ofstream(absl::GetFlag(FLAGS_port_file)) << port << "\n";
  }
  std::cerr << "closeprobe-agent: " << name << " stack, serving on " << listen
            << (port > 0 ? absl::StrCat(" (port ", port, ")") : "")
            << ", test address " << options.test_address
            << (options.auth.token.empty() ? "" : ", token required")
            << (absl::GetFlag(FLAGS_tls_cert).empty() ? "" : ", TLS")
            << (absl::GetFlag(FLAGS_tls_client_ca).empty() ? "" : " with client certificates")
            << ", targets " << options.targets.ToString() << "\n";
  for (const std::string& w : options.warnings) std::cerr << "closeprobe-agent: warning: " << w << "\n";

  std::thread stopper([&] {
    const std::string why = WaitForStopSignal();
    std::cerr << "closeprobe-agent: " << why << ", closing sessions\n";
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  });
  server->Wait();
  service.sessions().CloseAll();
  // Wake the stopper if the server ended another way.
  WakeStopWaiter();
  stopper.join();
  return 0;
}

}  // namespace
}  // namespace closeprobe::agent

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "performs real socket operations on this host's TCP stack for the closeprobe "
      "controller, over gRPC (agent.proto).\n"
      "  closeprobe-agent [--listen 127.0.0.1:7100] [--token_file FILE] "
      "[--test_address ADDR]\n"
      "Off loopback a token is required; --allow_faults and --allow_settings let\n"
      "callers drop traffic and change this host's TCP settings.");
  // --help lists this program's own flags (not abseil's).
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "agent/");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);
  return closeprobe::agent::Run();
}
