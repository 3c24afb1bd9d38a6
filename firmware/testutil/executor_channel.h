// ExecutorChannel: a test's end of a cpx/1 byte pipe (an executor's
// stdin/stdout, or a board's UART socket): sends request lines and waits,
// bounded in time, for the reply with a given id, keeping the other lines.
// Not thread-safe: one test thread owns it.
#ifndef CLOSEPROBE_FIRMWARE_TESTUTIL_EXECUTOR_CHANNEL_H_
#define CLOSEPROBE_FIRMWARE_TESTUTIL_EXECUTOR_CHANNEL_H_

#include <sys/types.h>

#include <deque>
#include <map>
#include <string>

namespace closeprobe::testing {

// One reply line split into its parts: "<id> <status> key=value ...".
struct ExecutorReply {
  std::string line;  // the whole line, "" if none came in time
  std::string id;
  std::string status;  // OK ERR TIMEOUT BAD
  std::map<std::string, std::string> keys;
  std::string Key(const std::string& k) const {
    auto it = keys.find(k);
    return it == keys.end() ? "" : it->second;
  }
};

ExecutorReply ParseExecutorReply(const std::string& line);

class ExecutorChannel {
 public:
  // Takes ownership of the descriptors (the same one for a socket).
  ExecutorChannel(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}
  ~ExecutorChannel();
  ExecutorChannel(const ExecutorChannel&) = delete;
  ExecutorChannel& operator=(const ExecutorChannel&) = delete;

  // Starts `path` with its stdin/stdout on a pipe pair; pid in *pid.
  static ExecutorChannel* Spawn(const std::string& path, pid_t* pid);
  // Connects to a unix socket, retrying until timeout_ms; null if none.
  static ExecutorChannel* ConnectUnix(const std::string& path, int timeout_ms);

  bool Send(const std::string& line);  // '\n' appended
  // The next line of any kind, "" after timeout_ms.
  std::string ReadLine(int timeout_ms);
  // The reply to `id` (earlier lines of others are kept for later).
  ExecutorReply Await(const std::string& id, int timeout_ms);
  // Send + Await.
  ExecutorReply Call(const std::string& id, const std::string& rest, int timeout_ms = 5000);
  // Lines read so far and not yet taken by Await (events, other replies).
  std::deque<std::string>& pending() { return pending_; }

 private:
  int read_fd_;
  int write_fd_;
  std::string buffer_;
  std::deque<std::string> pending_;
};

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_FIRMWARE_TESTUTIL_EXECUTOR_CHANNEL_H_
