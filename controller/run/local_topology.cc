#include "controller/run/local_topology.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "controller/run/role_binder.h"

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

// Starts a child that dies with this process; its stdin is `in` (or
// /dev/null), its output goes to `log`.
pid_t Spawn(std::vector<std::string> args, int in, int log) {
  std::vector<char*> argv = Argv(args);
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    sigset_t none;  // the controller blocks SIGINT/SIGTERM for its signal thread
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (in < 0) in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(log, 1);
    dup2(log, 2);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

std::string NetnsOf(pid_t pid) {
  std::error_code ec;
  return std::filesystem::read_symlink(absl::StrCat("/proc/", pid, "/ns/net"), ec).string();
}

bool Alive(pid_t pid) { return waitpid(pid, nullptr, WNOHANG) == 0; }

}  // namespace

absl::StatusOr<std::unique_ptr<LocalTopology>> LocalTopology::Start(
    const std::string& agent_binary, const TopologyOptions& options) {
  const TopologyKind kind = options.kind;
  if (access(agent_binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("agent binary ", agent_binary,
                                            " not found (set --agent-binary)"));
  }
  std::unique_ptr<LocalTopology> t(new LocalTopology());
  char dir[] = "/tmp/closeprobe.XXXXXX";
  if (mkdtemp(dir) == nullptr) return absl::InternalError("mkdtemp failed");
  t->dir_ = dir;
  const bool root = geteuid() == 0;
  if (kind == TopologyKind::kNetns && !root) {
    return absl::PermissionDeniedError("--topology=netns needs root");
  }
  absl::Status s;
  if (kind == TopologyKind::kLoopback || !root) {
    s = t->StartLoopback(agent_binary);
  } else {
    t->kind_ = "netns";
    for (int i = 0; i < options.pairs && s.ok(); ++i) s = t->StartNetnsPair(agent_binary, i);
    if (s.ok() && options.companions) {
      HostPair& first = t->pairs_.front();
      s = t->StartCompanions(agent_binary, "subject", t->first_subject_pid_,
                             t->first_subject_address_, &first);
      if (s.ok()) {
        s = t->StartCompanions(agent_binary, "peer", t->first_peer_pid_, t->first_peer_address_,
                               &first);
      }
    }
    if (s.ok() && !options.lwip_binary.empty()) {
      s = t->StartLwipPair(options.lwip_binary, agent_binary, options.lwip_fast_forward);
    }
  }
  if (!s.ok()) {
    return absl::Status(s.code(), absl::StrCat(s.message(), " (agent logs in ", t->dir_, ")"));
  }
  return t;
}

absl::Status LocalTopology::StartNetnsPair(const std::string& agent_binary, int index) {
  // Each pair is a link of its own; the third octet varies by run and pair.
  const int net = static_cast<int>((getpid() + index) % 250) + 1;
  const std::string suffix = absl::StrCat(getpid() % 100000, index == 0 ? "" : "_",
                                          index == 0 ? "" : absl::StrCat(index));
  struct Host {
    std::string name, ifname, address;
    pid_t pid = -1;
    int go = -1;  // write end of the child's stdin: "go" once its veth is in place
  };
  const auto socket_of = [this](const Host& h) { return absl::StrCat(dir_, "/", h.name, ".sock"); };
  const std::string tag = index == 0 ? "" : absl::StrCat(index);
  Host hosts[2] = {{"subject" + tag, "cps" + suffix, absl::StrCat("198.18.", net, ".1")},
                   {"peer" + tag, "cpp" + suffix, absl::StrCat("198.18.", net, ".2")}};
  const int log = open((dir_ + "/topology.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  for (Host& h : hosts) {
    int fds[2];
    if (pipe(fds) != 0) return absl::InternalError("pipe failed");
    const int agent_log = open((dir_ + "/" + h.name + ".log").c_str(),
                               O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // The shell waits for "go", configures the namespace, then becomes the agent.
    const std::string script = absl::StrCat(
        "read go || exit 1; ip link set lo up && ip addr add ", h.address, "/24 dev ",
        h.ifname, " && ip link set ", h.ifname, " up || exit 1; exec \"$0\" \"$@\"");
    h.pid = Spawn({"unshare", "--net", "sh", "-c", script, agent_binary, "--listen",
                   absl::StrCat("unix:", socket_of(h)), "--test_address", h.address,
                   "--allow_faults", "--allow_settings"},
                  fds[0], agent_log);
    close(fds[0]);
    close(agent_log);
    h.go = fds[1];
    pids_.push_back(h.pid);
  }
  const std::string own = NetnsOf(getpid());
  const absl::Time deadline = absl::Now() + kStartWait;
  for (Host& h : hosts) {
    while (NetnsOf(h.pid) == own || NetnsOf(h.pid).empty()) {
      if (absl::Now() > deadline || !Alive(h.pid)) {
        return absl::UnavailableError(
            absl::StrCat("the ", h.name, " host did not get a network namespace"));
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
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
  pairs_.push_back(HostPair{absl::StrCat("unix:", socket_of(hosts[0])),
                            absl::StrCat("unix:", socket_of(hosts[1]))});
  if (index == 0) {
    first_subject_pid_ = hosts[0].pid;
    first_peer_pid_ = hosts[1].pid;
    first_subject_address_ = hosts[0].address;
    first_peer_address_ = hosts[1].address;
  }
  return absl::OkStatus();
}

absl::Status LocalTopology::StartCompanions(const std::string& agent_binary,
                                            const std::string& side, pid_t host_pid,
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
    absl::StatusOr<pid_t> started = StartAgent(name, args, socket);
    if (!started.ok()) return started.status();
    pair->companions[CompanionKey(side == "subject", other_user
                                                         ? v1::Placement::PROCESS_OTHER_USER
                                                         : v1::Placement::PROCESS_OWN)] =
        "unix:" + socket;
  }
  return absl::OkStatus();
}

absl::Status LocalTopology::StartLoopback(const std::string& agent_binary) {
  kind_ = "loopback";
  warnings_.push_back(
      "agents run on loopback (not root): both roles share one stack, and some results "
      "differ from a real link (e.g. Linux tcp_tw_reuse=2 applies to loopback only)");
  HostPair pair;
  std::string* targets[2] = {&pair.subject_target, &pair.peer_target};
  const char* names[2] = {"subject", "peer"};
  for (int i = 0; i < 2; ++i) {
    const std::string port_file = absl::StrCat(dir_, "/", names[i], ".port");
    const int agent_log = open((dir_ + "/" + names[i] + ".log").c_str(),
                               O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // Faults are limited to a case's ports; settings would change the whole
    // machine's stack here, so they stay off.
    const pid_t pid = Spawn({agent_binary, "--listen", "127.0.0.1:0", "--port_file", port_file,
                             "--allow_faults"},
                            -1, agent_log);
    close(agent_log);
    pids_.push_back(pid);
    const absl::Time deadline = absl::Now() + kStartWait;
    int port = 0;
    while (port == 0) {
      std::ifstream in(port_file);
      if (!(in >> port)) port = 0;
      if (port == 0 && (absl::Now() > deadline || !Alive(pid))) {
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
  for (pid_t pid : pids_) kill(pid, SIGKILL);
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

absl::StatusOr<pid_t> LocalTopology::StartAgent(const std::string& name,
                                               const std::vector<std::string>& args,
                                               const std::string& socket) {
  const int log = open((dir_ + "/" + name + ".log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const pid_t pid = Spawn(args, -1, log);
  close(log);
  pids_.push_back(pid);
  absl::Status s = AwaitSocket(socket, pid, name, absl::Now() + kStartWait);
  if (!s.ok()) return s;
  return pid;
}

absl::Status LocalTopology::AwaitSocket(const std::string& path, pid_t pid,
                                        const std::string& name, absl::Time deadline) {
  while (access(path.c_str(), F_OK) != 0) {
    if (absl::Now() > deadline || !Alive(pid)) {
      return absl::UnavailableError(absl::StrCat("the ", name, " agent did not start"));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::OkStatus();
}

absl::Status LocalTopology::StartLwipPair(const std::string& lwip_binary,
                                          const std::string& agent_binary, bool fast_forward) {
  if (access(lwip_binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("lwIP agent ", lwip_binary, " not found"));
  }
  const int net = static_cast<int>((getpid() + 125) % 250) + 1;
  const std::string tap = absl::StrCat("cpt", getpid() % 100000);
  const std::string lwip_address = absl::StrCat("198.18.", net, ".1");
  const std::string kernel_address = absl::StrCat("198.18.", net, ".2");
  const std::string lwip_socket = absl::StrCat(dir_, "/lwip.sock");
  const std::string peer_socket = absl::StrCat(dir_, "/lwip-peer.sock");
  // The namespace's shell makes the TAP device, then becomes the lwIP agent.
  const std::string script = absl::StrCat(
      "ip link set lo up && ip tuntap add dev ", tap, " mode tap && ip addr add ",
      kernel_address, "/24 dev ", tap, " && ip link set ", tap,
      " up || exit 1; exec \"$0\" \"$@\"");
  absl::StatusOr<pid_t> lwip = StartAgent(
      "lwip",
      {"unshare", "--net", "sh", "-c", script, lwip_binary, "--listen", "unix:" + lwip_socket,
       "--test_address", lwip_address, "--lwip_tap", tap, "--lwip_address", lwip_address,
       "--lwip_gateway", kernel_address, "--allow_faults",
       absl::StrCat("--lwip_fast_forward=", fast_forward ? "true" : "false")},
      lwip_socket);
  if (!lwip.ok()) return lwip.status();
  // The Linux peer joins the same namespace, on the kernel side of the TAP.
  absl::StatusOr<pid_t> peer = StartAgent(
      "lwip-peer",
      {"nsenter", absl::StrCat("--net=/proc/", *lwip, "/ns/net"), agent_binary, "--listen",
       "unix:" + peer_socket, "--test_address", kernel_address, "--allow_faults"},
      peer_socket);
  if (!peer.ok()) return peer.status();
  lwip_pair_ = HostPair{"unix:" + lwip_socket, "unix:" + peer_socket};
  return absl::OkStatus();
}

std::string LocalTopology::AgentLogs() const {
  std::string logs;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() != ".log") continue;
    const std::string name = entry.path().stem().string();
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) absl::StrAppend(&logs, "\n  ", name, ": ", line);
  }
  return logs;
}

LocalTopology::~LocalTopology() {
  for (pid_t pid : pids_) kill(pid, SIGTERM);
  const absl::Time deadline = absl::Now() + absl::Seconds(3);
  for (pid_t pid : pids_) {
    while (waitpid(pid, nullptr, WNOHANG) == 0) {
      if (absl::Now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

}  // namespace closeprobe::controller
