// A closeprobe-agent process of this build on 127.0.0.1 (port chosen by the
// agent), with extra flags; stopped with SIGTERM when it goes out of scope.
#ifndef CLOSEPROBE_TESTS_TESTUTIL_AGENT_PROCESS_H_
#define CLOSEPROBE_TESTS_TESTUTIL_AGENT_PROCESS_H_

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {

class AgentProcess {
 public:
  explicit AgentProcess(const std::vector<std::string>& flags) : dir_(MakeTempDir()) {
    std::vector<std::string> argv = {BinDir() + "/closeprobe-agent", "--listen=127.0.0.1:0",
                                     "--port_file=" + dir_ + "/port"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    pid_ = StartProcess(argv, dir_ + "/agent.log");
    port_ = WaitForPortFile(dir_ + "/port", 5);
  }
  ~AgentProcess() {
    StopProcess(pid_, SIGTERM);
    RemoveTree(dir_);
  }
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return FileText(dir_ + "/agent.log"); }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }  // 0: it did not start

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_TESTS_TESTUTIL_AGENT_PROCESS_H_
