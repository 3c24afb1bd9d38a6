// Merging reports of several hosts, and documented columns for platforms no
// run observed.
#include "controller/report/report_merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/cases/case_set.h"
#include "controller/judge/verdicts.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

using ::testing::HasSubstr;

v1::Report ReportOf(const std::string& host, const std::string& started) {
  v1::Report r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "started_at: \"" + started + "\" topology: \"netns\" " +
          "platforms { name: \"linux\" subject { info { platform: \"linux\" hostname: \"" + host +
          "\" } } } results { case_name: \"c\" platform: \"linux\" claim: \"C8\" }",
      &r));
  return r;
}

TEST(ReportMerge, SamePlatformOnTwoHostsGetsTwoColumnsWithProvenance) {
  v1::Report merged = MergeReports({{"a.json", ReportOf("h1", "2026-01-02T00:00:00Z")},
                                    {"b.json", ReportOf("h2", "2026-01-01T00:00:00Z")}});
  ASSERT_EQ(merged.platforms_size(), 2);
  EXPECT_EQ(merged.platforms(0).name(), "linux");
  EXPECT_EQ(merged.platforms(1).name(), "linux@h2");
  EXPECT_EQ(merged.platforms(1).from_report(), "b.json");
  EXPECT_EQ(merged.started_at(), "2026-01-01T00:00:00Z");
  EXPECT_EQ(merged.results(1).platform(), "linux@h2");
}

TEST(ReportMerge, KeepsCaseFileHashesAndWarnsWhenRunsRanDifferentCases) {
  v1::Report a = ReportOf("h1", "t"), b = ReportOf("h2", "t");
  (*a.mutable_case_file_hashes())["c"] = "00000000000000aa";
  (*b.mutable_case_file_hashes())["c"] = "00000000000000bb";
  v1::Report same = MergeReports({{"a.json", a}, {"a2.json", a}});
  EXPECT_EQ(same.case_file_hashes().at("c"), "00000000000000aa");
  EXPECT_EQ(same.warnings_size(), 0);
  v1::Report differ = MergeReports({{"a.json", a}, {"b.json", b}});
  ASSERT_EQ(differ.warnings_size(), 1);
  EXPECT_THAT(differ.warnings(0), HasSubstr("case file c differs between the merged runs"));
  EXPECT_THAT(differ.warnings(0), HasSubstr("00000000000000bb in b.json"));
}

TEST(ReportMerge, DocumentedCellsAreNeverObservations) {
  absl::StatusOr<CaseSet> set = ParseCaseSet("cases/c.textproto", R"(
    name: "c" claim: "C8" summary: "s" roles: ["a"] subject: "a"
    step { role: "a" socket {} as: "h" }
    step { role: "a" close { on: "h" } id: "close" }
    expect { step: "close" error: "OK" }
    expect { step: "close" platform: "windows" error: "EWOULDBLOCK" source: "docs" })");
  ASSERT_TRUE(set.ok()) << set.status();
  v1::Report merged = MergeReports({{"a.json", ReportOf("h1", "t")}});
  AddDocumentedColumns(set->rows, &merged);
  const MatrixRows rows = JudgeReport(&merged);
  ASSERT_EQ(merged.platforms_size(), 2);
  EXPECT_TRUE(merged.platforms(1).documented());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].platform, "windows");
  EXPECT_EQ(rows[1].verdict, v1::VERDICT_DOCUMENTED);
  EXPECT_THAT(rows[1].key_observation, HasSubstr("close: error=EWOULDBLOCK"));
  EXPECT_EQ(merged.summary().documented(), 1);
  EXPECT_EQ(merged.summary().matched(), 1);  // the observed row only
}

}  // namespace
}  // namespace closeprobe::controller
