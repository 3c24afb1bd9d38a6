// Runs the project's own binaries from tests: to completion with captured
// output, or in the background, always bounded in time.
#ifndef CLOSEPROBE_TESTS_TESTUTIL_SUBPROCESS_H_
#define CLOSEPROBE_TESTS_TESTUTIL_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace closeprobe::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed or timed out
  std::string out;
  std::string err;
};

// The folder of the built binaries (CLOSEPROBE_BIN_DIR, set by ctest).
std::string BinDir();

// Runs argv[0] (a path) with the arguments; kills it after timeout_s.
ProcessResult RunProcess(const std::vector<std::string>& argv, int timeout_s);

// Starts argv in the background with output to `log_file`; returns its pid.
pid_t StartProcess(const std::vector<std::string>& argv, const std::string& log_file);

// Sends `sig` and reaps the process (SIGKILL after 5 s).
void StopProcess(pid_t pid, int sig);

// The port an agent started with --port_file=PATH wrote there, once it is
// serving; 0 if none appears within timeout_s.
int WaitForPortFile(const std::string& path, int timeout_s);

// The whole content of a file ("" if it cannot be read).
std::string FileText(const std::string& path);

// A fresh temporary folder, removed by the caller with RemoveTree.
std::string MakeTempDir();
void RemoveTree(const std::string& dir);

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_TESTS_TESTUTIL_SUBPROCESS_H_
