// The matrix in Docker Compose, run for real (root only; scripts/
// compose_matrix.sh brings up a Docker engine if none runs): every case has
// its linux, lwip and gvisor cells, the Linux column agrees with a local run between
// network namespaces, and nothing is left behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "controller/judge/baseline.h"
#include "controller/cases/case_loader.h"
#include "controller/cases/case_set.h"
#include "controller/report/report_writers.h"
#include "tests/testutil/host_state.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::AnyOf;

std::string Tail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  return s.size() <= bytes ? s : s.substr(s.size() - bytes);
}

TEST(ComposeMatrix, EveryCaseOnEveryColumnAgreeingWithTheLocalRun) {
  if (geteuid() != 0)
    GTEST_SKIP() << "Docker and TAP devices need root (CI runs as root)";
  const std::set<std::string> interfaces_before = NetworkInterfaces();
  const std::string dir = MakeTempDir();
  const auto start = std::chrono::steady_clock::now();
  ProcessResult run =
      RunProcess({"/bin/bash", "scripts/compose_matrix.sh", dir}, 1500);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::cout << "compose matrix, set-up and tear-down included: " << seconds
            << " s\n";
  ASSERT_THAT(run.exit_code, AnyOf(0, 1))
      << run.err << Tail(dir + "/compose.log", 4000);

  v1::Report compose;
  ASSERT_TRUE(
      controller::ReadJsonReport(dir + "/compose/report.json", &compose).ok());
  EXPECT_EQ(compose.topology(), "remote");
  ASSERT_EQ(compose.platforms_size(), 3);
  EXPECT_EQ(compose.platforms(0).name(), "linux");
  EXPECT_EQ(compose.platforms(1).name(), "lwip");
  EXPECT_EQ(compose.platforms(1).subject().info().stack_version(), "2.1.3");
  EXPECT_EQ(compose.platforms(2).name(), "gvisor-netstack");
  // Every case file has results in every column, and no cell is an error.
  std::set<std::pair<std::string, std::string>> cells;
  for (const auto& r : compose.results()) {
    cells.insert({r.base_case(), r.platform()});
    EXPECT_NE(r.verdict(), v1::VERDICT_ERROR)
        << r.case_name() << " on " << r.platform() << ": " << r.error();
  }
  const std::vector<std::string> files =
      *controller::ExpandCasePaths({"cases"});
  for (const std::string& file : files) {
    const std::string name = std::filesystem::path(file).stem().string();
    EXPECT_EQ(cells.count({name, "linux"}), 1u) << name;
    EXPECT_EQ(cells.count({name, "lwip"}), 1u) << name;
    EXPECT_EQ(cells.count({name, "gvisor-netstack"}), 1u) << name;
  }

  // The same cases between two local namespaces: the Linux column must show
  // the same outcomes (races aside, and rows only one run has).
  ProcessResult local = RunProcess(
      {BinDir() + "/closeprobe", "run", "--topology=netns", "--platforms=linux",
       "--port_base=21000", "--out", dir + "/local"},
      600);
  ASSERT_THAT(local.exit_code, AnyOf(0, 1)) << local.err;
  v1::Report reference;
  ASSERT_TRUE(
      controller::ReadJsonReport(dir + "/local/report.json", &reference).ok());
  const controller::MatrixRows reference_rows = controller::JudgeReport(&reference);
  const controller::MatrixRows compose_rows = controller::JudgeReport(&compose);
  absl::StatusOr<v1::Baseline> baseline =
      controller::BaselineFrom(reference, reference_rows, "linux");
  ASSERT_TRUE(baseline.ok());
  // Environment: a container's /proc/sys is read-only, so cases that change
  // stack settings are not supported in compose (README: Docker Compose).
  std::set<std::string> read_only_settings;
  for (const auto& r : compose.results()) {
    if (r.platform() == "linux" && r.verdict() == v1::VERDICT_NOT_SUPPORTED &&
        r.error().find("/proc/sys is read-only") != std::string::npos) {
      read_only_settings.insert(r.case_name());
    }
  }
  std::set<std::string> with_settings;  // every row that changes a setting
  const absl::StatusOr<controller::CaseSet> set = controller::LoadCaseSet({"cases"});
  ASSERT_TRUE(set.ok()) << set.status();
  for (const controller::LoadedCase& row : set->rows) {
    if (row.spec.settings_size() > 0) with_settings.insert(row.spec.name());
  }
  EXPECT_EQ(read_only_settings, with_settings);
  int compared = 0;
  std::string differences;
  for (const auto& d :
       controller::CompareWithBaseline(*baseline, compose_rows, "local run")) {
    if (d.race() || d.what() == "row" ||
        read_only_settings.count(d.case_name()) > 0)
      continue;
    differences += d.case_name() + " " + d.what() + ": local " + d.baseline() +
                   ", compose " + d.observed() + "\n";
  }
  for (const auto& row : baseline->row()) compared += row.race() ? 0 : 1;
  EXPECT_GE(compared, 30);
  EXPECT_EQ(differences, "")
      << "the Linux column differs between compose and the local run";

  EXPECT_EQ(NetworkInterfaces(), interfaces_before)
      << "compose left a network behind";
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
