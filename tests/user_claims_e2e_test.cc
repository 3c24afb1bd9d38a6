// A user's own question: a claims file with its own prefix, a case citing
// it, and a question case citing nothing, validated, run and reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "controller/report/report_writers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kClaims[] = "--claims=claims,tests/testdata/user_claims/claims";
constexpr char kCases[] = "tests/testdata/user_claims/cases";

TEST(UserClaims, ValidateRunAndReportAUsersClaimAndAQuestion) {
  ProcessResult validate = RunProcess({BinDir() + "/closeprobe", "validate", kClaims, kCases}, 30);
  ASSERT_EQ(validate.exit_code, 0) << validate.err << validate.out;

  // Without the user's claims file the case's claim is unknown: where, and what is known.
  ProcessResult unknown = RunProcess({BinDir() + "/closeprobe", "validate", kCases}, 30);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("second_bind_on_listener.textproto:3:1: claim 'acme.S1' "
                                     "is not a known claim (C1..C20"));

  const std::string dir = MakeTempDir();
  ProcessResult run = RunProcess({BinDir() + "/closeprobe", "run", kClaims, kCases,
                                  "--platforms=linux", "--port_base=31000", "--out", dir},
                                 120);
  ASSERT_THAT(run.exit_code, ::testing::AnyOf(0, 1)) << run.err;
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/report.json", &report).ok());
  bool user_claim = false;
  for (const auto& c : report.claims()) {
    EXPECT_FALSE(c.claim().empty()) << "a question has no claim verdict";
    user_claim |= c.claim() == "acme.S1";
  }
  EXPECT_TRUE(user_claim);
  bool question = false;
  for (const auto& r : report.results()) {
    if (r.case_name() != "recv_after_shutdown_read") continue;
    question = true;
    EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_NOT_APPLICABLE);
    EXPECT_THAT(r.key_observation(), HasSubstr("recv_after="));
  }
  EXPECT_TRUE(question);
  EXPECT_THAT(run.out, HasSubstr("acme.S1"));
  EXPECT_THAT(FileText(dir + "/report.html"), HasSubstr("Questions (no claim)"));
  ProcessResult findings =
      RunProcess({BinDir() + "/closeprobe", "findings", dir + "/report.json"}, 30);
  EXPECT_THAT(findings.out, HasSubstr("acme.S1"));
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
