// ExecutorLink (see executor_link.h). POSIX file descriptors: read with
// poll so the destructor can end the reader whatever the pipe is.
#include "agent/executor/executor_link.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace closeprobe::agent {

std::string ExecutorReply::Key(const std::string& k) const {
  auto it = keys.find(k);
  return it == keys.end() ? "" : it->second;
}

int64_t ExecutorReply::Int(const std::string& k, int64_t fallback) const {
  int64_t v;
  return absl::SimpleAtoi(Key(k), &v) ? v : fallback;
}

ExecutorReply ParseExecutorReply(absl::string_view line) {
  ExecutorReply r;
  r.line = std::string(line);
  int index = 0;
  for (absl::string_view tok : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    if (index == 1) r.status = std::string(tok);
    if (index >= 2) {
      const size_t eq = tok.find('=');
      if (eq != absl::string_view::npos) {
        const std::string key(tok.substr(0, eq));
        const std::string value(tok.substr(eq + 1));
        if (key == "pcb") r.pcbs.push_back(value);
        r.keys[key] = value;
      }
    }
    ++index;
  }
  return r;
}

ExecutorLink::ExecutorLink(int fd) : fd_(fd) { reader_ = std::thread([this] { ReadLoop(); }); }

ExecutorLink::~ExecutorLink() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  reader_.join();
  close(fd_);
}

int ExecutorLink::boots() const {
  absl::MutexLock lock(&mu_);
  return boots_;
}

std::string ExecutorLink::last_panic() const {
  absl::MutexLock lock(&mu_);
  return last_panic_;
}

absl::Status ExecutorLink::Reboot(const std::string& why, absl::Duration timeout) {
  int before;
  {
    absl::MutexLock lock(&mu_);
    before = boots_;
    last_panic_ = why;
  }
  absl::StatusOr<ExecutorReply> r = Call("REBOOT", timeout);
  if (!r.ok()) return r.status();
  // The reply comes before the reset, or the reset ends the call (RESET).
  if (r->status != "OK" && r->status != "RESET") {
    return absl::FailedPreconditionError(absl::StrCat("REBOOT: ", r->line));
  }
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (boots_ == before && !closed_) {
    if (answered_.WaitWithDeadline(&mu_, deadline)) break;
  }
  if (boots_ == before) {
    return absl::DeadlineExceededError(
        absl::StrCat("no * BOOT within ", absl::FormatDuration(timeout), " of REBOOT"));
  }
  last_panic_ = why;
  return absl::OkStatus();
}

bool ExecutorLink::WaitForBoot(int seen, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (boots_ <= seen && !closed_) {
    if (answered_.WaitWithDeadline(&mu_, deadline)) break;
  }
  return boots_ > seen;
}

bool ExecutorLink::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

void ExecutorLink::Dispatch(const std::string& line) {
  absl::MutexLock lock(&mu_);
  if (line.rfind("* BOOT", 0) == 0) {
    ++boots_;
    FailWaiting(last_panic_.empty() ? "the executor restarted"
                                    : "the executor restarted after: " + last_panic_);
    answered_.SignalAll();  // WaitForBoot
    return;
  }
  if (line.rfind("* PANIC", 0) == 0) {
    last_panic_ = line.substr(8);
    FailWaiting("the executor panicked and resets: " + last_panic_);
    return;
  }
  uint64_t id;
  if (!absl::SimpleAtoi(line.substr(0, line.find(' ')), &id)) return;  // events, noise
  auto it = waiting_.find(id);
  if (it == waiting_.end()) return;  // a reply its caller gave up on
  it->second = std::make_unique<ExecutorReply>(ParseExecutorReply(line));
  answered_.SignalAll();
}

void ExecutorLink::FailWaiting(const std::string& why) {
  for (auto& [id, reply] : waiting_) {
    if (reply != nullptr) continue;
    reply = std::make_unique<ExecutorReply>();
    reply->status = "RESET";
    reply->keys["why"] = why;
    reply->line = absl::StrCat(id, " RESET ", why);
  }
  answered_.SignalAll();
}

void ExecutorLink::ReadLoop() {
  std::string buffer;
  char chunk[4096];
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, 100);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    const ssize_t n = ready > 0 ? read(fd_, chunk, sizeof(chunk)) : -1;
    if (n <= 0) {
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      absl::MutexLock lock(&mu_);
      closed_ = true;
      answered_.SignalAll();
      return;
    }
    buffer.append(chunk, static_cast<size_t>(n));
    for (size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
      std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) Dispatch(line);
    }
  }
}

absl::StatusOr<ExecutorReply> ExecutorLink::Call(absl::string_view request,
                                                 absl::Duration timeout) {
  uint64_t id;
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::UnavailableError("the executor's pipe is closed");
    next_id_ = next_id_ % 999999999 + 1;  // ids have at most 9 digits
    id = next_id_;
    waiting_[id] = nullptr;
  }
  const std::string line = absl::StrCat(id, " ", request, "\n");
  bool written = true;
  {
    absl::MutexLock lock(&write_mu_);
    for (size_t done = 0; done < line.size();) {
      const ssize_t n = write(fd_, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        written = false;
        break;
      }
      done += static_cast<size_t>(n);
    }
  }
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + timeout;
  while (written && !closed_ && waiting_[id] == nullptr && absl::Now() < deadline) {
    answered_.WaitWithDeadline(&mu_, deadline);
  }
  std::unique_ptr<ExecutorReply> reply = std::move(waiting_[id]);
  waiting_.erase(id);
  if (reply != nullptr) return *reply;
  if (!written || closed_) return absl::UnavailableError("the executor's pipe is closed");
  return absl::DeadlineExceededError(
      absl::StrCat("no reply from the executor within ", absl::FormatDuration(timeout), " to: ",
                   request.substr(0, 60)));
}

}  // namespace closeprobe::agent
