// What the local topology does the same on every platform: starting, the
// loopback pair, the agents' logs, stopping. Which hosts start is
// StartHosts: local_topology_linux.cc (netns, lwIP, guest, or loopback) and
// local_topology_windows.cc (loopback).
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "controller/hosts/local_processes.h"
#include "controller/hosts/local_topology.h"

namespace closeprobe::controller {

// An agent's first start under Wine takes about 10 s.
constexpr absl::Duration kLoopbackStartWait = absl::Seconds(60);

absl::StatusOr<std::unique_ptr<LocalTopology>> LocalTopology::Start(
    const std::string& agent_binary, const TopologyOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(agent_binary, ec)) {
    return absl::NotFoundError(absl::StrCat("agent binary ", agent_binary,
                                            " not found (set --agent-binary)"));
  }
  std::unique_ptr<LocalTopology> t(new LocalTopology());
  absl::StatusOr<std::string> dir = MakeRunFolder();
  if (!dir.ok()) return dir.status();
  t->dir_ = *dir;
  absl::Status s = t->StartHosts(agent_binary, options);
  if (!s.ok()) {
    return absl::Status(s.code(), absl::StrCat(s.message(), " (agent logs in ", t->dir_, ")"));
  }
  return t;
}

absl::Status LocalTopology::StartLoopback(const std::string& agent_binary) {
  kind_ = "loopback";
  warnings_.push_back(
      "agents run on loopback: both roles share one stack, and some results "
      "differ from a real link (e.g. Linux tcp_tw_reuse=2 applies to loopback only)");
  HostPair pair;
  std::string* targets[2] = {&pair.subject_target, &pair.peer_target};
  const char* names[2] = {"subject", "peer"};
  for (int i = 0; i < 2; ++i) {
    const std::string port_file = absl::StrCat(dir_, "/", names[i], ".port");
    // Faults are limited to a case's ports; settings would change the whole
    // machine's stack here, so they stay off.
    absl::StatusOr<ProcessId> pid =
        SpawnChild({agent_binary, "--listen", "127.0.0.1:0", "--port_file", port_file,
                    "--allow_faults"},
                   absl::StrCat(dir_, "/", names[i], ".log"));
    if (!pid.ok()) return pid.status();
    pids_.push_back(*pid);
    const absl::Time deadline = absl::Now() + kLoopbackStartWait;
    int port = 0;
    while (port == 0) {
      std::ifstream in(port_file);
      if (!(in >> port)) port = 0;
      if (port == 0 && (absl::Now() > deadline || !ChildAlive(*pid))) {
        return absl::UnavailableError(absl::StrCat("the ", names[i], " agent did not start"));
      }
      if (port == 0) absl::SleepFor(absl::Milliseconds(10));
    }
    *targets[i] = absl::StrCat("127.0.0.1:", port);
  }
  pairs_.push_back(pair);
  return absl::OkStatus();
}

void LocalTopology::Abandon() const {
  for (const auto& cleanup : cleanups_) cleanup();
  KillChildren(pids_);
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string LocalTopology::AgentLogs() const {
  std::string logs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".log") continue;
    const std::string name = entry.path().stem().string();
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) absl::StrAppend(&logs, "\n  ", name, ": ", line);
  }
  return logs;
}

LocalTopology::~LocalTopology() {
  for (const auto& cleanup : cleanups_) cleanup();
  StopChildren(pids_);
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

}  // namespace closeprobe::controller
