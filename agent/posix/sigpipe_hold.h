// SigpipeHold: lets a send() without MSG_NOSIGNAL raise SIGPIPE without
// ending the agent, and tells whether it did. While a hold lives, SIGPIPE is
// blocked in the calling thread; a call that raises it leaves it pending
// there (a stack sends it to the calling thread: Linux's sk_stream_error()
// uses send_sig(SIGPIPE, current)), and a blocked signal stays pending even
// where its action is SIG_IGN. TakeRaised() removes a pending SIGPIPE and
// says whether there was one; the destructor removes any left, then
// restores the thread's signal mask, so the signal is never delivered.
//
// Thread safety: one hold per call, used by the thread that made it.
// Included only by platform files of platforms with POSIX signals.
#ifndef CLOSEPROBE_AGENT_POSIX_SIGPIPE_HOLD_H_
#define CLOSEPROBE_AGENT_POSIX_SIGPIPE_HOLD_H_

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace closeprobe::agent {

class SigpipeHold {
 public:
  // An inactive hold (`active` false) does nothing and reports nothing.
  explicit SigpipeHold(bool active) : active_(active) {
    if (!active_) return;
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &saved_);
  }
  ~SigpipeHold() {
    if (!active_) return;
    TakeRaised();
    pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
  }
  SigpipeHold(const SigpipeHold&) = delete;
  SigpipeHold& operator=(const SigpipeHold&) = delete;

  // True when a SIGPIPE was pending (it is removed).
  bool TakeRaised() {
    if (!active_) return false;
    const timespec now{0, 0};
    return sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE;
  }

 private:
  const bool active_;
  sigset_t pipe_;
  sigset_t saved_;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_POSIX_SIGPIPE_HOLD_H_
