// A run that loses nothing: results are appended as each case finishes, so
// an interrupted run keeps what it did and `--resume` finishes the rest
// without running it again; an agent that dies mid-run turns its cases into
// errors with the reason while every other case completes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "controller/report/report_writers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

int Lines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

// Waits (at most `seconds`) until `path` has `lines` lines.
bool WaitForLines(const std::string& path, int lines, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (Lines(path) >= lines) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The first step's start time: tells a kept result from a new run.
int64_t StartOf(const v1::CaseResult& r) {
  return r.steps_size() > 0 ? r.steps(0).start_unix_ns() : 0;
}

// Stops a process left running when a test ends early.
struct StopAtExit {
  pid_t pid;
  ~StopAtExit() {
    if (pid > 0 && kill(pid, 0) == 0) StopProcess(pid, SIGTERM);
  }
};

const std::vector<std::string> kCases = {
    "cases/normal_close.textproto",
    "cases/send_after_fin.textproto",
    "cases/shutdown_write.textproto",
    "cases/shutdown_read.textproto",
    "cases/server_closes_accepted.textproto",
    "cases/close_wait_persists.textproto"};

TEST(Resume, AnInterruptedRunIsFinishedWithoutRunningItsCasesAgain) {
  const std::string dir = MakeTempDir();
  std::vector<std::string> argv = {BinDir() + "/closeprobe",
                                   "run",
                                   "--topology=loopback",
                                   "--jobs=1",
                                   "--port_base=29000",
                                   "--out",
                                   dir};
  argv.insert(argv.end(), kCases.begin(), kCases.end());
  const pid_t controller = StartProcess(argv, dir + "/first.log");
  StopAtExit guard{controller};
  ASSERT_TRUE(WaitForLines(dir + "/results.jsonl", 2, 60));
  StopProcess(controller, SIGINT);  // Ctrl-C
  const int kept = Lines(dir + "/results.jsonl");
  ASSERT_GE(kept, 2);
  ASSERT_LT(kept, 6) << "the run finished before it could be interrupted";
  EXPECT_FALSE(std::filesystem::exists(dir + "/report.json"));
  std::map<std::string, int64_t> first_starts;
  {
    auto kept_results = controller::ReadJsonLines(dir + "/results.jsonl");
    ASSERT_TRUE(kept_results.ok());
    for (const auto& r : *kept_results)
      first_starts[r.case_name()] = StartOf(r);
  }

  std::vector<std::string> resume = {BinDir() + "/closeprobe",
                                     "run",
                                     "--topology=loopback",
                                     "--jobs=1",
                                     "--port_base=29000",
                                     "--resume",
                                     dir};
  resume.insert(resume.end(), kCases.begin(), kCases.end());
  ProcessResult r = RunProcess(resume, 120);
  EXPECT_THAT(r.exit_code, AnyOf(0, 1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("runs already done"));
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/report.json", &report).ok());
  EXPECT_EQ(report.results_size(), 6);
  int reused = 0;
  for (const auto& result : report.results()) {
    auto it = first_starts.find(result.case_name());
    if (it == first_starts.end()) continue;
    EXPECT_EQ(StartOf(result), it->second)
        << result.case_name() << " was run again";
    ++reused;
  }
  EXPECT_EQ(reused, kept);
  EXPECT_FALSE(std::filesystem::exists(dir + "/results.jsonl"))
      << "kept after the report";
  RemoveTree(dir);
}

// The processes below `root` running a program of this file name.
std::vector<pid_t> Descendants(pid_t root, const std::string& program) {
  std::map<pid_t, pid_t> parent;
  std::map<pid_t, std::string> cmdline;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    std::ifstream stat(e.path() / "stat");
    std::string text;
    std::getline(stat, text);
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    parent[pid] = ppid;
    std::ifstream cmd(e.path() / "cmdline");
    std::getline(cmd, cmdline[pid], '\0');
  }
  std::vector<pid_t> out;
  for (const auto& [pid, cmd] : cmdline) {
    if (std::filesystem::path(cmd).filename() != program) continue;
    for (pid_t p = parent[pid]; p > 1; p = parent[p]) {
      if (p == root) {
        out.push_back(pid);
        break;
      }
    }
  }
  return out;
}

TEST(AgentDeath, ItsCasesBecomeErrorsWithTheReasonAndTheRestComplete) {
  if (geteuid() != 0 ||
      access((BinDir() + "/closeprobe-agent-lwip").c_str(), X_OK) != 0) {
    GTEST_SKIP() << "needs root and closeprobe-agent-lwip (CI has both)";
  }
  const std::string dir = MakeTempDir();
  std::vector<std::string> argv = {BinDir() + "/closeprobe",
                                   "run",
                                   "--platforms=linux,lwip",  // the columns counted below
                                   "--port_base=29500",
                                   "--out",
                                   dir,
                                   "cases/linger_timeout.textproto",
                                   "cases/keepalive_pulled_cable.textproto"};
  argv.insert(argv.end(), kCases.begin(), kCases.end());
  const pid_t controller = StartProcess(argv, dir + "/run.log");
  StopAtExit guard{controller};
  ASSERT_TRUE(WaitForLines(dir + "/results.jsonl", 1, 60));
  const std::vector<pid_t> agents =
      Descendants(controller, "closeprobe-agent-lwip");
  ASSERT_EQ(agents.size(), 1u) << "the lwIP agent of this run";
  kill(agents[0], SIGKILL);
  int status = 0;
  for (int i = 0; i < 1200 && waitpid(controller, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(WIFEXITED(status)) << "the run did not end";
  EXPECT_EQ(WEXITSTATUS(status), 3);  // some cases are errors
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/report.json", &report).ok());
  int linux_cells = 0, lwip_errors = 0;
  for (const auto& r : report.results()) {
    bool on_lwip = r.platform() == "lwip";
    for (const auto& [role, platform] : r.role_platforms())
      on_lwip |= platform == "lwip";
    if (!on_lwip) {
      ++linux_cells;
      EXPECT_NE(r.verdict(), v1::VERDICT_ERROR) << r.case_name() << ": " << r.error();
    } else if (r.verdict() == v1::VERDICT_ERROR) {
      ++lwip_errors;
      EXPECT_THAT(r.error(), HasSubstr("lwip.sock"))
          << "the reason names the agent";
    }
  }
  EXPECT_GT(lwip_errors, 0);
  // linger_timeout's 4 iterations, keepalive, normal_close[peer=linux] and
  // the other five cases: every one ran to the end.
  EXPECT_EQ(linux_cells, 11);
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
