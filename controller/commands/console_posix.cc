#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "controller/commands/console.h"

namespace closeprobe::controller {
namespace {

sigset_t Interrupts() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

bool IsTerminal(int fd) { return isatty(fd) == 1; }

int TerminalColumns() {
  winsize size{};
  return isatty(1) && ioctl(1, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

// Blocked in every thread (children unblock them), taken by sigwait below.
void HoldInterrupts() {
  const sigset_t signals = Interrupts();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void OnInterrupt(std::function<void()> cleanup) {
  std::thread([cleanup = std::move(cleanup)] {
    const sigset_t signals = Interrupts();
    int sig = 0;
    sigwait(&signals, &sig);
    std::cerr << "\ncloseprobe: interrupted (signal " << sig << ")\n";
    cleanup();
    _exit(130);
  }).detach();
}

}  // namespace closeprobe::controller
