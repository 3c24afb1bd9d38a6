// The executor protocol's proof: the Linux binding (closeprobe-executor)
// behind the proxy agent (closeprobe-agent-executor) is the executor-linux
// column; on the default case set it must reproduce the native linux
// column cell for cell (verdict, claim status, outcome), since the two
// differ only by the protocol between the agent API and the socket calls.
// Race rows are judged on frequencies, not per run, so they are left out;
// a row that differs is run again once (both columns), so that timing on
// a loaded machine does not count as the protocol's. Needs root (netns).
#include <unistd.h>

#include <iostream>
#include <map>
#include <set>
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
  std::string verdict, claim_status, outcome, error, file;
  bool operator==(const Cell& o) const {
    return verdict == o.verdict && claim_status == o.claim_status && outcome == o.outcome;
  }
};

std::string Describe(const Cell& c) {
  return absl::StrCat(c.verdict, " ", c.claim_status, " ", c.outcome);
}

// Runs closeprobe on linux and executor-linux; row -> column -> cell.
std::map<std::string, std::map<std::string, Cell>> RunColumns(const std::vector<std::string>& cases,
                                                       std::string* log) {
  const std::string out = MakeTempDir();
  std::vector<std::string> argv = {BinDir() + "/closeprobe", "run", "--platforms",
                                   "linux,executor-linux", "--out", out, "--color", "never"};
  argv.insert(argv.end(), cases.begin(), cases.end());
  ProcessResult run = RunProcess(argv, 1500);
  *log = run.out.substr(0, 2000) + run.err.substr(0, 2000);
  std::map<std::string, std::map<std::string, Cell>> rows;
  v1::Report report;
  if (!controller::ReadJsonReport(out + "/report.json", &report).ok()) return rows;
  for (const v1::CaseResult& r : report.results()) {
    // Pairings with the new column as the peer are no linux cells; races are
    // judged on frequencies over runs.
    if (absl::StrContains(r.case_name(), "executor-linux") || r.race()) continue;
    rows[absl::StrCat(r.case_name(), " #", r.iteration())][r.platform()] =
        Cell{v1::Verdict_Name(r.verdict()), v1::ClaimStatus_Name(r.claim_status()), r.outcome(),
             r.error(), r.file()};
  }
  RemoveTree(out);
  return rows;
}

// Rows whose two cells differ (companion-only rows aside); counts compared.
std::map<std::string, std::pair<Cell, Cell>> Differences(
    const std::map<std::string, std::map<std::string, Cell>>& rows, int* compared,
    int* protocol_gaps) {
  std::map<std::string, std::pair<Cell, Cell>> differ;
  for (const auto& [row, cells] : rows) {
    auto linux_cell = cells.find("linux"), executor_cell = cells.find("executor-linux");
    if (linux_cell == cells.end() || executor_cell == cells.end()) continue;
    // The topology gives extra agent processes (companions) to the linux
    // column's hosts only: such rows say nothing about the protocol.
    if (absl::StrContains(executor_cell->second.error, "agent process of its own")) continue;
    // A call the protocol has no verb for (dup, a send that may raise
    // SIGPIPE, a close while another call holds the socket) is n/s there,
    // with that reason: counted, not compared.
    if (executor_cell->second.verdict == "VERDICT_NOT_SUPPORTED" &&
        (absl::StrContains(executor_cell->second.error, "executor protocol") ||
         absl::StrContains(executor_cell->second.error, "needs dup()"))) {
      ++*protocol_gaps;
      continue;
    }
    // A row whose premise did not happen on one side tested nothing there:
    // there is no observation to compare (counted with the gaps).
    if (linux_cell->second.verdict == "VERDICT_INCONCLUSIVE" ||
        executor_cell->second.verdict == "VERDICT_INCONCLUSIVE") {
      ++*protocol_gaps;
      continue;
    }
    ++*compared;
    if (!(linux_cell->second == executor_cell->second)) {
      differ[row] = {linux_cell->second, executor_cell->second};
    }
  }
  return differ;
}

TEST(ExecutorLinuxEquality, LinuxBehindTheProtocolReproducesTheLinuxColumn) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: the netns topology";
  std::string log;
  int compared = 0, gaps = 0;
  std::map<std::string, std::pair<Cell, Cell>> differ =
      Differences(RunColumns({}, &log), &compared, &gaps);
  ASSERT_GT(compared, 20) << log;
  // Rows not compared stay few: every other row is.
  EXPECT_LE(gaps, compared / 10) << "rows not compared (no verb, or a premise that did not happen)";
  std::set<std::string> again;
  for (const auto& [row, cells] : differ) again.insert(cells.first.file);
  int recompared = 0;
  std::map<std::string, std::pair<Cell, Cell>> still;
  if (!again.empty()) {
    int regaps = 0;
    still = Differences(RunColumns(std::vector<std::string>(again.begin(), again.end()), &log),
                        &recompared, &regaps);
  }
  for (const auto& [row, cells] : differ) {
    if (still.count(row) == 0) continue;  // equal when run again
    ADD_FAILURE() << row << "\n  linux:          " << Describe(still[row].first)
                  << "\n  executor-linux: " << Describe(still[row].second);
  }
  std::cout << "compared " << compared << " rows (" << gaps
            << " not: no verb for a step, or a premise that did not happen); " << differ.size()
            << " differed once, " << still.size() << " again\n";
}

}  // namespace
}  // namespace closeprobe::testing
