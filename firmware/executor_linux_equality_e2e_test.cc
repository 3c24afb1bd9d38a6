// The executor protocol's proof: the Linux binding (closeprobe-executor)
// behind the proxy agent (closeprobe-agent-executor) is the executor-linux
// column; on the default case set it must reproduce the native linux
// column cell for cell (verdict, claim status, outcome), since the two
// differ only by the protocol between the agent API and the socket calls.
// Needs root (the netns topology).
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "controller/report/report_writers.h"
#include "gtest/gtest.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

struct Cell {
  std::string verdict, claim_status, outcome;
  bool operator==(const Cell& o) const {
    return verdict == o.verdict && claim_status == o.claim_status && outcome == o.outcome;
  }
};

std::string Describe(const Cell& c) {
  return absl::StrCat(c.verdict, " ", c.claim_status, " ", c.outcome);
}

TEST(ExecutorLinuxEquality, LinuxBehindTheProtocolReproducesTheLinuxColumn) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: the netns topology";
  const std::string out = MakeTempDir();
  ProcessResult run = RunProcess({BinDir() + "/closeprobe", "run", "--platforms",
                                  "linux,executor-linux", "--out", out, "--color", "never"},
                                 1500);
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(out + "/report.json", &report).ok())
      << run.out.substr(0, 2000) << run.err.substr(0, 2000);
  std::map<std::string, std::map<std::string, Cell>> rows;  // row -> column -> cell
  bool executor_column = false;
  for (const v1::CaseResult& r : report.results()) {
    // A pairing with the new column as the peer is not a linux cell to compare.
    if (absl::StrContains(r.case_name(), "executor-linux")) continue;
    executor_column |= r.platform() == "executor-linux";
    rows[absl::StrCat(r.case_name(), " #", r.iteration())][r.platform()] =
        Cell{v1::Verdict_Name(r.verdict()), v1::ClaimStatus_Name(r.claim_status()), r.outcome()};
  }
  ASSERT_TRUE(executor_column) << "no executor-linux column: " << run.err.substr(0, 2000);
  int compared = 0;
  for (const auto& [row, cells] : rows) {
    auto linux_cell = cells.find("linux"), executor_cell = cells.find("executor-linux");
    if (linux_cell == cells.end() || executor_cell == cells.end()) continue;
    ++compared;
    EXPECT_TRUE(linux_cell->second == executor_cell->second)
        << row << "\n  linux:          " << Describe(linux_cell->second)
        << "\n  executor-linux: " << Describe(executor_cell->second);
  }
  EXPECT_GT(compared, 20);
  RemoveTree(out);
}

}  // namespace
}  // namespace closeprobe::testing
