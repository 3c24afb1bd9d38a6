// The gvisor column's hosts: the Linux agent inside a runsc sandbox (real
// gVisor: the sentry and its netstack, on the ptrace platform), a Linux
// peer, and the wire between them, each in a network namespace of its own:
//
//   sandbox ns: rss (198.18.N.1), taken over by runsc's netstack
//   wire ns:    rws - bridge rsb - rwp, where a Linux agent (--wire_port)
//               captures on rwp and drops on the bridge's forward hook
//   peer ns:    rsp (198.18.N.2), the Linux peer agent
//
// The sandbox can neither capture (libpcap needs PACKET_MMAP, which
// gVisor's packet sockets lack) nor drop: a drop on its own veth's ingress
// comes after the packet socket netstack reads from, so it has no effect.
// On the bridge an outgoing drop never reaches the peer's side and an
// incoming one is seen there but never delivered, as with Linux's
// input/output hooks. docs/columns.md ("gVisor in a sandbox") says what
// the sandbox cannot do and how each gap is closed or said.
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "controller/hosts/local_processes.h"
#include "controller/hosts/local_topology.h"
#include "controller/cases/companion_key.h"

namespace closeprobe::controller {
namespace {

constexpr absl::Duration kRunscCallLimit = absl::Seconds(20);
// The agent's socket appeared 0.9 s after `runsc run` on an idle machine.
constexpr absl::Duration kSandboxStartWait = absl::Seconds(60);
constexpr absl::Duration kHostStartWait = absl::Seconds(10);
constexpr char kPlatform[] = "ptrace";  // kvm hangs silently without vmx

// runsc from 2022 takes any namespace that shows
// /proc/sys/net/core/rmem_default for the root one, which every namespace
// does on kernels from about 6.11 (google/gvisor#10704, fixed upstream in
// 2024). This hides /proc/sys/net from runsc alone, in a mount namespace of
// its own: a tmpfs over /proc/sys with every other entry bound back.
constexpr char kMaskProcSysNet[] =
    "set -e; keep=\"$1\"; shift; mkdir -p \"$keep\"; mount --bind /proc/sys "
    "\"$keep\"; "
    "mount -t tmpfs -o size=4k,mode=555 cprs-mask /proc/sys; "
    "for d in \"$keep\"/*; do b=$(basename \"$d\"); [ \"$b\" = net ] && "
    "continue; "
    "mkdir /proc/sys/\"$b\"; mount --bind \"$d\" /proc/sys/\"$b\"; done; "
    "umount \"$keep\"; rmdir \"$keep\"; exec \"$0\" \"$@\"";
constexpr char kRootNamespaceRefusal[] =
    "cannot run with network enabled in root network namespace";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

// Runs `args` to the end, or kills it after `limit`; its output is appended
// to `log`. Every runsc call goes through here: a hung runsc (as with
// --platform=kvm without vmx) must not hang the run.
absl::Status RunBounded(const std::vector<std::string>& args,
                        const std::string& log, absl::Duration limit) {
  absl::StatusOr<ProcessId> pid = SpawnChild(args, log);
  if (!pid.ok()) return pid.status();
  const absl::Time deadline = absl::Now() + limit;
  while (ChildAlive(*pid)) {
    if (absl::Now() > deadline) {
      KillChildren({*pid});
      StopChildren({*pid});
      return absl::DeadlineExceededError(
          absl::StrCat("'", absl::StrJoin(args, " "), "' did not end within ",
                       absl::FormatDuration(limit)));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::OkStatus();
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string JsonList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& i : items) quoted.push_back(JsonString(i));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

// The OCI bundle's config.json: the host's file system read-only (the agent
// and its libraries), the run's folder writable (its unix socket, which
// --host-uds lets the host see), and the prepared network namespace.
std::string BundleConfig(const std::vector<std::string>& args,
                         const std::string& dir, const std::string& netns) {
  const std::string caps =
      JsonList({"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL",
                "CAP_SETUID", "CAP_SETGID", "CAP_NET_BIND_SERVICE",
                "CAP_NET_RAW", "CAP_NET_ADMIN", "CAP_SYSLOG"});
  return absl::StrCat(
      "{\"ociVersion\": \"1.0.2\",\n"
      " \"process\": {\"terminal\": false, \"user\": {\"uid\": 0, \"gid\": "
      "0},\n"
      "  \"args\": ",
      JsonList(args),
      ",\n"
      "  \"env\": [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"], \"cwd\": \"/\",\n"
      "  \"capabilities\": {\"bounding\": ",
      caps, ", \"effective\": ", caps, ", \"permitted\": ", caps,
      "}},\n"
      " \"root\": {\"path\": \"/\", \"readonly\": true},\n"
      " \"hostname\": \"closeprobe-gvisor\",\n"
      " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", "
      "\"source\": \"proc\"},\n"
      "  {\"destination\": ",
      JsonString(dir), ", \"type\": \"bind\", \"source\": ", JsonString(dir),
      ", \"options\": [\"rbind\", \"rw\"]}],\n"
      " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, "
      "{\"type\": \"uts\"},\n"
      "  {\"type\": \"mount\"}, {\"type\": \"network\", \"path\": ",
      JsonString(netns), "}]}}\n");
}

}  // namespace

absl::Status LocalTopology::StartRunscPair(const std::string& runsc,
                                           const std::string& agent_binary,
                                           bool companions, HostPair* pair) {
  const std::string log = dir_ + "/runsc.log";
  // runsc's version, for Info and the report (the sentry says "Linux 4.4.0").
  const std::string version_log = dir_ + "/runsc-version.log";
  absl::Status s =
      RunBounded({runsc, "--version"}, version_log, kRunscCallLimit);
  const std::string said = ReadAll(version_log);
  constexpr absl::string_view kVersionPrefix = "runsc version ";
  if (!s.ok() || !absl::StartsWith(said, kVersionPrefix)) {
    return absl::NotFoundError(
        absl::StrCat("no usable runsc at '", runsc, "': ", said));
  }
  const std::string version(absl::StripAsciiWhitespace(said.substr(
      kVersionPrefix.size(), said.find('\n') - kVersionPrefix.size())));

  const int net = static_cast<int>((getpid() + 150) % 250) + 1;
  const std::string suffix = absl::StrCat(getpid() % 100000);
  const std::string sandbox_if = "rss" + suffix, peer_if = "rsp" + suffix;
  const std::string wire_sandbox_if = "rws" + suffix,
                    wire_peer_if = "rwp" + suffix;
  const std::string bridge = "rsb" + suffix;
  const std::string sandbox_address = absl::StrCat("198.18.", net, ".1");
  const std::string peer_address = absl::StrCat("198.18.", net, ".2");
  const std::string subject_socket = dir_ + "/runsc.sock";
  const std::string peer_socket = dir_ + "/runsc-peer.sock";
  const std::string wire_socket = dir_ + "/runsc-wire.sock";

  // Each namespace's shell waits for "go" (its veths are in place), sets
  // them up, then becomes its program.
  struct Host {
    std::string name, setup;
    std::vector<std::string> program;
    ProcessId pid = -1;
    int go = -1;
  };
  Host hosts[3] = {
      {"runsc-netns",
       absl::StrCat("ip addr add ", sandbox_address, "/24 dev ", sandbox_if,
                    " && ip link set ", sandbox_if, " up"),
       {"sleep", "infinity"}},
      {"runsc-wire",
       absl::StrCat("ip link add ", bridge, " type bridge && ip link set ",
                    wire_sandbox_if, " master ", bridge, " && ip link set ",
                    wire_peer_if, " master ", bridge, " && ip link set ",
                    wire_sandbox_if, " up && ip link set ", wire_peer_if,
                    " up && ip link set ", bridge, " up"),
       {agent_binary, "--listen", "unix:" + wire_socket, "--wire_port",
        wire_peer_if, "--allow_faults"}},
      {"runsc-peer",
       absl::StrCat("ip addr add ", peer_address, "/24 dev ", peer_if,
                    " && ip link set ", peer_if, " up"),
       {agent_binary, "--listen", "unix:" + peer_socket, "--test_address",
        peer_address, "--allow_faults"}},
  };
  for (Host& h : hosts) {
    absl::StatusOr<NamespaceHost> started =
        SpawnInNamespace(h.name, h.setup, h.program);
    if (!started.ok()) return started.status();
    h.pid = started->pid;
    h.go = started->go;
  }
  const absl::Time deadline = absl::Now() + kHostStartWait;
  for (Host& h : hosts) {
    s = AwaitNamespace(h.pid, h.name, deadline);
    if (!s.ok()) return s;
  }
  const std::string topology_log = dir_ + "/topology.log";
  const struct {
    std::string a, b;
    const Host *host_a, *host_b;
  } links[] = {{sandbox_if, wire_sandbox_if, &hosts[0], &hosts[1]},
               {peer_if, wire_peer_if, &hosts[2], &hosts[1]}};
  const auto ip = [&topology_log](const std::vector<std::string>& args) {
    std::vector<std::string> command = {"ip", "link"};
    command.insert(command.end(), args.begin(), args.end());
    return RunBounded(command, topology_log, kHostStartWait);
  };
  for (const auto& l : links) {
    if (s.ok()) s = ip({"add", l.a, "type", "veth", "peer", "name", l.b});
    if (s.ok()) s = ip({"set", l.a, "netns", absl::StrCat(l.host_a->pid)});
    if (s.ok()) s = ip({"set", l.b, "netns", absl::StrCat(l.host_b->pid)});
  }
  for (Host& h : hosts) {
    if (s.ok()) (void)!write(h.go, "go\n", 3);
    close(h.go);
  }
  if (!s.ok()) return s;
  for (const auto& [socket, host] : {std::make_pair(wire_socket, &hosts[1]),
                                     std::make_pair(peer_socket, &hosts[2])}) {
    s = AwaitSocket(socket, host->pid, host->name, deadline);
    if (!s.ok()) return s;
  }

  // The sandbox: one per run; its agent may change the sentry's settings.
  const std::string bundle = dir_ + "/runsc-bundle";
  const std::string state = dir_ + "/runsc-state";
  const std::string id = absl::StrCat("closeprobe-gvisor-", getpid());
  std::error_code ec;
  std::filesystem::create_directories(bundle, ec);
  std::filesystem::create_directories(state, ec);
  std::ofstream(bundle + "/config.json") << BundleConfig(
      {agent_binary, "--listen", "unix:" + subject_socket, "--test_address",
       sandbox_address, "--allow_settings", "--runsc_version", version,
       "--runsc_platform", kPlatform},
      dir_, absl::StrCat("/proc/", hosts[0].pid, "/ns/net"));
  // The mask's $0 is runsc, $1 where it keeps /proc/sys for a moment.
  const std::vector<std::string> run = {
      "unshare", "--mount", "--propagation", "private", "sh", "-c",
      kMaskProcSysNet, runsc, dir_ + "/proc-sys", "--root=" + state,
      "--network=sandbox", absl::StrCat("--platform=", kPlatform),
      // Real MSS-sized segments on the veth, not 64 KB ones with a
      // virtio-net header.
      "--gso=false", "--software-gso=false", "--host-uds=all",
      "--ignore-cgroups", "run", "--bundle", bundle, id};
  const absl::Time started = absl::Now();
  absl::StatusOr<ProcessId> sandbox = SpawnChild(run, log);
  if (!sandbox.ok()) return sandbox.status();
  pids_.push_back(*sandbox);
  // Stopped before the agents are: `runsc kill`, then always `runsc delete
  // --force` (a SIGTERM to `runsc run` alone leaves the container's state).
  const std::vector<std::string> runsc_state = {runsc, "--root=" + state};
  cleanups_.push_back([runsc_state, id, log, pid = *sandbox] {
    std::vector<std::string> kill = runsc_state, remove = runsc_state;
    kill.insert(kill.end(), {"kill", id, "TERM"});
    remove.insert(remove.end(), {"delete", "--force", id});
    if (RunBounded(kill, log, kRunscCallLimit).ok()) {
      const absl::Time deadline = absl::Now() + absl::Seconds(5);
      while (ChildAlive(pid) && absl::Now() < deadline)
        absl::SleepFor(absl::Milliseconds(10));
    }
    RunBounded(remove, log, kRunscCallLimit).IgnoreError();
  });
  s = AwaitSocket(subject_socket, *sandbox, "gvisor (runsc)",
                  absl::Now() + kSandboxStartWait);
  if (!s.ok()) {
    if (absl::StrContains(ReadAll(log), kRootNamespaceRefusal)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "runsc refused the sandbox's network namespace as the root one (\"",
          kRootNamespaceRefusal,
          "\"): this runsc takes /proc/sys/net/core/rmem_default for a sign of "
          "the root "
          "namespace, which kernels from about 6.11 show in every one "
          "(google/gvisor#10704); "
          "hiding /proc/sys/net from runsc did not get past it here"));
    }
    return s;
  }
  sandbox_start_seconds_ = absl::ToDoubleSeconds(absl::Now() - started);

  pair->subject_target = "unix:" + subject_socket;
  pair->peer_target = "unix:" + peer_socket;
  pair->wire_target = "unix:" + wire_socket;
  pair->emulation =
      absl::StrCat("gVisor (runsc ", version, "), platform ", kPlatform,
                   ": every system call of the agent is trapped by ptrace");
  if (companions)
    StartSandboxCompanions(runsc_state, id, agent_binary, sandbox_address, pair);
  return absl::OkStatus();
}

// Processes of their own in the sandbox (`runsc exec`), on its netstack: the
// companion placements. Without them such cases are not supported there, so
// a failure is a warning, not the end of the column.
void LocalTopology::StartSandboxCompanions(
    const std::vector<std::string>& runsc_state, const std::string& id,
    const std::string& agent_binary, const std::string& address, HostPair* pair) {
  const passwd* nobody = getpwnam("nobody");
  const std::string other_dir = dir_ + "/runsc-other-user";
  const bool other_ok =
      nobody != nullptr && chmod(dir_.c_str(), 0711) == 0 &&
      mkdir(other_dir.c_str(), 0700) == 0 &&
      chown(other_dir.c_str(), nobody->pw_uid, nobody->pw_gid) == 0;
  for (const bool other_user : {false, true}) {
    if (other_user && !other_ok) {
      warnings_.push_back(
          "gvisor: no other-user companion (no user nobody, or its folder)");
      continue;
    }
    const std::string name = other_user ? "runsc-other-user" : "runsc-own";
    const std::string socket =
        other_user ? other_dir + "/agent.sock" : dir_ + "/runsc-own.sock";
    std::vector<std::string> args = runsc_state;
    args.push_back("exec");
    if (other_user) {
      args.push_back(
          absl::StrCat("--user=", nobody->pw_uid, ":", nobody->pw_gid));
    }
    args.insert(args.end(), {id, agent_binary, "--listen", "unix:" + socket,
                             "--test_address", address});
    absl::StatusOr<ProcessId> started = StartAgent(name, args, socket);
    if (!started.ok()) {
      warnings_.push_back(absl::StrCat(
          "gvisor: no ", name, " companion: ", started.status().message()));
      continue;
    }
    pair->companions[CompanionKey(
        true, other_user ? v1::Placement::PROCESS_OTHER_USER
                         : v1::Placement::PROCESS_OWN)] = "unix:" + socket;
  }
}

}  // namespace closeprobe::controller
