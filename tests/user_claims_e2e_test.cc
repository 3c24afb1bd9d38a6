// A user's own question: a claims file with its own prefix (three claims),
// cases citing them, and a question case citing nothing, validated, run and
// reported, each claim in its own entry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "controller/report/report_writers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::ElementsAre;
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
    // Every step it names, the one an expectation names first.
    EXPECT_THAT(r.key_observation(), HasSubstr("recv_after=EOF shut=OK send_after="));
  }
  EXPECT_TRUE(question);
  EXPECT_THAT(run.out, HasSubstr("acme.S1"));
  EXPECT_THAT(FileText(dir + "/report.html"), HasSubstr("Questions (no claim)"));
  ProcessResult findings =
      RunProcess({BinDir() + "/closeprobe", "findings", dir + "/report.json"}, 30);
  EXPECT_THAT(findings.out, HasSubstr("acme.S1"));
  RemoveTree(dir);
}

// A claims folder the user names that is not there is refused, naming the
// flag, before anything runs; a missing baselines folder (a first run, before
// `accept` makes it) is said, naming the flag, and nothing is compared.
TEST(UserClaims, AMissingClaimsOrBaselinesFolderNamesItsFlag) {
  ProcessResult claims =
      RunProcess({BinDir() + "/closeprobe", "validate", "--claims=no_such_claims", kCases}, 30);
  EXPECT_EQ(claims.exit_code, 2);
  EXPECT_THAT(claims.err, HasSubstr("--claims=no_such_claims: no_such_claims: no such file or folder"));
  ProcessResult baselines = RunProcess({BinDir() + "/closeprobe", "run", kClaims, kCases,
                                        "--baselines=no_such_baselines", "--platforms=linux"},
                                       30);
  EXPECT_THAT(baselines.exit_code, ::testing::AnyOf(0, 1));
  EXPECT_THAT(baselines.err, HasSubstr("--baselines=no_such_baselines: no such folder"));
}

// `list` aligns its columns whatever the claim ids' lengths: a user's carry
// a prefix ("acme.S1"), a question has none ("-").
TEST(UserClaims, ListAlignsPrefixedClaimIds) {
  ProcessResult list = RunProcess({BinDir() + "/closeprobe", "list", kClaims, kCases}, 30);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::set<size_t> claim_at, summary_at;
  std::istringstream lines(list.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const size_t claim = line.find_first_not_of(' ', line.find(' '));
    claim_at.insert(claim);
    summary_at.insert(line.find_first_not_of(' ', line.find(' ', claim)));
  }
  EXPECT_EQ(n, 4) << list.out;
  EXPECT_EQ(claim_at.size(), 1u) << list.out;
  EXPECT_EQ(summary_at.size(), 1u) << list.out;
  EXPECT_THAT(list.out, HasSubstr(" acme.S1 "));
  EXPECT_THAT(list.out, HasSubstr(" -       "));
}

// Three claims of one user's file, each cited by its own case: each has its
// own entry, with only its own case, in every place a claim is listed.
TEST(UserClaims, EveryClaimOfAUsersFileHasItsOwnEntry) {
  const std::string dir = MakeTempDir();
  ProcessResult run = RunProcess({BinDir() + "/closeprobe", "run", kClaims, kCases,
                                  "--platforms=linux", "--port_base=31100", "--out", dir},
                                 120);
  ASSERT_THAT(run.exit_code, ::testing::AnyOf(0, 1)) << run.err;
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/report.json", &report).ok());
  const std::map<std::string, std::string> case_of = {{"acme.S1", "second_bind_on_listener"},
                                                      {"acme.S2", "accept_from_listener"},
                                                      {"acme.S3", "close_connected"}};
  std::vector<std::string> listed;
  for (const auto& c : report.claims()) {
    listed.push_back(c.claim());
    SCOPED_TRACE(c.claim());
    ASSERT_EQ(case_of.count(c.claim()), 1u);
    EXPECT_THAT(c.cases(), ElementsAre(case_of.at(c.claim())));
    EXPECT_EQ(c.status(), v1::CLAIM_STATUS_HELD);
  }
  EXPECT_THAT(listed, ElementsAre("acme.S1", "acme.S2", "acme.S3"));

  const std::string html = FileText(dir + "/report.html");
  const std::string markdown = FileText(dir + "/matrix.md");
  const std::string junit = FileText(dir + "/junit.xml");
  ProcessResult findings =
      RunProcess({BinDir() + "/closeprobe", "findings", dir + "/report.json"}, 30);
  for (const auto& [claim, name] : case_of) {
    SCOPED_TRACE(claim);
    // The page is long: say which row is missing, not the whole page.
    EXPECT_NE(html.find("<tr><td>" + claim + "</td><td class=\"held\">held</td>"),
              std::string::npos)
        << "no row for " << claim << " in the HTML claims table";
    EXPECT_THAT(markdown, HasSubstr("| " + claim + " | held |"));
    EXPECT_THAT(junit, HasSubstr("classname=\"closeprobe.linux." + claim + "\" name=\"" + name));
    EXPECT_THAT(junit, HasSubstr("<property name=\"claim " + claim + "\" value=\"held\"/>"));
    EXPECT_THAT(findings.out, HasSubstr(claim + " (linux)"));
  }
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
