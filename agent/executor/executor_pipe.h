// Opening the byte pipe to an executor, and starting a board that runs one.
#ifndef CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_PIPE_H_
#define CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_PIPE_H_

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace closeprobe::agent {

// A connected descriptor for "unix:PATH", "tcp:HOST:PORT" or
// "serial:DEVICE" (raw, 115200 baud), retrying a socket until `wait`.
absl::StatusOr<int> OpenExecutorPipe(const std::string& target, absl::Duration wait);

// A board this process starts and stops: QEMU's mps2-an385 running a
// firmware image, its Ethernet on an existing TAP device of this network
// namespace, its control UART on a unix socket. Stopped (by pid) with the
// object, or with this process (parent-death signal).
class QemuBoard {
 public:
  QemuBoard() = default;
  ~QemuBoard();
  QemuBoard(const QemuBoard&) = delete;
  QemuBoard& operator=(const QemuBoard&) = delete;

  // Starts QEMU; the pipe target ("unix:...") to open afterwards.
  absl::StatusOr<std::string> Start(const std::string& image, const std::string& tap,
                                    const std::string& mac);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string dir_;
};

// An executor program this process starts (e.g. closeprobe-executor, the
// Linux binding), speaking on its stdin/stdout; stopped like QemuBoard.
class LocalExecutor {
 public:
  LocalExecutor() = default;
  ~LocalExecutor();
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  // Starts `path`; our end of its pipe.
  absl::StatusOr<int> Start(const std::string& path);

 private:
  pid_t pid_ = -1;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_PIPE_H_
