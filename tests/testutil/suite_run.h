// One `closeprobe run` shared by the tests of a suite: started in
// SetUpTestSuite, read by every test, removed in TearDownTestSuite.
#ifndef CLOSEPROBE_TESTS_TESTUTIL_SUITE_RUN_H_
#define CLOSEPROBE_TESTS_TESTUTIL_SUITE_RUN_H_

#include <string>
#include <vector>

#include "closeprobe/v1/report.pb.h"
#include "controller/report/report_writers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {

struct SuiteRun {
  std::string dir;   // the run's --out folder
  std::string log;   // its standard error
  v1::Report report; // empty if the run wrote none
};

// Runs `closeprobe run ARGS --out DIR` and reads its record.
inline SuiteRun* StartSuiteRun(const std::vector<std::string>& args, int timeout_seconds) {
  auto* run = new SuiteRun;
  run->dir = MakeTempDir();
  std::vector<std::string> command = {BinDir() + "/closeprobe", "run", "--out", run->dir};
  command.insert(command.end(), args.begin(), args.end());
  run->log = RunProcess(command, timeout_seconds).err;
  controller::ReadJsonReport(run->dir + "/report.json", &run->report).IgnoreError();
  return run;
}

inline void EndSuiteRun(SuiteRun*& run) {
  if (run == nullptr) return;
  RemoveTree(run->dir);
  delete run;
  run = nullptr;
}

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_TESTS_TESTUTIL_SUITE_RUN_H_
