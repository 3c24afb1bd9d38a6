// Errors where they belong: a case that uses a handle after closing it is
// rejected before anything runs (exit 2, FILE:LINE:COL and the fix); a step
// an agent refuses at run time names the step's line and the case's own
// handle names, and is a case error (exit 2), not an infrastructure
// failure (exit 3).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "controller/cases/case_loader.h"
#include "controller/report/report_writers.h"
#include "controller/run/agent_client.h"
#include "controller/run/case_runner.h"
#include "tests/testutil/agent_process.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Closeprobe() { return BinDir() + "/closeprobe"; }

TEST(CaseErrors, UseAfterCloseIsRejectedBeforeAnythingRuns) {
  ProcessResult validate =
      RunProcess({Closeprobe(), "validate", "tests/testdata/use_after_close.textproto"}, 30);
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_THAT(validate.err,
              HasSubstr("tests/testdata/use_after_close.textproto:12:32: handle 'lsn' was "
                        "closed by the step at tests/testdata/use_after_close.textproto:10:1; "
                        "`accept` cannot use a closed handle"));
  EXPECT_THAT(validate.err, HasSubstr("move the close after this step"));

  const std::string out = MakeTempDir();
  ProcessResult run = RunProcess({Closeprobe(), "run", "--topology=loopback", "--port_base=27400",
                                  "--out", out + "/r", "tests/testdata/use_after_close.textproto"},
                                 60);
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_FALSE(std::filesystem::exists(out + "/r/report.json")) << "nothing should have run";
  RemoveTree(out);
}

TEST(CaseErrors, AnUnknownPlatformIsAUsageErrorWithTheKnownNames) {
  const std::string out = MakeTempDir();
  ProcessResult run = RunProcess({Closeprobe(), "run", "--platforms", "linux,gvisor-netstak",
                                  "--out", out + "/r", "cases/normal_close.textproto"},
                                 30);
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_THAT(run.err, HasSubstr("'gvisor-netstak' is not a platform this controller can run "
                                 "(did you mean gvisor-netstack?)"));
  EXPECT_FALSE(std::filesystem::exists(out + "/r/report.json")) << "nothing should have run";
  ProcessResult documented = RunProcess({Closeprobe(), "validate", "--platforms", "linux,freebsd",
                                         "cases/normal_close.textproto"},
                                        30);
  EXPECT_EQ(documented.exit_code, 2);
  EXPECT_THAT(documented.err, HasSubstr("its column is documentation only"));
  RemoveTree(out);
}

TEST(CaseErrors, AStepTheAgentRefusesIsACaseErrorAtItsLine) {
  AgentProcess agent({"--max_deadline_ms=6000"});  // connect asks 5000
  ASSERT_GT(agent.port(), 0);
  const std::string out = MakeTempDir();
  ProcessResult run = RunProcess(
      {Closeprobe(), "run", "--agent", "subject=" + agent.target(), "--agent",
       "peer=" + agent.target(), "--port_base=27450", "--out", out,
       "tests/testdata/long_wait.textproto"},
      60);
  // The agent answered: not an infrastructure failure.
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(out + "/report.json", &report).ok());
  ASSERT_EQ(report.results_size(), 1);
  const v1::CaseResult& r = report.results(0);
  EXPECT_EQ(r.verdict(), v1::VERDICT_ERROR);
  EXPECT_EQ(r.stop(), v1::STOP_CASE_ERROR);
  // The step's place in the file (1-based line), its number from 1, and the
  // agent's reason.
  EXPECT_THAT(r.error(), HasSubstr("tests/testdata/long_wait.textproto:11:1: step 4 (wait_state(s"));
  EXPECT_THAT(r.error(), HasSubstr("--max_deadline_ms"));
  RemoveTree(out);
}

TEST(CaseErrors, AnAgentsRefusalNamesTheCasesHandlesNotTheAgents) {
  // Past validation (which would refuse it), a call on a closed handle: the
  // agent names its own handle id; the record names the case's.
  AgentProcess agent({});
  ASSERT_GT(agent.port(), 0);
  absl::StatusOr<std::unique_ptr<controller::AgentClient>> client =
      controller::AgentClient::Connect(agent.target(), "", absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<controller::LoadedCase> c = controller::ParseCase(
      "tests/testdata/use_after_close.textproto",
      FileText("tests/testdata/use_after_close.textproto"));
  ASSERT_TRUE(c.ok()) << c.status();
  c->steps[4].names.where = "tests/testdata/use_after_close.textproto:12:1";
  controller::PlatformAgents agents;
  agents.name = "linux";
  agents.subject = agents.peer = client->get();
  controller::CaseRunOptions options;
  options.first_port = 27480;
  const v1::CaseResult r = controller::RunCase(*c, agents, options);
  EXPECT_EQ(r.stop(), v1::STOP_CASE_ERROR);
  EXPECT_THAT(r.error(), HasSubstr("tests/testdata/use_after_close.textproto:12:1: step 5 "
                                   "(accept(lsn) as s): handle 'lsn' was closed"));
  EXPECT_THAT(r.error(), Not(HasSubstr("'h")));
}

TEST(CaseErrors, ValidateTellsEveryStatementThatDoesNotParse) {
  ProcessResult validate = RunProcess(
      {Closeprobe(), "validate", "tests/testdata/several_parse_errors.textproto"}, 30);
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_THAT(validate.err, HasSubstr("several_parse_errors.textproto:9:"));
  EXPECT_THAT(validate.err, HasSubstr("frm"));
  EXPECT_THAT(validate.err, HasSubstr("several_parse_errors.textproto:10:"));
  EXPECT_THAT(validate.err, HasSubstr("SIDEWAYS"));
  EXPECT_THAT(validate.err, HasSubstr("several_parse_errors.textproto:13:1:"));  // the unclosed step
}

TEST(CaseErrors, ValidateTellsEveryProblemOnceWithWhatToDo) {
  ProcessResult validate = RunProcess(
      {Closeprobe(), "validate", "tests/testdata/several_problems.textproto"}, 30);
  EXPECT_EQ(validate.exit_code, 2);
  const std::string f = "tests/testdata/several_problems.textproto:";
  EXPECT_THAT(validate.err,
              HasSubstr(f + "10:31: handle 's' is made by the background step at " + f +
                        "9:1, so it exists only once that step returned: add "
                        "`step { join {} }` before this step"));
  EXPECT_THAT(validate.err,
              HasSubstr(f + "11:1: an accept step must name its handle: add `as: \"NAME\"`"));
  EXPECT_THAT(validate.err, HasSubstr(f + "12:25: a sleep step only waits"));
  EXPECT_THAT(validate.err, HasSubstr(f + "13:10: unknown step id 'nowhere'"));
  EXPECT_THAT(validate.err, Not(HasSubstr("a accept")));
  const std::string once = f + "10:31:";
  EXPECT_EQ(validate.err.find(once), validate.err.rfind(once)) << validate.err;
}

}  // namespace
}  // namespace closeprobe::testing
