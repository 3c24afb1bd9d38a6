// SIGTERM and SIGINT, received by sigwait in the waiting thread only.
#include <signal.h>
#include <unistd.h>

#include <string>

#include "agent/stop_signal.h"

namespace closeprobe::agent {
namespace {

sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

}  // namespace

void InstallStopSignal() {
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

std::string WaitForStopSignal() {
  const sigset_t signals = StopSignals();
  int sig = 0;
  sigwait(&signals, &sig);
  return "signal " + std::to_string(sig);
}

void WakeStopWaiter() { kill(getpid(), SIGTERM); }

}  // namespace closeprobe::agent
