// A crash on a board does not reach the next case: the proxy serves one
// case at a time on its board and reboots it when the case's sessions end.
// closeprobe runs, on lwip-firmware-esp-idf, a case whose listener close
// makes that build assert (LWIP_NETCONN_FULLDUPLEX, api_msg.c
// netconn_drain()) and cases after it; those that started after the panic
// must be observed as on a fresh board: no error, no restart in any step,
// every expectation met. The panic's own row meets the column's documented
// expectation (the case cites the assertion's path in lwIP), and its step
// names the assertion. Needs root (the netns topology).
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "controller/report/report_writers.h"
#include "gtest/gtest.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

// When the case's panic happened (unix ns), 0 if it did not.
int64_t PanicTime(const v1::CaseResult& r) {
  for (const v1::StepRecord& s : r.steps()) {
    if (absl::StrContains(s.result().native_name(), "panicked")) return s.start_unix_ns();
  }
  return 0;
}

TEST(FirmwareReboot, APanicInOneCaseDoesNotReachTheCasesAfterIt) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: the netns topology";
  if (access((BinDir() + "/closeprobe-firmware-lwip-esp_idf.elf").c_str(), R_OK) != 0) {
    GTEST_SKIP() << "no firmware image (built with gcc-arm-none-eabi: setup_debian.sh firmware)";
  }
  const std::string out = MakeTempDir();
  ProcessResult run = RunProcess(
      {BinDir() + "/closeprobe", "run", "--platforms", "lwip-firmware-esp-idf", "--out", out,
       "--color", "never", "cases/listener_close_with_queue.textproto",
       "cases/normal_close.textproto", "cases/data_after_fin.textproto",
       "cases/listen_backlog_queue.textproto"},
      300);
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(out + "/report.json", &report).ok())
      << run.out.substr(0, 2000) << run.err.substr(0, 2000);
  int64_t panic = 0;
  for (const v1::CaseResult& r : report.results()) {
    if (r.case_name() == "listener_close_with_queue") panic = PanicTime(r);
  }
  if (panic == 0) GTEST_SKIP() << "the board did not panic: nothing to carry over was made";
  int after = 0;
  for (const v1::CaseResult& r : report.results()) {
    EXPECT_NE(r.verdict(), v1::VERDICT_ERROR) << r.case_name() << ": " << r.error();
    if (r.case_name() == "listener_close_with_queue") {
      EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << r.outcome();
      bool names_assertion = false;
      for (const v1::StepRecord& s : r.steps()) {
        names_assertion |= absl::StrContains(s.result().native_name(), "netconn marked closed");
      }
      EXPECT_TRUE(names_assertion) << r.outcome();
      continue;
    }
    if (r.verdict() == v1::VERDICT_NOT_SUPPORTED) continue;  // pairings no agents here make
    EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << r.case_name() << ": " << r.outcome();
    if (r.steps_size() > 0 && r.steps(0).start_unix_ns() > panic) ++after;
    for (const v1::StepRecord& s : r.steps()) {
      EXPECT_FALSE(absl::StrContains(s.result().native_name(), "restart"))
          << r.case_name() << " step " << s.call() << ": " << s.result().native_name();
    }
  }
  // One case at a time: every other case ran before or after the panic's.
  EXPECT_GE(after, 1) << "no case ran after the panic";
  RemoveTree(out);
}

}  // namespace
}  // namespace closeprobe::testing
