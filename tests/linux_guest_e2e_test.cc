// The linux-6.1 column: Debian's 6.1 kernel booted under QEMU
// (scripts/build_linux_guest.sh), a few cases run on it with settings,
// capture and faults, judged on Linux's expectations under its own name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "controller/report/report_writers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

TEST(LinuxGuest, BootsAndRunsCasesWithSettingsCaptureAndFaults) {
  if (geteuid() != 0) GTEST_SKIP() << "the guest's namespace and TAP devices need root";
  ASSERT_TRUE(std::filesystem::exists(BinDir() + "/../guest/linux-6.1/vmlinuz"))
      << "no guest: scripts/build_linux_guest.sh builds it (scripts/run_tests.sh does)";
  const std::string dir = MakeTempDir();
  // fin_wait_2_timeout sets tcp_fin_timeout and checks the wire;
  // keepalive_pulled_cable drops segments; send_after_rst is plain calls.
  ProcessResult run = RunProcess(
      {BinDir() + "/closeprobe", "run", "--platforms=linux-6.1", "--port_base=25000", "--out", dir,
       "cases/send_after_rst.textproto", "cases/fin_wait_2_timeout.textproto",
       "cases/keepalive_pulled_cable.textproto"},
      300);
  ASSERT_THAT(run.exit_code, ::testing::AnyOf(0, 1)) << run.err << run.out;
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/report.json", &report).ok()) << run.err;
  ASSERT_EQ(report.platforms_size(), 1);
  const v1::PlatformColumn& column = report.platforms(0);
  EXPECT_EQ(column.name(), "linux-6.1");
  EXPECT_TRUE(absl::StartsWith(column.subject().info().stack_version(), "6.1."))
      << column.subject().info().stack_version();
  EXPECT_THAT(column.emulation(), HasSubstr("QEMU"));
  bool warned = false;
  for (const auto& w : report.warnings()) warned |= absl::StrContains(w, "linux-6.1 runs under QEMU");
  EXPECT_TRUE(warned);
  int rows = 0;
  for (const auto& r : report.results()) {
    SCOPED_TRACE(r.case_name());
    if (r.platform() != "linux-6.1") continue;
    ++rows;
    EXPECT_EQ(r.subject_platform(), "linux");  // judged on Linux's expectations
    EXPECT_TRUE(absl::StartsWith(r.platform_version(), "6.1."));
    auto peer = r.parameters().find("peer");
    if (peer != r.parameters().end() && peer->second == "linux-6.1") {
      // One guest: no agents pair it with itself, and the cell says so.
      EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_SUPPORTED);
      EXPECT_THAT(r.error(), HasSubstr("no agents here pair a linux-6.1 subject"));
      continue;
    }
    EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << r.error() << " " << r.key_observation();
    if (r.base_case() == "fin_wait_2_timeout") {
      EXPECT_GT(r.settings_size(), 0);
      EXPECT_TRUE(r.captured());
    }
  }
  EXPECT_GE(rows, 10);
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
