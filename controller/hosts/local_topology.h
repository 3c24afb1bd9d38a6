// LocalTopology: the agents `closeprobe run` starts by itself when no
// --agent is given: a subject host and a reference-peer host.
//
//   netns (as root): each agent in a network namespace of its own, joined by
//     a veth pair, addresses 198.18.N.1 (subject) and 198.18.N.2 (peer). The
//     controller reaches the agents over unix sockets. The namespaces belong
//     to the agent processes (unshare --net), so they vanish with them, and
//     the agents die with the controller (PR_SET_PDEATHSIG): nothing is left
//     behind even if the controller is killed.
//   runsc (netns only, when asked): the Linux agent in a gVisor sandbox, with
//     a Linux peer and a wire namespace between them whose agent captures
//     and drops for the sandbox (runsc_host_linux.cc); the sandbox is
//     stopped with `runsc kill` and `runsc delete --force` before the agents.
//   guest (netns only, when asked): a Linux kernel of another version under
//     QEMU (software emulation), in a namespace whose TAP devices carry its
//     test link (to a Linux peer agent there) and the controller's link.
//   loopback (otherwise, and always on Windows): both agents on 127.0.0.1,
//     one stack; a warning says that loopback changes some results.
//
// Ownership: the LocalTopology owns the agent processes; destroying it stops
// them (local_processes.h's StopChildren) and removes its temporary folder.
// Start() forks on Linux, so call it before any other thread exists.
#ifndef CLOSEPROBE_CONTROLLER_LOCAL_TOPOLOGY_H_
#define CLOSEPROBE_CONTROLLER_LOCAL_TOPOLOGY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/cases/platforms.h"
#include "controller/hosts/local_processes.h"

namespace closeprobe::controller {

enum class TopologyKind { kAuto, kNetns, kLoopback };

// A subject host and its reference peer: the agents' gRPC targets.
struct HostPair {
  std::string subject_target;
  std::string peer_target;
  // Agents in processes of their own on the same hosts (role_binder.h's
  // CompanionKey -> target): the first pair's, when asked for.
  std::map<std::string, std::string> companions;
  // The matrix column, as the user named it ("linux-6.1"); "" for the
  // settings rows' pairs and loopback (the agent's platform names it).
  std::string column;
  // An agent on the wire between subject and peer that captures and drops
  // for the subject, which cannot itself (a sandbox); "" = the subject does.
  std::string wire_target;
  // How the subject's host runs when it is emulated, for the report.
  std::string emulation;
};

// One column the topology starts beside the namespace pairs: its row of the
// platform table (controller/cases/platforms.h) and what this machine runs
// for it (local_columns.h finds them).
struct LocalColumn {
  Platform platform;
  std::string program;             // the stack's agent, or the executor proxy
  std::vector<std::string> flags;  // more flags for `program`
  std::string executor;            // kExecutor: the proxy's --executor ("qemu:FILE", "spawn:PROGRAM")
  std::string runsc;               // kRunscSandbox: runsc
  std::string guest_dir;           // kQemuGuest: vmlinuz, initramfs.cpio.gz, release
};

struct TopologyOptions {
  TopologyKind kind = TopologyKind::kAuto;
  // Host pairs (netns); loopback has one (one stack cannot be split).
  int pairs = 1;
  // (netns only) The first pair's hosts (and the sandbox's) each get two more
  // agents: one of their own, and one running as the user nobody.
  bool companions = false;
  // (netns only) The other columns, in the user's order.
  std::vector<LocalColumn> columns;
};

class LocalTopology {
 public:
  // Starts the agents; they may inject faults and change settings.
  static absl::StatusOr<std::unique_ptr<LocalTopology>> Start(const std::string& agent_binary,
                                                              const TopologyOptions& options);
  ~LocalTopology();
  // Whether this host can start hosts in network namespaces (the netns
  // pairs, lwIP, the guest): Linux, as root.
  static bool CanStartNamespaces();

  const std::string& kind() const { return kind_; }          // "netns" or "loopback"
  const std::vector<HostPair>& pairs() const { return pairs_; }
  // The columns' hosts, in options' order, each named by its platform row.
  const std::vector<HostPair>& columns() const { return columns_; }
  // How long the runsc sandbox took from `runsc run` until its agent served.
  double sandbox_start_seconds() const { return sandbox_start_seconds_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::vector<ProcessId>& agent_pids() const { return pids_; }
  // For a controller about to exit on a signal: kills the agents and removes
  // the temporary folder at once, without waiting.
  void Abandon() const;
  // The agents' own logs, for error messages when one fails to answer.
  std::string AgentLogs() const;

 private:
  LocalTopology() = default;
  // The hosts `options` asks for, on this platform (one file per platform).
  absl::Status StartHosts(const std::string& agent_binary, const TopologyOptions& options);
  // A subject and a peer namespace joined by veth. `subject_command` (the
  // subject's program and first arguments) replaces agent_binary for the
  // subject, and `out` receives the pair instead of pairs(), when given.
  absl::Status StartNetnsPair(const std::string& agent_binary, int index,
                              const std::vector<std::string>& subject_command = {},
                              HostPair* out = nullptr);
  // The third octet of link number `link` (198.18.N.0/24), which varies by run.
  static int LinkNet(int link);
  // One column of options.columns, the `index`th (its links' addresses).
  absl::Status StartColumn(const LocalColumn& column, const std::string& agent_binary, int index,
                           bool companions, HostPair* pair);
  // An executor column (local_topology_executor_linux.cc).
  absl::Status StartExecutorPair(const LocalColumn& column, const std::string& agent_binary,
                                 int link, HostPair* pair);
  absl::Status StartLoopback(const std::string& agent_binary);
  // A stack in the agent's own process (lwIP, gVisor) on a TAP device in a
  // namespace of its own, with a Linux peer agent on the kernel side. `name`
  // names its logs and sockets; `flag_prefix` prefixes the stack agent's
  // flags (--lwip_tap, --gvisor_tap...); `net` is the link's third octet.
  absl::Status StartTapStackPair(const std::string& name, const std::string& flag_prefix,
                                 const std::string& binary,
                                 const std::vector<std::string>& extra_args,
                                 const std::string& agent_binary, int net, HostPair* pair);
  absl::Status StartGuestPair(const std::string& name, const std::string& guest_dir,
                              const std::string& agent_binary, int net, HostPair* pair);
  // A program in a network namespace of its own: its shell waits for a line
  // on `go` (write it once the namespace's links are in place), runs the
  // shell command `setup` there, then becomes `program`.
  struct NamespaceHost {
    ProcessId pid = -1;
    int go = -1;  // the caller writes "go\n" and closes it
  };
  absl::StatusOr<NamespaceHost> SpawnInNamespace(const std::string& name, const std::string& setup,
                                                 const std::vector<std::string>& program);
  // Waits until `pid` is in a network namespace other than the controller's.
  absl::Status AwaitNamespace(ProcessId pid, const std::string& name, absl::Time deadline);
  absl::Status StartRunscPair(const std::string& runsc, const std::string& agent_binary,
                              bool companions, HostPair* pair);
  void StartSandboxCompanions(const std::vector<std::string>& runsc_state, const std::string& id,
                              const std::string& agent_binary, const std::string& address,
                              HostPair* pair);
  // The companions of the host whose agent is `host_pid` (`side`: "subject"
  // or "peer"), added to `pair`.
  absl::Status StartCompanions(const std::string& agent_binary, const std::string& side,
                               ProcessId host_pid, const std::string& address, HostPair* pair);
  // Starts an agent (`args`, its output to DIR/NAME.log) and waits until it
  // serves on the unix socket `socket`; returns its pid.
  absl::StatusOr<ProcessId> StartAgent(const std::string& name, const std::vector<std::string>& args,
                                   const std::string& socket);
  // Waits until a unix socket exists (the agent serves), the agent died, or
  // the deadline passed.
  absl::Status AwaitSocket(const std::string& path, ProcessId pid, const std::string& name,
                           absl::Time deadline);

  std::string kind_;
  std::string dir_;
  std::vector<HostPair> pairs_;
  std::vector<HostPair> columns_;
  double sandbox_start_seconds_ = 0;
  std::vector<std::string> warnings_;
  std::vector<ProcessId> pids_;
  // Run before the agents are stopped, also when abandoned (a sandbox's
  // `runsc kill` and `runsc delete`).
  std::vector<std::function<void()>> cleanups_;
  ProcessId first_subject_pid_ = -1;  // the first pair's agents: their namespaces
  ProcessId first_peer_pid_ = -1;    // take the companions
  std::string first_subject_address_, first_peer_address_;
};

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_LOCAL_TOPOLOGY_H_
