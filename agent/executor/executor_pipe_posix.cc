// Executor pipes and the QEMU board on POSIX hosts (see executor_pipe.h).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/executor/executor_pipe.h"

namespace closeprobe::agent {
namespace {

absl::StatusOr<int> ConnectOnce(const std::string& target) {
  if (absl::StartsWith(target, "unix:")) {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    const std::string path = target.substr(5);
    if (path.size() >= sizeof(un.sun_path)) return absl::InvalidArgumentError("path too long");
    std::strcpy(un.sun_path, path.c_str());
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&un), sizeof(un)) == 0) return fd;
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to ", target, ": ",
                                               std::strerror(errno)));
  }
  const std::string hostport = target.substr(4);
  const size_t colon = hostport.rfind(':');
  int port = 0;
  sockaddr_in in{};
  in.sin_family = AF_INET;
  if (colon == std::string::npos || !absl::SimpleAtoi(hostport.substr(colon + 1), &port) ||
      inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &in.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("not tcp:IPV4:PORT: ", target));
  }
  in.sin_port = htons(static_cast<uint16_t>(port));
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&in), sizeof(in)) == 0) return fd;
  close(fd);
  return absl::UnavailableError(absl::StrCat("cannot connect to ", target, ": ",
                                             std::strerror(errno)));
}

absl::StatusOr<int> OpenSerial(const std::string& device) {
  const int fd = open(device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot open ", device, ": ", std::strerror(errno)));
  }
  termios t{};
  if (tcgetattr(fd, &t) == 0) {  // a pty or a real line: raw bytes, 115200 8N1
    cfmakeraw(&t);
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    tcsetattr(fd, TCSANOW, &t);
  }
  return fd;
}

}  // namespace

absl::StatusOr<int> OpenExecutorPipe(const std::string& target, absl::Duration wait) {
  if (absl::StartsWith(target, "serial:")) return OpenSerial(target.substr(7));
  if (!absl::StartsWith(target, "unix:") && !absl::StartsWith(target, "tcp:")) {
    return absl::InvalidArgumentError(
        absl::StrCat("executor target must be unix:PATH, tcp:HOST:PORT or serial:DEVICE, not ",
                     target));
  }
  const absl::Time deadline = absl::Now() + wait;
  for (;;) {
    absl::StatusOr<int> fd = ConnectOnce(target);
    if (fd.ok() || fd.status().code() == absl::StatusCode::kInvalidArgument ||
        absl::Now() > deadline) {
      return fd;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

namespace {

// Stops a child this process started: TERM, then KILL after 5 s.
void StopChild(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  int status;
  for (int i = 0; i < 500 && waitpid(pid, &status, WNOHANG) == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  if (waitpid(pid, &status, WNOHANG) == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
}

// Forks a child that dies with this process (0 in the child).
pid_t ForkChild() {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the agent
    if (getppid() != parent) _exit(1);
  }
  return pid;
}

void Exec(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

}  // namespace

LocalExecutor::~LocalExecutor() { StopChild(pid_); }

absl::StatusOr<int> LocalExecutor::Start(const std::string& path) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    return absl::InternalError("socketpair failed");
  }
  pid_ = ForkChild();
  if (pid_ < 0) return absl::InternalError("fork failed");
  if (pid_ == 0) {
    dup2(pair[1], 0);
    dup2(pair[1], 1);
    Exec({path});
  }
  close(pair[1]);
  return pair[0];
}

QemuBoard::~QemuBoard() {
  StopChild(pid_);
  if (!dir_.empty()) {
    unlink((dir_ + "/uart0.sock").c_str());
    unlink((dir_ + "/uart1.log").c_str());
    rmdir(dir_.c_str());
  }
}

absl::StatusOr<std::string> QemuBoard::Start(const std::string& image, const std::string& tap,
                                             const std::string& mac) {
  if (access(image.c_str(), R_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("no firmware image ", image));
  }
  char dir[] = "/tmp/closeprobe-board-XXXXXX";
  if (mkdtemp(dir) == nullptr) return absl::InternalError("mkdtemp failed");
  dir_ = dir;
  const std::string ctl = dir_ + "/uart0.sock";
  std::vector<std::string> argv = {
      "qemu-system-arm", "-M", "mps2-an385", "-display", "none", "-monitor", "none",
      "-kernel", image, "-chardev", "socket,id=ctl,path=" + ctl + ",server=on,wait=off",
      "-serial", "chardev:ctl", "-chardev", "file,id=log,path=" + dir_ + "/uart1.log",
      "-serial", "chardev:log",
      "-nic", "tap,ifname=" + tap + ",script=no,downscript=no,model=lan9118,mac=" + mac};
  pid_ = ForkChild();
  if (pid_ < 0) return absl::InternalError("fork failed");
  if (pid_ == 0) {
    const int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    Exec(argv);
  }
  return "unix:" + ctl;
}

}  // namespace closeprobe::agent
