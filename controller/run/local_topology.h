// LocalTopology: the agents `closeprobe run` starts by itself when no
// --agent is given: a subject host and a reference-peer host.
//
//   netns (as root): each agent in a network namespace of its own, joined by
//     a veth pair, addresses 198.18.N.1 (subject) and 198.18.N.2 (peer). The
//     controller reaches the agents over unix sockets. The namespaces belong
//     to the agent processes (unshare --net), so they vanish with them, and
//     the agents die with the controller (PR_SET_PDEATHSIG): nothing is left
//     behind even if the controller is killed.
//   loopback (otherwise): both agents on 127.0.0.1, one stack; a warning
//     says that loopback changes some results.
//
// Ownership: the LocalTopology owns the agent processes; destroying it stops
// them (SIGTERM, then SIGKILL after 3 s) and removes its temporary folder.
// Start() forks, so call it before any other thread exists.
#ifndef CLOSEPROBE_CONTROLLER_LOCAL_TOPOLOGY_H_
#define CLOSEPROBE_CONTROLLER_LOCAL_TOPOLOGY_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace closeprobe::controller {

enum class TopologyKind { kAuto, kNetns, kLoopback };

// A subject host and its reference peer: the agents' gRPC targets.
struct HostPair {
  std::string subject_target;
  std::string peer_target;
  // Agents in processes of their own on the same hosts (role_binder.h's
  // CompanionKey -> target): the first pair's, when asked for.
  std::map<std::string, std::string> companions;
};

struct TopologyOptions {
  TopologyKind kind = TopologyKind::kAuto;
  // Host pairs (netns); loopback has one (one stack cannot be split).
  int pairs = 1;
  // Non-empty (netns only): also an lwIP host: a namespace with a TAP
  // device, lwIP on one side of it, a Linux peer agent on the kernel side.
  std::string lwip_binary;
  bool lwip_fast_forward = true;  // the lwIP agent's --lwip_fast_forward
  // (netns only) The first pair's hosts each get two more agents: one of
  // their own, and one running as the user nobody.
  bool companions = false;
};

class LocalTopology {
 public:
  // Starts the agents; they may inject faults and change settings.
  static absl::StatusOr<std::unique_ptr<LocalTopology>> Start(const std::string& agent_binary,
                                                              const TopologyOptions& options);
  ~LocalTopology();

  const std::string& kind() const { return kind_; }          // "netns" or "loopback"
  const std::vector<HostPair>& pairs() const { return pairs_; }
  // The lwIP subject and its Linux peer; empty targets when not started.
  const HostPair& lwip_pair() const { return lwip_pair_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::vector<pid_t>& agent_pids() const { return pids_; }
  // For a controller about to exit on a signal: kills the agents and removes
  // the temporary folder at once, without waiting.
  void Abandon() const;
  // The agents' own logs, for error messages when one fails to answer.
  std::string AgentLogs() const;

 private:
  LocalTopology() = default;
  absl::Status StartNetnsPair(const std::string& agent_binary, int index);
  absl::Status StartLoopback(const std::string& agent_binary);
  absl::Status StartLwipPair(const std::string& lwip_binary, const std::string& agent_binary,
                             bool fast_forward);
  // The companions of the host whose agent is `host_pid` (`side`: "subject"
  // or "peer"), added to `pair`.
  absl::Status StartCompanions(const std::string& agent_binary, const std::string& side,
                               pid_t host_pid, const std::string& address, HostPair* pair);
  // Starts an agent (`args`, its output to DIR/NAME.log) and waits until it
  // serves on the unix socket `socket`; returns its pid.
  absl::StatusOr<pid_t> StartAgent(const std::string& name, const std::vector<std::string>& args,
                                   const std::string& socket);
  // Waits until a unix socket exists (the agent serves), the agent died, or
  // the deadline passed.
  absl::Status AwaitSocket(const std::string& path, pid_t pid, const std::string& name,
                           absl::Time deadline);

  std::string kind_;
  std::string dir_;
  std::vector<HostPair> pairs_;
  HostPair lwip_pair_;
  std::vector<std::string> warnings_;
  std::vector<pid_t> pids_;
  pid_t first_subject_pid_ = -1;  // the first pair's agents: their namespaces
  pid_t first_peer_pid_ = -1;     // take the companions
  std::string first_subject_address_, first_peer_address_;
};

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_LOCAL_TOPOLOGY_H_
