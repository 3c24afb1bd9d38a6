// ExecutorBoard: one executor the proxy agent speaks to (a board it
// started, or one it reached by serial line or socket), what its HELLO said,
// and the platform pieces built on it: socket calls, states, info, clock.
//
// Thread safety: the pieces are safe for concurrent use (ExecutorLink is).
#ifndef CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_BOARD_H_
#define CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_BOARD_H_

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "agent/error_names.h"
#include "agent/fault_injector.h"
#include "agent/executor/executor_link.h"
#include "agent/executor/executor_pipe.h"
#include "agent/platform_info.h"
#include "agent/socket_api.h"
#include "agent/stack_clock.h"
#include "agent/state_observer.h"

namespace closeprobe::agent {

// The executor's workers, one per socket call in flight: a call waits for
// a free one rather than be refused (BAD why=busy), as calls on a native
// stack never are; the wait counts in the call's measured time. A worker
// whose call never answered (past its own wait) is stuck until a reset.
class WorkerSlots {
 public:
  explicit WorkerSlots(int64_t n) : n_(n < 1 ? 1 : n), free_(n_) {}
  // False, at once, when every worker is stuck: only a reset frees them.
  bool Acquire();
  void Release(bool stuck);
  void Reset();  // the executor restarted: every worker is free

 private:
  const int64_t n_;
  absl::Mutex mu_;
  int64_t free_ ABSL_GUARDED_BY(mu_);
  int64_t stuck_ ABSL_GUARDED_BY(mu_) = 0;
};

struct ExecutorBoard {
  ~ExecutorBoard();  // ends the restart watch
  std::unique_ptr<QemuBoard> qemu;  // null for a board this agent did not start
  std::unique_ptr<LocalExecutor> local;  // an executor program this agent started
  std::unique_ptr<ExecutorLink> link;  // declared last of the three: ends first
  ExecutorReply hello;
  std::string platform;       // the column's name, e.g. "lwip-firmware"
  std::string address;        // the stack's test address, "" if unknown
  int prefix = 24;
  std::atomic<int64_t> skipped_ms{0};  // idle time skipped with ADVANCE

  bool Has(const std::string& verb) const;  // in HELLO's caps
  // After the executor restarted (a panic, a watchdog), gives it what the
  // agent set up at start (its address) once; call before using the link.
  void AfterRestart();
  // Resets the executor (REBOOT) and sets it up again; calls still waiting
  // end with `why`. Returns how long the board took to answer again.
  absl::StatusOr<absl::Duration> Reboot(const std::string& why);
  std::unique_ptr<WorkerSlots> workers;  // from HELLO's workers=
  // Rebooted when its last session ends: the agent serves one case at a
  // time (Info's feature "one_case_at_a_time"), and no case sees another's.
  bool reboots_between_sessions = false;
  std::function<void()> reconfigure;  // set up at start, and again after a restart
  std::atomic<int> boots_handled{0};
  absl::Mutex restart_mu;  // held while AfterRestart sets the board up
  // Sets a board up again as soon as it restarts on its own (a panic), as
  // a device's own start-up would, not at the proxy's next call.
  void WatchRestarts();
  std::thread restart_watch;
  std::atomic<bool> stop_watch{false};

  // Local ports the stack used: a connection on a port used before a
  // restart has no state any more (the stack that held it is gone), which
  // the state observer reports as such rather than as CLOSED.
  void NotePort(uint16_t port);
  bool PortLostInRestart(uint16_t port);
  // No session is left that could hold a port of before (a reboot between
  // sessions): ports are fresh again, as the stack's own are.
  void ForgetPorts();
  absl::Mutex ports_mu;
  std::set<uint16_t> ports_in_use ABSL_GUARDED_BY(ports_mu);
  std::set<uint16_t> ports_lost ABSL_GUARDED_BY(ports_mu);
  int64_t LineMax() const { return hello.Int("line_max", 1024); }
  int64_t RecvMax() const { return hello.Int("recv_max", 256); }
};

// Numbers a SocketApi of the executor reports when there is no socket
// error to report: the link failed (no reply, or the pipe closed).
inline constexpr int kExecutorNoReply = -100001;
// ... the executor reset while the call ran (the reply's `why` is remembered
// as its native name).
inline constexpr int kExecutorReset = -100002;

// A NativeSocket of the executor's SocketApi is the executor's fd with the
// executor's boot count above it: after a restart the executor hands out
// the same numbers again, and a call on a socket of before must not reach
// a new one. The boot count a socket was made in:
inline int ExecutorBootOf(NativeSocket s) { return static_cast<int>(s >> 32); }

std::unique_ptr<SocketApi> NewExecutorSocketApi(std::shared_ptr<ExecutorBoard> board);
std::unique_ptr<StateObserver> NewExecutorStateObserver(std::shared_ptr<ExecutorBoard> board);
std::unique_ptr<PlatformInfo> NewExecutorPlatformInfo(std::shared_ptr<ExecutorBoard> board);
std::unique_ptr<StackClock> NewExecutorStackClock(std::shared_ptr<ExecutorBoard> board);
// Drop rules in the executor's own packet path (its FAULT verb).
std::unique_ptr<FaultInjector> NewExecutorFaultInjector(std::shared_ptr<ExecutorBoard> board);

// The stack's errno numbers are learnt from replies, which name them
// (newlib, lwIP and Linux number errno differently).
void RememberExecutorErrno(int number, const std::string& name);
ErrorInfo ExecutorErrorName(int native_error);

// "ip:port" or "[ip6]:port" as the protocol writes addresses.
bool ParseExecutorAddress(const std::string& text, Endpoint* out);
std::string ExecutorAddress(const Endpoint& e);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_BOARD_H_
