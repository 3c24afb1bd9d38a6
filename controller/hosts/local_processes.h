// The agent processes a local topology starts on the controller's own host:
// started so that they die with the controller, watched while they start,
// stopped at the end. One implementation per platform
// (local_processes_posix.cc, local_processes_windows.cc).
#ifndef CLOSEPROBE_CONTROLLER_LOCAL_PROCESSES_H_
#define CLOSEPROBE_CONTROLLER_LOCAL_PROCESSES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace closeprobe::controller {

using ProcessId = int64_t;

// Starts `args` (args[0] looked up on PATH) with its output appended to
// `log_path`; its stdin is `stdin_fd` (POSIX only) or nothing.
absl::StatusOr<ProcessId> SpawnChild(const std::vector<std::string>& args,
                                     const std::string& log_path, int stdin_fd = -1);
bool ChildAlive(ProcessId pid);
// Asks the children to stop, waits up to 3 s, then kills what is left.
void StopChildren(const std::vector<ProcessId>& pids);
// Kills at once, without waiting (a controller exiting on an interrupt).
void KillChildren(const std::vector<ProcessId>& pids);

// A new private folder for the run's sockets, port files and logs.
absl::StatusOr<std::string> MakeRunFolder();
// The folder holding the running controller's executable.
std::string ProgramDir();
// `name` as an executable file name on this platform (".exe" on Windows).
std::string ExecutableName(const std::string& name);
// The program `name` runs: itself when it names a path, else the first
// executable of that name on PATH; "" when there is none.
std::string FindProgram(const std::string& name);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_LOCAL_PROCESSES_H_
