// Baselines: recording a report's rows, reading them back, and comparing a
// later report: nothing when equal, exactly the edited value when changed.
#include "controller/judge/baseline.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/judge/verdicts.h"
#include "google/protobuf/text_format.h"
#include "tests/testutil/status_matchers.h"

namespace closeprobe::controller {
namespace {

using ::closeprobe::testing::IsOk;
using ::testing::HasSubstr;

// A report and its judged rows (which point into it).
// A report written as text, judged.
v1::Report Parsed(const std::string& text) {
  v1::Report r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r));
  return r;
}

constexpr char kReport[] = R"(
platforms { name: "linux" subject { info { platform: "linux" stack_version: "6.1.0-31-amd64" } } }
results {
  case_name: "send_after_rst[reset_by=linger_zero]" platform: "linux" verdict: VERDICT_MATCHED
  claim: "C12" claim_status: CLAIM_STATUS_HELD
  outcome_parts { what: "send1" value: "ECONNRESET" }
  outcome_parts { what: "send2" value: "EPIPE" }
}
results {
  case_name: "race" platform: "linux" verdict: VERDICT_MATCHED race: true claim: "C15"
  outcome_parts { what: "st" value: "TIME_WAIT" }
}
results {
  case_name: "race" platform: "linux" verdict: VERDICT_MATCHED race: true iteration: 1 claim: "C15"
  outcome_parts { what: "st" value: "CLOSING" }
}
)";

TEST(Baseline, RecordsEveryRowWithItsValues) {
  const JudgedReport judged(Parsed(kReport));
  absl::StatusOr<v1::Baseline> b = BaselineFrom(judged.record, judged.rows, "linux");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->version(), "6.1.0-31-amd64");
  ASSERT_EQ(b->row_size(), 2);
  EXPECT_EQ(b->row(1).observation(0).value_size(), 2);  // both race outcomes
  EXPECT_EQ(BaselineFileName("linux", "6.1.0-31-amd64"), "linux-6.1.0-31-amd64.textproto");
  EXPECT_FALSE(BaselineFrom(judged.record, judged.rows, "lwip").ok());
}

TEST(Baseline, SameReportHasNoDifferenceAndAnEditedValueIsExactlyOne) {
  const JudgedReport report(Parsed(kReport));
  v1::Baseline b = *BaselineFrom(report.record, report.rows, "linux");
  const std::string dir = ::testing::TempDir() + "/baselines";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + BaselineFileName("linux", b.version());
  ASSERT_THAT(WriteBaseline(b, path), IsOk());
  absl::StatusOr<v1::Baseline> read = ReadBaseline(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(CompareWithBaseline(*read, report.rows, path).empty());

  read->mutable_row(0)->mutable_observation(1)->set_value(0, "ECONNRESET");
  std::vector<v1::BaselineDifference> d = CompareWithBaseline(*read, report.rows, path);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].case_name(), "send_after_rst[reset_by=linger_zero]");
  EXPECT_EQ(d[0].what(), "send2");
  EXPECT_EQ(d[0].baseline(), "ECONNRESET");
  EXPECT_EQ(d[0].observed(), "EPIPE");
  EXPECT_EQ(d[0].kind(), v1::BaselineDifference::KIND_CHANGE);
}

TEST(Baseline, ARaceMayShowFewerOutcomesButNotANewOne) {
  const JudgedReport report(Parsed(kReport));
  v1::Baseline b = *BaselineFrom(report.record, report.rows, "linux");
  b.mutable_row(1)->mutable_observation(0)->add_value("FIN_WAIT_2");
  EXPECT_TRUE(CompareWithBaseline(b, report.rows, "f").empty());
  b.mutable_row(1)->mutable_observation(0)->clear_value();
  b.mutable_row(1)->mutable_observation(0)->add_value("TIME_WAIT");
  ASSERT_EQ(CompareWithBaseline(b, report.rows, "f").size(), 1u);
}

TEST(Baseline, AVerdictThatNoLongerMatchesIsARegression) {
  const JudgedReport report(Parsed(kReport));
  v1::Baseline b = *BaselineFrom(report.record, report.rows, "linux");
  // The same observations, but an expectation of the first row no longer held.
  const std::string deviated = std::string(kReport).replace(
      std::string(kReport).find("outcome_parts"), 0,
      "expectations { applies: true met: false expectation { step: \"send1\" } } ");
  const JudgedReport worse(Parsed(deviated));
  std::vector<v1::BaselineDifference> d = CompareWithBaseline(b, worse.rows, "f");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind(), v1::BaselineDifference::KIND_REGRESSION);
  EXPECT_EQ(d[0].what(), "verdict");
}

TEST(Baseline, AStepThatRanWithoutItsExpectationIsNotCalledUnobserved) {
  const JudgedReport report(Parsed(kReport));
  v1::Baseline b = *BaselineFrom(report.record, report.rows, "linux");
  // The case lost its expectation on send2: the step still ran, but no
  // outcome names it any more.
  std::string text = kReport;
  text.replace(text.find("outcome_parts { what: \"send2\" value: \"EPIPE\" }"),
               std::string("outcome_parts { what: \"send2\" value: \"EPIPE\" }").size(),
               "steps { id: \"send2\" }");
  const JudgedReport removed(Parsed(text));
  std::vector<v1::BaselineDifference> d = CompareWithBaseline(b, removed.rows, "f");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].what(), "send2");
  EXPECT_EQ(d[0].observed(), "expectation removed");
  // A step that did not run at all is not observed.
  text.replace(text.find("steps { id: \"send2\" }"), 0, "steps { id: \"x\" } ");
  text.replace(text.find("steps { id: \"send2\" }"), std::string("steps { id: \"send2\" }").size(),
               "steps { id: \"send2\" skipped: true }");
  const JudgedReport skipped(Parsed(text));
  d = CompareWithBaseline(b, skipped.rows, "f");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].observed(), "not observed");
}

TEST(Baseline, MalformedFileSaysWhere) {
  const std::string path = ::testing::TempDir() + "/bad.textproto";
  std::ofstream(path) << "platform: \"linux\"\nrow { nonsense: 1 }\n";
  EXPECT_THAT(std::string(ReadBaseline(path).status().message()),
              HasSubstr("bad.textproto:2:"));
}

}  // namespace
}  // namespace closeprobe::controller
