// The firmware columns end to end: closeprobe starts the proxy agent, which
// starts QEMU's board behind a TAP, and runs a few cases on lwip-firmware
// and lwip-firmware-esp-idf. Every cell is observed (no error), the Debian
// variant matches lwIP's expectations (a blocking send a reset ends fails
// whole, as lwip_send() does, though the executor makes it as non-blocking
// sends), and TIME_WAIT's length is judged on the board's own clock. Needs root (the netns topology).
#include <unistd.h>

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "controller/report/report_writers.h"
#include "gtest/gtest.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

TEST(FirmwareColumns, AFewCasesRunOnTheBoardsAndAreJudgedOnTheirClock) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: the netns topology";
  if (access((BinDir() + "/closeprobe-firmware-lwip-debian.elf").c_str(), R_OK) != 0) {
    GTEST_SKIP() << "no firmware image (built with gcc-arm-none-eabi: setup_debian.sh firmware)";
  }
  const std::string out = MakeTempDir();
  ProcessResult run = RunProcess(
      {BinDir() + "/closeprobe", "run", "--platforms", "lwip-firmware,lwip-firmware-esp-idf",
       "--out", out, "--color", "never", "cases/normal_close.textproto",
       "cases/bind_in_2msl.textproto", "cases/time_wait_duration.textproto",
       "cases/send_blocked_when_reset.textproto"},
      600);
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(out + "/report.json", &report).ok())
      << run.out.substr(0, 2000) << run.err.substr(0, 2000);
  std::map<std::string, int> cells;
  for (const v1::CaseResult& r : report.results()) {
    if (absl::StrContains(r.case_name(), "peer=lwip")) continue;  // pairings among boards
    ++cells[r.platform()];
    EXPECT_NE(r.verdict(), v1::VERDICT_ERROR) << r.case_name() << " on " << r.platform() << ": "
                                              << r.error();
    if (r.platform() == "lwip-firmware") {
      EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << r.case_name() << ": " << r.outcome();
    }
    if (r.case_name() == "time_wait_duration") {
      bool judged_on_board_time = false;
      for (const auto& e : r.expectations()) {
        judged_on_board_time |= absl::StrContains(e.observed(), "stack time");
      }
      EXPECT_TRUE(judged_on_board_time) << r.platform();
    }
  }
  EXPECT_EQ(cells["lwip-firmware"], 4);
  EXPECT_EQ(cells["lwip-firmware-esp-idf"], 4);
  RemoveTree(out);
}

}  // namespace
}  // namespace closeprobe::testing
