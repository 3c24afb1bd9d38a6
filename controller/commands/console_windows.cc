#include <io.h>
#include <windows.h>

#include <iostream>

#include "controller/commands/console.h"

namespace closeprobe::controller {
namespace {

std::function<void()>& Cleanup() {
  static auto* cleanup = new std::function<void()>();
  return *cleanup;
}

// Runs on a thread of its own that Windows starts for the console event.
BOOL WINAPI OnConsoleEvent(DWORD event) {
  std::cerr << "\ncloseprobe: interrupted (console event " << event << ")\n";
  if (Cleanup()) Cleanup()();
  ExitProcess(130);
}

}  // namespace

bool IsTerminal(int fd) { return _isatty(fd) != 0; }

int TerminalColumns() {
  CONSOLE_SCREEN_BUFFER_INFO info;
  if (!_isatty(1) || !GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &info)) return 0;
  return info.srWindow.Right - info.srWindow.Left + 1;
}

void HoldInterrupts() {}

void OnInterrupt(std::function<void()> cleanup) {
  Cleanup() = std::move(cleanup);
  SetConsoleCtrlHandler(OnConsoleEvent, TRUE);
}

}  // namespace closeprobe::controller
