// What an executor's stack is, from its HELLO: stack and version, board,
// and the build settings that change close semantics (its opt.* keys).
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/executor/executor_board.h"

namespace closeprobe::agent {
namespace {

class ExecutorPlatformInfo final : public PlatformInfo {
 public:
  explicit ExecutorPlatformInfo(std::shared_ptr<ExecutorBoard> board) : board_(std::move(board)) {}

  PlatformDescription Describe() override {
    const ExecutorReply& h = board_->hello;
    PlatformDescription d;
    d.platform = board_->platform;
    d.stack_version = h.Key("stack_version");
    d.os = absl::StrCat(h.Key("stack"), " ", h.Key("stack_version"), " on ", h.Key("os"), " (",
                        h.Key("board"), ", executor protocol ", h.Key("proto"), ")");
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    d.hostname = host;
    for (const auto& [key, value] : h.keys) {
      if (absl::StartsWith(key, "opt.")) d.settings[key.substr(4)] = value;
    }
    d.settings["executor.board"] = h.Key("board");
    d.settings["executor.clock"] = h.Key("clock");
    d.settings["executor.workers"] = h.Key("workers");
    if (board_->reboots_between_sessions) d.features.push_back("one_case_at_a_time");
    if (!board_->address.empty()) {
      d.networks = {absl::StrCat(board_->address, "/", board_->prefix)};
    }
    return d;
  }

 private:
  std::shared_ptr<ExecutorBoard> board_;
};

}  // namespace

std::unique_ptr<PlatformInfo> NewExecutorPlatformInfo(std::shared_ptr<ExecutorBoard> board) {
  return std::make_unique<ExecutorPlatformInfo>(std::move(board));
}

void ExecutorBoard::AfterRestart() {
  const int boots = link->boots();
  if (boots <= boots_handled.load()) return;
  // One at a time; a second caller waits until the board is set up.
  absl::MutexLock restart_lock(&restart_mu);
  if (boots <= boots_handled.load()) return;
  if (workers != nullptr) workers->Reset();
  {
    absl::MutexLock lock(&ports_mu);
    ports_lost.insert(ports_in_use.begin(), ports_in_use.end());
    ports_in_use.clear();
  }
  if (reconfigure) reconfigure();
  boots_handled = boots;
}

void ExecutorBoard::NotePort(uint16_t port) {
  if (port == 0) return;
  absl::MutexLock lock(&ports_mu);
  ports_in_use.insert(port);
}

void ExecutorBoard::ForgetPorts() {
  absl::MutexLock lock(&ports_mu);
  ports_lost.clear();
  ports_in_use.clear();
}

bool ExecutorBoard::PortLostInRestart(uint16_t port) {
  absl::MutexLock lock(&ports_mu);
  return ports_lost.count(port) > 0;
}

bool ExecutorBoard::Has(const std::string& verb) const {
  const std::string caps = "," + hello.Key("caps") + ",";
  return caps.find("," + verb + ",") != std::string::npos;
}

}  // namespace closeprobe::agent
