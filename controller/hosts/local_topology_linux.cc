// The local topology's Linux hosts: network-namespace pairs joined by veth,
// companion agents, lwIP on a TAP device, and the QEMU guest; loopback
// otherwise (local_topology.cc).
#include "controller/hosts/local_topology.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "controller/hosts/local_processes.h"
#include "controller/cases/companion_key.h"

namespace closeprobe::controller {
namespace {

constexpr absl::Duration kStartWait = absl::Seconds(10);

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// Runs a command to completion; its output goes to `log`.
absl::Status RunCommand(std::vector<std::string> args, int log) {
  std::vector<char*> argv = Argv(args);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(log, 1);
    dup2(log, 2);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("'", absl::StrJoin(args, " "), "' failed"));
  }
  return absl::OkStatus();
}

std::string NetnsOf(ProcessId pid) {
  std::error_code ec;
  return std::filesystem::read_symlink(absl::StrCat("/proc/", pid, "/ns/net"), ec).string();
}

}  // namespace

bool LocalTopology::CanStartNamespaces() { return geteuid() == 0; }

int LocalTopology::LinkNet(int link) { return static_cast<int>((getpid() + link) % 250) + 1; }

absl::Status LocalTopology::StartHosts(const std::string& agent_binary,
                                       const TopologyOptions& options) {
  const bool root = geteuid() == 0;
  if (options.kind == TopologyKind::kNetns && !root) {
    return absl::PermissionDeniedError("--topology=netns needs root");
  }
  if (options.kind == TopologyKind::kLoopback || !root) return StartLoopback(agent_binary);
  kind_ = "netns";
  absl::Status s;
  for (int i = 0; i < options.pairs && s.ok(); ++i) s = StartNetnsPair(agent_binary, i);
  if (s.ok() && options.companions) {
    HostPair& first = pairs_.front();
    s = StartCompanions(agent_binary, "subject", first_subject_pid_, first_subject_address_, &first);
    if (s.ok()) {
      s = StartCompanions(agent_binary, "peer", first_peer_pid_, first_peer_address_, &first);
    }
  }
  if (s.ok()) pairs_.front().column = "linux";
  for (size_t i = 0; s.ok() && i < options.columns.size(); ++i) {
    columns_.emplace_back();
    columns_.back().column = options.columns[i].platform.name;
    s = StartColumn(options.columns[i], agent_binary, static_cast<int>(i), options.companions,
                    &columns_.back());
  }
  return s;
}

absl::Status LocalTopology::StartColumn(const LocalColumn& column,
                                        const std::string& agent_binary, int index,
                                        bool companions, HostPair* pair) {
  const Platform& p = column.platform;
  // Each column's link is a /24 of its own, away from the pairs' (0..49).
  const int link = 60 + 12 * index;
  const int net = LinkNet(link);
  switch (p.host) {
    case HostKind::kTapStack:
      return StartTapStackPair(p.name, p.tap_flag_prefix, column.program, column.flags,
                               agent_binary, net, pair);
    case HostKind::kRunscSandbox:
      return StartRunscPair(column.runsc, agent_binary, companions, pair);
    case HostKind::kQemuGuest:
      return StartGuestPair(p.name, column.guest_dir, agent_binary, net, pair);
    case HostKind::kExecutor:
      return StartExecutorPair(column, agent_binary, link, pair);
    case HostKind::kNamespacePair:
    case HostKind::kDocumented:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(p.name, " is not a column this topology starts"));
}

absl::Status LocalTopology::StartNetnsPair(const std::string& agent_binary, int index,
                                           const std::vector<std::string>& subject_command,
                                           HostPair* out) {
  // Each pair is a link of its own; the third octet varies by run and pair.
  const int net = LinkNet(index);
  const std::string suffix = absl::StrCat(getpid() % 100000, index == 0 ? "" : "_",
                                          index == 0 ? "" : absl::StrCat(index));
  struct Host {
    std::string name, ifname, address;
    ProcessId pid = -1;
    int go = -1;  // write end of the child's stdin: "go" once its veth is in place
  };
  const auto socket_of = [this](const Host& h) { return absl::StrCat(dir_, "/", h.name, ".sock"); };
  const std::string tag = index == 0 ? "" : absl::StrCat(index);
  Host hosts[2] = {{"subject" + tag, "cps" + suffix, absl::StrCat("198.18.", net, ".1")},
                   {"peer" + tag, "cpp" + suffix, absl::StrCat("198.18.", net, ".2")}};
  const int log = open((dir_ + "/topology.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  for (Host& h : hosts) {
    // The first host may run another program than the agent (an executor
    // column's proxy); its flags follow either way.
    std::vector<std::string> program =
        &h == &hosts[0] && !subject_command.empty() ? subject_command
                                                    : std::vector<std::string>{agent_binary};
    program.insert(program.end(), {"--listen", absl::StrCat("unix:", socket_of(h)),
                                   "--test_address", h.address, "--allow_faults",
                                   "--allow_settings"});
    absl::StatusOr<NamespaceHost> started = SpawnInNamespace(
        h.name,
        absl::StrCat("ip addr add ", h.address, "/24 dev ", h.ifname, " && ip link set ", h.ifname,
                     " up"),
        program);
    if (!started.ok()) return started.status();
    h.pid = started->pid;
    h.go = started->go;
  }
  const absl::Time deadline = absl::Now() + kStartWait;
  for (Host& h : hosts) {
    absl::Status s = AwaitNamespace(h.pid, h.name, deadline);
    if (!s.ok()) return s;
  }
  absl::Status s = RunCommand(
      {"ip", "link", "add", hosts[0].ifname, "type", "veth", "peer", "name", hosts[1].ifname},
      log);
  for (Host& h : hosts) {
    if (s.ok()) s = RunCommand({"ip", "link", "set", h.ifname, "netns", absl::StrCat(h.pid)}, log);
  }
  for (Host& h : hosts) {
    if (s.ok()) (void)!write(h.go, "go\n", 3);
    close(h.go);
  }
  close(log);
  if (!s.ok()) return s;
  // Connect only once the agents serve, so gRPC never starts in backoff.
  for (Host& h : hosts) {
    absl::Status started = AwaitSocket(socket_of(h), h.pid, h.name, deadline);
    if (!started.ok()) return started;
  }
  HostPair pair;
  pair.subject_target = absl::StrCat("unix:", socket_of(hosts[0]));
  pair.peer_target = absl::StrCat("unix:", socket_of(hosts[1]));
  if (out != nullptr) {
    out->subject_target = pair.subject_target;
    out->peer_target = pair.peer_target;
    return absl::OkStatus();
  }
  pairs_.push_back(pair);
  if (index == 0) {
    first_subject_pid_ = hosts[0].pid;
    first_peer_pid_ = hosts[1].pid;
    first_subject_address_ = hosts[0].address;
    first_peer_address_ = hosts[1].address;
  }
  return absl::OkStatus();
}

absl::StatusOr<LocalTopology::NamespaceHost> LocalTopology::SpawnInNamespace(
    const std::string& name, const std::string& setup, const std::vector<std::string>& program) {
  int fds[2];
  if (pipe(fds) != 0) return absl::InternalError("pipe failed");
  // The shell waits for "go", configures the namespace, then becomes the program.
  std::vector<std::string> args = {
      "unshare", "--net", "sh", "-c",
      absl::StrCat("read go || exit 1; ip link set lo up && ", setup,
                   " || exit 1; exec \"$0\" \"$@\"")};
  args.insert(args.end(), program.begin(), program.end());
  absl::StatusOr<ProcessId> pid = SpawnChild(args, absl::StrCat(dir_, "/", name, ".log"), fds[0]);
  close(fds[0]);
  if (!pid.ok()) {
    close(fds[1]);
    return pid.status();
  }
  pids_.push_back(*pid);
  return NamespaceHost{*pid, fds[1]};
}

absl::Status LocalTopology::AwaitNamespace(ProcessId pid, const std::string& name,
                                           absl::Time deadline) {
  const std::string own = NetnsOf(getpid());
  while (NetnsOf(pid) == own || NetnsOf(pid).empty()) {
    if (absl::Now() > deadline || !ChildAlive(pid)) {
      return absl::UnavailableError(
          absl::StrCat("the ", name, " host did not get a network namespace"));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::OkStatus();
}

absl::Status LocalTopology::StartCompanions(const std::string& agent_binary,
                                            const std::string& side, ProcessId host_pid,
                                            const std::string& address, HostPair* pair) {
  const passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr) return absl::NotFoundError("no user 'nobody' for other-user agents");
  // The other user's agent makes its socket in a folder of its own; the
  // run's folder lets it through (0711) without letting it list anything.
  const std::string other_dir = absl::StrCat(dir_, "/", side, "-other-user");
  if (chmod(dir_.c_str(), 0711) != 0 || mkdir(other_dir.c_str(), 0700) != 0 ||
      chown(other_dir.c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
    return absl::InternalError(absl::StrCat("cannot prepare ", other_dir, " for user nobody"));
  }
  for (const bool other_user : {false, true}) {
    const std::string name = absl::StrCat(side, other_user ? "-other-user" : "-own");
    const std::string socket = other_user ? other_dir + "/agent.sock"
                                          : absl::StrCat(dir_, "/", name, ".sock");
    std::vector<std::string> args = {"nsenter", absl::StrCat("--net=/proc/", host_pid, "/ns/net")};
    if (other_user) {
      // Changing the user clears the parent-death signal; setpriv sets it again.
      args.insert(args.end(), {"setpriv", absl::StrCat("--reuid=", nobody->pw_uid),
                               absl::StrCat("--regid=", nobody->pw_gid), "--clear-groups",
                               "--pdeathsig=TERM"});
    }
    args.insert(args.end(), {agent_binary, "--listen", "unix:" + socket, "--test_address", address});
    absl::StatusOr<ProcessId> started = StartAgent(name, args, socket);
    if (!started.ok()) return started.status();
    pair->companions[CompanionKey(side == "subject", other_user
                                                         ? v1::Placement::PROCESS_OTHER_USER
                                                         : v1::Placement::PROCESS_OWN)] =
        "unix:" + socket;
  }
  return absl::OkStatus();
}

absl::StatusOr<ProcessId> LocalTopology::StartAgent(const std::string& name,
                                               const std::vector<std::string>& args,
                                               const std::string& socket) {
  absl::StatusOr<ProcessId> pid = SpawnChild(args, absl::StrCat(dir_, "/", name, ".log"));
  if (!pid.ok()) return pid.status();
  pids_.push_back(*pid);
  absl::Status s = AwaitSocket(socket, *pid, name, absl::Now() + kStartWait);
  if (!s.ok()) return s;
  return *pid;
}

absl::Status LocalTopology::AwaitSocket(const std::string& path, ProcessId pid,
                                        const std::string& name, absl::Time deadline) {
  while (access(path.c_str(), F_OK) != 0) {
    if (absl::Now() > deadline || !ChildAlive(pid)) {
      return absl::UnavailableError(absl::StrCat("the ", name, " agent did not start"));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::OkStatus();
}

absl::Status LocalTopology::StartTapStackPair(const std::string& name,
                                              const std::string& flag_prefix,
                                              const std::string& binary,
                                              const std::vector<std::string>& extra_args,
                                              const std::string& agent_binary, int net,
                                              HostPair* pair) {
  if (access(binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(name, " agent ", binary, " not found"));
  }
  const std::string tap = absl::StrCat("cpt", net, "p", getpid() % 100000);
  const std::string& prefix = flag_prefix;
  const std::string stack_address = absl::StrCat("198.18.", net, ".1");
  const std::string kernel_address = absl::StrCat("198.18.", net, ".2");
  const std::string stack_socket = absl::StrCat(dir_, "/", name, ".sock");
  const std::string peer_socket = absl::StrCat(dir_, "/", name, "-peer.sock");
  // The namespace's shell makes the TAP device, then becomes the stack's agent.
  const std::string script = absl::StrCat(
      "ip link set lo up && ip tuntap add dev ", tap, " mode tap && ip addr add ",
      kernel_address, "/24 dev ", tap, " && ip link set ", tap,
      " up || exit 1; exec \"$0\" \"$@\"");
  std::vector<std::string> args = {
      "unshare", "--net", "sh", "-c", script, binary, "--listen", "unix:" + stack_socket,
      "--test_address", stack_address, absl::StrCat("--", prefix, "_tap=", tap),
      absl::StrCat("--", prefix, "_address=", stack_address),
      absl::StrCat("--", prefix, "_gateway=", kernel_address), "--allow_faults"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  absl::StatusOr<ProcessId> stack = StartAgent(name, args, stack_socket);
  if (!stack.ok()) return stack.status();
  // The Linux peer joins the same namespace, on the kernel side of the TAP.
  absl::StatusOr<ProcessId> peer = StartAgent(
      name + "-peer",
      {"nsenter", absl::StrCat("--net=/proc/", *stack, "/ns/net"), agent_binary, "--listen",
       "unix:" + peer_socket, "--test_address", kernel_address, "--allow_faults"},
      peer_socket);
  if (!peer.ok()) return peer.status();
  pair->subject_target = "unix:" + stack_socket;
  pair->peer_target = "unix:" + peer_socket;
  return absl::OkStatus();
}

absl::Status LocalTopology::StartGuestPair(const std::string& column, const std::string& guest_dir,
                                           const std::string& agent_binary, int net,
                                           HostPair* pair) {
  std::ifstream release_file(guest_dir + "/release");
  std::string release;
  if (!(release_file >> release)) {
    return absl::NotFoundError(absl::StrCat("no guest in ", guest_dir, " (scripts/build_linux_guest.sh)"));
  }
  // The column says which kernel it is: the guest must be that one.
  const std::string version = column.substr(column.find('-') + 1);
  if (release != version && !absl::StartsWith(release, version + ".")) {
    return absl::FailedPreconditionError(absl::StrCat("the guest in ", guest_dir, " runs Linux ",
                                                      release, ", not ", column));
  }
  const std::string suffix = absl::StrCat(getpid() % 100000);
  const std::string test_tap = "cgt" + suffix, control_tap = "cgc" + suffix;
  const std::string guest_address = absl::StrCat("198.18.", net, ".1");
  const std::string peer_address = absl::StrCat("198.18.", net, ".2");
  // The controller's link: a /30 of its own, private to this namespace.
  constexpr char kGuestControl[] = "198.18.254.1";
  constexpr char kHostControl[] = "198.18.254.2";
  const std::string peer_socket = absl::StrCat(dir_, "/", column, "-peer.sock");
  const std::string guest_socket = absl::StrCat(dir_, "/", column, ".sock");
  // The namespace's shell makes both TAP devices, then becomes the Linux peer.
  const std::string script = absl::StrCat(
      "ip link set lo up && ip tuntap add dev ", test_tap, " mode tap && ip addr add ",
      peer_address, "/24 dev ", test_tap, " && ip link set ", test_tap, " up && ip tuntap add dev ",
      control_tap, " mode tap && ip addr add ", kHostControl, "/30 dev ", control_tap,
      " && ip link set ", control_tap, " up || exit 1; exec \"$0\" \"$@\"");
  absl::StatusOr<ProcessId> peer = StartAgent(
      column + "-peer",
      {"unshare", "--net", "sh", "-c", script, agent_binary, "--listen", "unix:" + peer_socket,
       "--test_address", peer_address, "--allow_faults"},
      peer_socket);
  if (!peer.ok()) return peer.status();
  const std::string netns = absl::StrCat("--net=/proc/", *peer, "/ns/net");
  // 2 GiB: the TIME_WAIT and orphan limits the kernel sizes from memory are a
  // small server's, not a toy's. One vCPU leaves the other core to the rest.
  const std::string console = absl::StrCat(dir_, "/", column, "-console.log");
  absl::StatusOr<ProcessId> qemu = SpawnChild(
      {"nsenter", netns, "qemu-system-x86_64", "-nodefaults", "-nographic", "-no-reboot",
       "-m", "2048", "-smp", "1", "-kernel", guest_dir + "/vmlinuz", "-initrd",
       guest_dir + "/initramfs.cpio.gz", "-append",
       absl::StrCat("console=ttyS0 panic=-1 quiet closeprobe.test=", guest_address,
                    "/24 closeprobe.control=", kGuestControl, "/30"),
       "-netdev", absl::StrCat("tap,id=test,ifname=", test_tap, ",script=no,downscript=no"),
       "-device", "e1000,netdev=test,mac=52:54:00:cb:00:01,romfile=",
       "-netdev", absl::StrCat("tap,id=control,ifname=", control_tap, ",script=no,downscript=no"),
       "-device", "e1000,netdev=control,mac=52:54:00:cb:00:02,romfile=",
       "-serial", "file:" + console},
      absl::StrCat(dir_, "/", column, "-qemu.log"));
  if (!qemu.ok()) return qemu.status();
  pids_.push_back(*qemu);
  // The guest's init says "ready" once its agent serves (about 10 s of boot
  // under emulation, more on a busy machine).
  const absl::Time deadline = absl::Now() + absl::Seconds(180);
  while (true) {
    std::ifstream in(console);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("closeprobe-guest: ready") != std::string::npos) break;
    if (absl::Now() > deadline || !ChildAlive(*qemu)) {
      return absl::UnavailableError(absl::StrCat("the ", column, " guest did not start"));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  // The controller reaches the guest's agents through unix sockets here,
  // forwarded over the control link: the agent, then its companions.
  const struct {
    std::string name;
    int port;
    std::string companion;  // role_binder.h's CompanionKey, "" for the agent
  } forwards[] = {
      {column, 7100, ""},
      {column + "-own", 7101, CompanionKey(true, v1::Placement::PROCESS_OWN)},
      {column + "-other-user", 7102, CompanionKey(true, v1::Placement::PROCESS_OTHER_USER)}};
  for (const auto& f : forwards) {
    const std::string socket = absl::StrCat(dir_, "/", f.name, ".sock");
    absl::StatusOr<ProcessId> forward = StartAgent(
        f.name + "-forward",
        {"nsenter", netns, "socat", absl::StrCat("UNIX-LISTEN:", socket, ",fork"),
         absl::StrCat("TCP:", kGuestControl, ":", f.port)},
        socket);
    if (!forward.ok()) return forward.status();
    if (!f.companion.empty()) pair->companions[f.companion] = "unix:" + socket;
  }
  pair->subject_target = "unix:" + guest_socket;
  pair->peer_target = "unix:" + peer_socket;
  pair->emulation = "QEMU, software emulation (TCG), 1 vCPU, 2 GiB";
  return absl::OkStatus();
}
}  // namespace closeprobe::controller
