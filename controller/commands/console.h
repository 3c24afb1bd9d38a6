// The console the controller prints to and is interrupted from. One
// implementation per platform (console_posix.cc, console_windows.cc).
#ifndef CLOSEPROBE_CONTROLLER_COMMANDS_CONSOLE_H_
#define CLOSEPROBE_CONTROLLER_COMMANDS_CONSOLE_H_

#include <functional>

namespace closeprobe::controller {

// Whether standard output (fd 1) or standard error (fd 2) is a terminal.
bool IsTerminal(int fd);
// The terminal's width in columns; 0 when standard output is not one.
int TerminalColumns();

// Called first thing in main, before any thread: interrupts (Ctrl-C,
// SIGTERM) are left to the thread OnInterrupt starts.
void HoldInterrupts();
// On the first interrupt, prints it, calls `cleanup` and exits with 130.
void OnInterrupt(std::function<void()> cleanup);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_COMMANDS_CONSOLE_H_
