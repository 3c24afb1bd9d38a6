// Ctrl-C, Ctrl-Break and the console closing, from the console control
// handler; the waiting thread sleeps on a condition variable.
#include <windows.h>

#include <condition_variable>
#include <mutex>
#include <string>

#include "agent/stop_signal.h"

namespace closeprobe::agent {
namespace {

std::mutex mu;
std::condition_variable cv;
std::string reason;

void Stop(const std::string& why) {
  std::lock_guard<std::mutex> lock(mu);
  if (reason.empty()) reason = why;
  cv.notify_all();
}

BOOL WINAPI OnConsoleEvent(DWORD event) {
  Stop("console event " + std::to_string(event));
  return TRUE;
}

}  // namespace

void InstallStopSignal() { SetConsoleCtrlHandler(OnConsoleEvent, TRUE); }

std::string WaitForStopSignal() {
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [] { return !reason.empty(); });
  return reason;
}

void WakeStopWaiter() { Stop("woken"); }

}  // namespace closeprobe::agent
