// closeprobe-agent: serves the Agent gRPC API (agent.proto) over the
// platform this executable was built for.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
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
#include "agent/agent_service.h"
#include "agent/stop_signal.h"
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
          "their case's ports; removed when the session ends.");
ABSL_FLAG(bool, allow_settings, false,
          "Let controllers change this host's TCP settings (sysctls of its network "
          "namespace, root only); restored when the session ends.");
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

int Run() {
  const std::string listen = absl::GetFlag(FLAGS_listen);
  AgentOptions options;
  if (!absl::GetFlag(FLAGS_token_file).empty()) {
    std::ifstream in(absl::GetFlag(FLAGS_token_file));
    std::stringstream text;
    text << in.rdbuf();
    options.token = std::string(absl::StripAsciiWhitespace(text.str()));
    if (!in || options.token.empty()) {
      std::cerr << "closeprobe-agent: cannot read a token from "
                << absl::GetFlag(FLAGS_token_file) << "\n";
      return 2;
    }
  }
  if (!IsLocalOnly(listen) && options.token.empty()) {
    std::cerr << "closeprobe-agent: listening on " << listen
              << " (not loopback) requires --token-file\n";
    return 2;
  }
  options.test_address = absl::GetFlag(FLAGS_test_address);
  if (options.test_address.empty()) options.test_address = HostOf(listen);
  if (options.test_address.empty()) options.test_address = "127.0.0.1";
  options.limits.default_lease = absl::Milliseconds(absl::GetFlag(FLAGS_default_lease_ms));

  PlatformOptions platform_options;
  platform_options.allow_faults = absl::GetFlag(FLAGS_allow_faults);
  platform_options.allow_settings = absl::GetFlag(FLAGS_allow_settings);
  absl::StatusOr<Platform> platform = NewPlatform(platform_options);
  if (!platform.ok()) {
    std::cerr << "closeprobe-agent: " << platform.status() << "\n";
    return 3;
  }
  const std::string name = platform->info->Describe().platform;

  // A stop request (SIGTERM, SIGINT, Ctrl-C) ends the server cleanly: every
  // session's sockets are closed by the service's destructor.
  InstallStopSignal();

  AgentService service(std::move(*platform), options);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
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
            << (options.token.empty() ? "" : ", token required") << "\n";

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
