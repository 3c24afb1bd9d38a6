// TCP states of an executor's stack: its PCBS list for a port (every
// connection it holds, orphans included), matched by addresses as for any
// stack that keeps no inode.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/executor/executor_board.h"

namespace closeprobe::agent {
namespace {

v1::TcpState StateNamed(const std::string& name) {
  v1::TcpState s = v1::TCP_STATE_UNSPECIFIED;
  if (!v1::TcpState_Parse("TCP_STATE_" + name, &s)) return v1::TCP_STATE_UNSPECIFIED;
  return s;
}

// "STATE,local,remote,timer_ms,rtx,orphaned"
bool ParsePcb(const std::string& text, ConnectionInfo* c) {
  std::vector<std::string> f = absl::StrSplit(text, ',');
  int64_t timer = -1, rtx = -1, orphaned = 0;
  if (f.size() != 6 || !ParseExecutorAddress(f[1], &c->local) ||
      !ParseExecutorAddress(f[2], &c->remote) || !absl::SimpleAtoi(f[3], &timer) ||
      !absl::SimpleAtoi(f[4], &rtx) || !absl::SimpleAtoi(f[5], &orphaned)) {
    return false;
  }
  c->state = StateNamed(f[0]);
  c->timer_remaining_ms = timer;
  c->retransmits = rtx < 0 ? 0 : static_cast<int>(rtx);
  c->orphaned = orphaned != 0;
  return c->state != v1::TCP_STATE_UNSPECIFIED;
}

class ExecutorStateObserver final : public AddressedStateObserver {
 public:
  explicit ExecutorStateObserver(std::shared_ptr<ExecutorBoard> board) : board_(std::move(board)) {}

  absl::StatusOr<std::vector<ConnectionInfo>> ConnectionsOnPort(uint16_t port) override {
    board_->AfterRestart();
    if (board_->PortLostInRestart(port)) {
      return absl::UnavailableError(absl::StrCat("the executor restarted (",
                                                 board_->link->last_panic(),
                                                 "): connections on port ", port, " are gone"));
    }
    absl::StatusOr<ExecutorReply> reply =
        board_->link->Call(absl::StrCat("PCBS ", port), absl::Seconds(5));
    if (!reply.ok()) return reply.status();
    if (reply->status != "OK") {
      return absl::InternalError(absl::StrCat("the executor's PCBS failed: ", reply->line));
    }
    std::vector<ConnectionInfo> out;
    for (const std::string& pcb : reply->pcbs) {
      ConnectionInfo c;
      if (!ParsePcb(pcb, &c)) {
        return absl::InternalError(absl::StrCat("the executor's PCBS gave ", pcb));
      }
      out.push_back(c);
    }
    return out;
  }

  // An open socket from before the executor restarted has no state to
  // read: the stack that held it is gone (CLOSED would be a state it never
  // reported for this connection).
  absl::StatusOr<ConnectionInfo> Find(const SocketIdentity& id) override {
    board_->AfterRestart();
    if ((id.native != kNoSocket && ExecutorBootOf(id.native) != board_->link->boots()) ||
        board_->PortLostInRestart(id.local.port)) {
      return absl::UnavailableError(absl::StrCat(
          "the executor restarted (", board_->link->last_panic(), "): this socket is gone"));
    }
    return AddressedStateObserver::Find(id);
  }

 private:
  std::shared_ptr<ExecutorBoard> board_;
};

}  // namespace

std::unique_ptr<StateObserver> NewExecutorStateObserver(std::shared_ptr<ExecutorBoard> board) {
  return std::make_unique<ExecutorStateObserver>(std::move(board));
}

}  // namespace closeprobe::agent
