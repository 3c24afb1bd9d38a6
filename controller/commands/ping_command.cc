// ping: connects to each agent and prints its Info, for health checks and
// for checking a remote agent before a run.
#include <iostream>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "controller/commands/command_support.h"

namespace closeprobe::controller {

int PingCommand(const Config& config) {
  if (config.args.empty()) {
    std::cerr << "closeprobe: ping takes one or more HOST:PORT (or unix:PATH)\n";
    return kExitUsage;
  }
  Credentials credentials;
  if (!ReadCredentials(config, &credentials)) return kExitUsage;
  int status = 0;
  for (const std::string& target : config.args) {
    absl::StatusOr<std::unique_ptr<AgentClient>> c =
        AgentClient::Connect(target, credentials.token, absl::Seconds(5), credentials.tls);
    if (!c.ok()) {
      std::cerr << "closeprobe: " << c.status().message() << "\n";
      status = kExitInfra;
      continue;
    }
    const v1::InfoReply& info = (*c)->info();
    std::cout << target << ": " << info.platform() << " " << info.stack_version() << " on "
              << info.hostname() << " (" << info.os() << "), test address "
              << info.test_address() << ", features " << absl::StrJoin(info.features(), ",")
              << "\n";
    for (const std::string& w : info.warnings()) std::cout << target << ": warning: " << w << "\n";
  }
  return status;
}

}  // namespace closeprobe::controller
