// ExecutorLink: the proxy's end of a cpx/1 byte pipe to an executor
// (docs/executor-protocol.md): numbers requests, writes them as lines and
// hands each reply to the call that waits for it, so calls overlap as the
// protocol allows. Events ("* BOOT", "* PANIC") are counted and kept.
//
// Thread safety: Call may be used from any number of threads at once. The
// link owns its file descriptor and a reader thread, both ended by the
// destructor.
#ifndef CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_LINK_H_
#define CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_LINK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace closeprobe::agent {

// One reply: "<id> <status> key=value ...". `pcbs` holds PCBS's pcb= values.
struct ExecutorReply {
  std::string status;  // OK ERR TIMEOUT INTERNAL BAD; RESET (see Call)
  std::map<std::string, std::string> keys;
  std::vector<std::string> pcbs;
  std::string line;
  std::string Key(const std::string& k) const;
  // A numeric key; `fallback` when absent or not a number.
  int64_t Int(const std::string& k, int64_t fallback = 0) const;
};

ExecutorReply ParseExecutorReply(absl::string_view line);

class ExecutorLink {
 public:
  // Takes ownership of `fd`, a connected byte pipe (socket, serial line).
  explicit ExecutorLink(int fd);
  ~ExecutorLink();
  ExecutorLink(const ExecutorLink&) = delete;
  ExecutorLink& operator=(const ExecutorLink&) = delete;

  // Sends "<id> <request>" and waits for its reply. A BAD reply is returned
  // as it is (the caller knows what it asked); no reply within `timeout`
  // or a lost pipe is DeadlineExceeded / Unavailable. When the executor
  // resets ("* PANIC", "* BOOT") every waiting call ends at once with a
  // reply of status RESET whose `why` says what happened.
  absl::StatusOr<ExecutorReply> Call(absl::string_view request, absl::Duration timeout);

  // Resets the executor (REBOOT) and waits for its "* BOOT"; calls still
  // waiting end with `why`, which last_panic() then says.
  absl::Status Reboot(const std::string& why, absl::Duration timeout);

  // Waits until more than `seen` "* BOOT" events came; false on timeout
  // or a closed pipe.
  bool WaitForBoot(int seen, absl::Duration timeout);

  // How many "* BOOT" events were seen, and the last "* PANIC" text (or
  // the reason of the last Reboot).
  int boots() const;
  std::string last_panic() const;
  bool closed() const;

 private:
  void ReadLoop();
  void Dispatch(const std::string& line);
  // Ends every waiting call with a RESET reply.
  void FailWaiting(const std::string& why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int fd_;
  std::thread reader_;
  mutable absl::Mutex mu_;
  absl::CondVar answered_;  // a reply came, or the pipe closed
  std::map<uint64_t, std::unique_ptr<ExecutorReply>> waiting_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  int boots_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_panic_ ABSL_GUARDED_BY(mu_);
  absl::Mutex write_mu_;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_EXECUTOR_EXECUTOR_LINK_H_
