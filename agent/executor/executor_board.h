// ExecutorBoard: one executor the proxy agent speaks to (a board it
// started, or one it reached by serial line or socket), what its HELLO said,
// and the platform pieces built on it: socket calls, states, info, clock.
//
// Thread safety: the pieces are safe for concurrent use (ExecutorLink is).
#ifndef CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_BOARD_H_
#define CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_BOARD_H_

#include <atomic>
#include <memory>
#include <string>

#include "agent/error_names.h"
#include "agent/executor/executor_link.h"
#include "agent/executor/executor_pipe.h"
#include "agent/platform_info.h"
#include "agent/socket_api.h"
#include "agent/stack_clock.h"
#include "agent/state_observer.h"

namespace closeprobe::agent {

struct ExecutorBoard {
  std::unique_ptr<QemuBoard> qemu;  // null for a board this agent did not start
  std::unique_ptr<LocalExecutor> local;  // an executor program this agent started
  std::unique_ptr<ExecutorLink> link;  // declared last of the three: ends first
  ExecutorReply hello;
  std::string platform;       // the column's name, e.g. "lwip-firmware"
  std::string address;        // the stack's test address, "" if unknown
  int prefix = 24;
  std::atomic<int64_t> skipped_ms{0};  // idle time skipped with ADVANCE

  bool Has(const std::string& verb) const;  // in HELLO's caps
  int64_t LineMax() const { return hello.Int("line_max", 1024); }
  int64_t RecvMax() const { return hello.Int("recv_max", 256); }
};

// Numbers a SocketApi of the executor reports when there is no socket
// error to report: the link failed (no reply, or the pipe closed).
inline constexpr int kExecutorNoReply = -100001;

std::unique_ptr<SocketApi> NewExecutorSocketApi(std::shared_ptr<ExecutorBoard> board);
std::unique_ptr<StateObserver> NewExecutorStateObserver(std::shared_ptr<ExecutorBoard> board);
std::unique_ptr<PlatformInfo> NewExecutorPlatformInfo(std::shared_ptr<ExecutorBoard> board);
std::unique_ptr<StackClock> NewExecutorStackClock(std::shared_ptr<ExecutorBoard> board);

// The stack's errno numbers are learnt from replies, which name them
// (newlib, lwIP and Linux number errno differently).
void RememberExecutorErrno(int number, const std::string& name);
ErrorInfo ExecutorErrorName(int native_error);

// "ip:port" or "[ip6]:port" as the protocol writes addresses.
bool ParseExecutorAddress(const std::string& text, Endpoint* out);
std::string ExecutorAddress(const Endpoint& e);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_BOARD_H_
