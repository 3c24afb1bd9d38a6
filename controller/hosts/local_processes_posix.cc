#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "controller/hosts/local_processes.h"

namespace closeprobe::controller {

absl::StatusOr<ProcessId> SpawnChild(const std::vector<std::string>& args,
                                     const std::string& log_path, int stdin_fd) {
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (log < 0) return absl::InternalError(absl::StrCat("cannot open ", log_path));
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    sigset_t none;  // the controller blocks SIGINT/SIGTERM for its signal thread
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int in = stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(log, 1);
    dup2(log, 2);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(log);
  if (pid < 0) return absl::InternalError("fork failed");
  return pid;
}

bool ChildAlive(ProcessId pid) { return waitpid(static_cast<pid_t>(pid), nullptr, WNOHANG) == 0; }

void StopChildren(const std::vector<ProcessId>& pids) {
  for (ProcessId pid : pids) kill(static_cast<pid_t>(pid), SIGTERM);
  const absl::Time deadline = absl::Now() + absl::Seconds(3);
  for (ProcessId pid : pids) {
    while (ChildAlive(pid)) {
      if (absl::Now() > deadline) {
        kill(static_cast<pid_t>(pid), SIGKILL);
        waitpid(static_cast<pid_t>(pid), nullptr, 0);
        break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
}

void KillChildren(const std::vector<ProcessId>& pids) {
  for (ProcessId pid : pids) kill(static_cast<pid_t>(pid), SIGKILL);
}

absl::StatusOr<std::string> MakeRunFolder() {
  char dir[] = "/tmp/closeprobe.XXXXXX";
  if (mkdtemp(dir) == nullptr) return absl::InternalError("mkdtemp failed");
  return std::string(dir);
}

std::string ProgramDir() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().string();
}

std::string ExecutableName(const std::string& name) { return name; }

std::string FindProgram(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "", ':', absl::SkipEmpty())) {
    const std::string candidate = absl::StrCat(dir, "/", name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace closeprobe::controller
