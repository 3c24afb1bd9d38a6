// closeprobe diff on two saved reports: how many rows both have, a claim
// whose verdict changed, a step that ran but lost its expectation, and a
// case file that changed between the runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "controller/report/report_writers.h"
#include "google/protobuf/text_format.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kColumn[] =
    "platforms { name: \"linux\" subject { info { platform: \"linux\" stack_version: \"6\" } } }\n";

// A run of row `name` citing C12 whose claim expectation on send1 held or
// not; `send2_expected`: whether send2 still has an expectation (an
// outcome part), the step having run either way.
std::string Row(const std::string& name, bool held, bool send2_expected = true) {
  return absl::StrCat(
      "results { case_name: \"", name, "\" base_case: \"", name,
      "\" platform: \"linux\" claim: \"C12\" ",
      "steps { id: \"send1\" } steps { id: \"send2\" } ",
      "expectations { expectation { step: \"send1\" } from_claim: true applies: true met: ",
      held ? "true" : "false", " } outcome_parts { what: \"send1\" value: \"",
      held ? "ECONNRESET" : "OK", "\" } ",
      send2_expected ? "outcome_parts { what: \"send2\" value: \"EPIPE\" } " : "", "}\n");
}

// Writes a report given as text into a fresh folder; returns its report.json.
std::string Saved(const std::string& text) {
  v1::Report report;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &report));
  const std::string dir = MakeTempDir();
  EXPECT_TRUE(controller::WriteJsonReport(report, dir).ok());
  return dir + "/report.json";
}

TEST(DiffCommand, CountsRowsInBothAndReportsClaimsExpectationsAndCaseFiles) {
  // Five rows then; two of them now: r1 lost its expectation on send2 and
  // its case file changed, r2's claim went from held to refuted.
  const std::string a = Saved(absl::StrCat(
      kColumn, Row("r1", true), Row("r2", true), Row("r3", true), Row("r4", true),
      Row("r5", true), "case_file_hashes { key: \"r1\" value: \"00000000000000aa\" }"));
  const std::string b = Saved(absl::StrCat(
      kColumn, Row("r1", true, /*send2_expected=*/false), Row("r2", false),
      "case_file_hashes { key: \"r1\" value: \"00000000000000bb\" }"));
  ProcessResult diff = RunProcess({BinDir() + "/closeprobe", "diff", a, b}, 30);
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  EXPECT_THAT(diff.out, HasSubstr("linux: 2 rows compared"));
  EXPECT_THAT(diff.out, HasSubstr("1 claim verdict changed"));
  EXPECT_THAT(diff.out, HasSubstr("CLAIM   C12: held, REFUTED"));
  EXPECT_THAT(diff.out, HasSubstr("r1 send2: " + a + " EPIPE, " + b + " expectation removed"));
  EXPECT_THAT(diff.out, Not(HasSubstr("not observed")));
  EXPECT_THAT(diff.out, HasSubstr("warning: 1 case files changed between the two runs"));
  EXPECT_THAT(diff.out, HasSubstr("r1 (00000000000000aa -> 00000000000000bb)"));

  // A column only one run has is named, not compared.
  const std::string with_lwip = Saved(absl::StrCat(
      kColumn, "platforms { name: \"lwip\" subject { info { platform: \"lwip\" } } }\n",
      Row("r1", true)));
  ProcessResult more = RunProcess({BinDir() + "/closeprobe", "diff", b, with_lwip}, 30);
  EXPECT_THAT(more.out, HasSubstr("lwip: only in " + with_lwip));
  EXPECT_THAT(more.out, HasSubstr("linux: 1 row compared"));
  RemoveTree(with_lwip.substr(0, with_lwip.rfind('/')));

  // The same report twice: nothing to say, exit 0.
  ProcessResult same = RunProcess({BinDir() + "/closeprobe", "diff", a, a}, 30);
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_THAT(same.out, HasSubstr("linux: 5 rows compared, 0 differences, 0 claim verdicts changed"));
  RemoveTree(a.substr(0, a.rfind('/')));
  RemoveTree(b.substr(0, b.rfind('/')));
}

}  // namespace
}  // namespace closeprobe::testing
