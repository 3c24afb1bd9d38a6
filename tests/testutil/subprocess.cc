#include "tests/testutil/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace closeprobe::testing {
std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out,
            const std::string& err) {
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = err == out ? o : open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int WaitBounded(pid_t pid, int timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string BinDir() {
  const char* dir = std::getenv("CLOSEPROBE_BIN_DIR");
  return dir != nullptr ? dir : "build/bin";
}

ProcessResult RunProcess(const std::vector<std::string>& argv, int timeout_s) {
  const std::string dir = MakeTempDir();
  ProcessResult r;
  const pid_t pid = Spawn(argv, dir + "/out", dir + "/err");
  r.exit_code = WaitBounded(pid, timeout_s);
  r.out = FileText(dir + "/out");
  r.err = FileText(dir + "/err");
  RemoveTree(dir);
  return r;
}

pid_t StartProcess(const std::vector<std::string>& argv, const std::string& log_file) {
  return Spawn(argv, log_file, log_file);
}

void StopProcess(pid_t pid, int sig) {
  kill(pid, sig);
  if (WaitBounded(pid, 5) == -1) kill(pid, SIGKILL);
}

int WaitForPortFile(const std::string& path, int timeout_s) {
  for (int i = 0; i < timeout_s * 100; ++i) {
    std::ifstream in(path);
    int port = 0;
    if (in >> port && port > 0) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

std::string MakeTempDir() {
  char dir[] = "/tmp/closeprobe-test.XXXXXX";
  return mkdtemp(dir) != nullptr ? dir : "/tmp";
}

void RemoveTree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace closeprobe::testing
