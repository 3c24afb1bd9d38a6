// The Windows binaries end to end under Wine: closeprobe-agent.exe as the
// subject of a short case set (scripts/wine_matrix.sh), and closeprobe.exe
// starting two local Windows agents on loopback. Wine's Winsock runs over
// Linux's TCP stack: this checks closeprobe's Windows code, and the column
// is named `wine`, never `windows`.
//
// CLOSEPROBE_WINDOWS_BIN names the folder of the built .exe files
// (scripts/run_tests.sh builds them with scripts/build_windows.sh).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "controller/report/report_writers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

std::string WindowsBin() {
  const char* dir = std::getenv("CLOSEPROBE_WINDOWS_BIN");
  return dir == nullptr ? "" : std::filesystem::absolute(dir).string();
}

// Every row of the report has a `wine` cell: an observation, or n/s with
// its reason; none is an error.
void ExpectEveryRowObservedOnWine(const v1::Report& report, int min_rows) {
  int rows = 0;
  for (const auto& r : report.results()) {
    SCOPED_TRACE(r.case_name());
    EXPECT_EQ(r.platform(), "wine");
    EXPECT_NE(r.verdict(), v1::VERDICT_ERROR) << r.error();
    if (r.verdict() == v1::VERDICT_NOT_SUPPORTED) {
      EXPECT_FALSE(r.error().empty()) << "n/s without a reason";
    } else {
      EXPECT_FALSE(r.key_observation().empty());
    }
    ++rows;
  }
  EXPECT_GE(rows, min_rows);
}

class Wine : public ::testing::Test {
 protected:
  void SetUp() override {
    if (WindowsBin().empty()) GTEST_SKIP() << "CLOSEPROBE_WINDOWS_BIN is not set (scripts/run_tests.sh sets it)";
    ASSERT_TRUE(std::filesystem::exists(WindowsBin() + "/closeprobe-agent.exe"));
    ASSERT_TRUE(std::filesystem::exists(WindowsBin() + "/closeprobe.exe"));
    dir_ = MakeTempDir();
  }
  void TearDown() override {
    if (!dir_.empty()) RemoveTree(dir_);
  }
  std::string dir_;
};

TEST_F(Wine, WindowsAgentAsSubjectAgainstALinuxPeer) {
  ProcessResult run = RunProcess(
      {"/usr/bin/env", "CLOSEPROBE_WINDOWS_BIN=" + WindowsBin(), "bash", "scripts/wine_matrix.sh",
       "--out", dir_, "cases/send_after_rst.textproto", "cases/normal_close.textproto",
       "cases/client_reuseaddr_connect.textproto", "cases/default_close_returns_at_once.textproto",
       "cases/poll_events_at_close.textproto", "--port_base=23000"},
      600);
  ASSERT_THAT(run.exit_code, ::testing::AnyOf(0, 1)) << run.err << run.out;
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir_ + "/report.json", &report).ok()) << run.err;
  ExpectEveryRowObservedOnWine(report, 8);
  // Wine's Winsock on Linux's stack: the agent says what it is.
  EXPECT_THAT(run.out, HasSubstr("wine"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr(" windows ")));
}

TEST_F(Wine, WindowsControllerStartsTwoLoopbackAgents) {
  const std::string wineprefix = dir_ + "/wineprefix";
  ProcessResult run = RunProcess(
      {"/usr/bin/env", "WINEPREFIX=" + wineprefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=",
       "/usr/lib/wine/wine64", WindowsBin() + "/closeprobe.exe", "run", "--out", dir_ + "/out",
       "cases/send_after_rst.textproto", "cases/normal_close.textproto"},
      600);
  ASSERT_THAT(run.exit_code, ::testing::AnyOf(0, 1)) << run.err << run.out;
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir_ + "/out/report.json", &report).ok()) << run.err;
  EXPECT_EQ(report.topology(), "loopback");
  ExpectEveryRowObservedOnWine(report, 4);
}

}  // namespace
}  // namespace closeprobe::testing
