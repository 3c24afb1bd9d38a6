// Parameter grids: expansion into named iterations, conditions on steps and
// expectations, exclusions, per-iteration claims, and file:line errors.
#include "controller/cases/case_grid.h"
#include "controller/cases/case_set.h"
#include "controller/cases/version_requirement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/cases/case_validator.h"
#include "tests/testutil/status_matchers.h"

namespace closeprobe::controller {
namespace {

using ::closeprobe::testing::IsOk;
using ::closeprobe::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kGrid[] = R"(name: "grid"
claim: "C8"
summary: "a grid"
roles: ["client", "server"]
subject: "client"
param { name: "linger" values: ["off", "zero", "two_seconds"] }
param { name: "blocking" values: ["true", "false"] }
exclude { when: "linger=off" when: "blocking=false" why: "nothing to see" }
claim_when { when: "linger=two_seconds" claim: "C9" summary: "linger 2" }
step { role: "server" listen { port: "srv" } as: "lsn" }
step { role: "client" connect { to: "lsn" } as: "c" }
step { when: "linger=zero" role: "client" setsockopt { on: "c" linger { enabled: true seconds: 0 } } }
step { when: "linger=two_seconds" role: "client" setsockopt { on: "c" linger { enabled: true seconds: 2 } } }
step { when: "blocking=false" role: "client" set_blocking { on: "c" blocking: false } }
step { role: "client" close { on: "c" } id: "close" }
expect { step: "close" error: "OK" }
expect { when: "linger!=off" step: "close" duration_ms { max: 100 } }
)";

absl::Status Check(const std::string& text) {
  return ParseCaseSet("cases/grid.textproto", text).status();
}

// The rows of the grid, validated and expanded once.
std::vector<LoadedCase> Rows(const std::string& text) {
  absl::StatusOr<CaseSet> set = ParseCaseSet("cases/grid.textproto", text);
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? set->rows : std::vector<LoadedCase>{};
}


TEST(CaseGrid, ExpandsEveryCombinationButTheExcluded) {
  ASSERT_THAT(Check(kGrid), IsOk());
  std::vector<std::string> names;
  for (const LoadedCase& it : Rows(kGrid)) names.push_back(it.spec.name());
  EXPECT_THAT(names, ElementsAre("grid[linger=off,blocking=true]",
                                 "grid[linger=zero,blocking=true]",
                                 "grid[linger=zero,blocking=false]",
                                 "grid[linger=two_seconds,blocking=true]",
                                 "grid[linger=two_seconds,blocking=false]"));
}

TEST(CaseGrid, KeepsOnlyStepsAndExpectationsWhoseConditionsHold) {
  std::vector<LoadedCase> its = Rows(kGrid);
  const LoadedCase& off = its[0];
  EXPECT_EQ(off.spec.step_size(), 3);  // listen, connect, close
  EXPECT_EQ(off.spec.expect_size(), 1);
  EXPECT_EQ(off.spec.claim(), "C8");
  const LoadedCase& two_nb = its[4];
  EXPECT_EQ(two_nb.spec.step_size(), 5);
  std::vector<int> origins;
  for (const CaseStep& step : two_nb.steps) origins.push_back(step.origin);
  EXPECT_THAT(origins, ElementsAre(0, 1, 3, 4, 5));
  ASSERT_EQ(two_nb.steps.size(), 5u);
  EXPECT_EQ(two_nb.steps[2].step.DebugString(), two_nb.spec.step(2).DebugString());
  EXPECT_EQ(two_nb.spec.claim(), "C9");
  EXPECT_EQ(two_nb.spec.summary(), "linger 2");
  EXPECT_EQ(two_nb.base_name, "grid");
  EXPECT_EQ(two_nb.parameters.back().second, "false");
}

TEST(CaseGrid, PairingAddsThePeerToTheName) {
  LoadedCase it = Rows(kGrid)[1];
  LoadedCase paired = WithPeerPlatform(it, "lwip");
  EXPECT_EQ(paired.spec.name(), "grid[linger=zero,blocking=true,peer=lwip]");
  EXPECT_EQ(paired.peer_platform, "lwip");
}

TEST(CaseSet, PairingsExpandOnceIntoARowPerPeerPlatform) {
  const std::string paired = std::string(kGrid) + "pairings: true\n";
  absl::StatusOr<CaseSet> set = ParseCaseSet("cases/grid.textproto", paired);
  ASSERT_TRUE(set.ok()) << set.status();
  const size_t grid_rows = set->rows.size();
  ExpandPairings({"linux", "lwip"}, &*set);
  ASSERT_EQ(set->rows.size(), 2 * grid_rows);
  EXPECT_EQ(set->rows[0].spec.name(), "grid[linger=off,blocking=true,peer=linux]");
  EXPECT_EQ(set->rows[1].spec.name(), "grid[linger=off,blocking=true,peer=lwip]");
  EXPECT_EQ(set->rows[1].peer_platform, "lwip");
  // Resolved names travel with the row.
  EXPECT_EQ(set->rows[1].expects.size(), static_cast<size_t>(set->rows[1].spec.expect_size()));
}

TEST(CaseSet, NamesAreResolvedWhenLoaded) {
  const std::vector<LoadedCase> rows = Rows(kGrid);
  ASSERT_FALSE(rows.empty());
  ASSERT_EQ(rows[0].expects.size(), 1u);
  ASSERT_EQ(rows[0].expects[0].checks.size(), 1u);
  EXPECT_STREQ(rows[0].expects[0].checks[0]->field(), "error");
}

TEST(CaseGrid, UnknownParameterOrValueIsAnErrorWithItsLine) {
  std::string text = kGrid;
  text += "expect { when: \"linger=three\" step: \"close\" error: \"OK\" }\n"
          "expect { when: \"colour=red\" step: \"close\" error: \"OK\" }\n";
  absl::Status s = Check(text);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("cases/grid.textproto:18:")));
  EXPECT_THAT(s.message(), HasSubstr("'three' is not a value of 'linger'"));
  EXPECT_THAT(s.message(), HasSubstr("cases/grid.textproto:19:"));
  EXPECT_THAT(s.message(), HasSubstr("names no declared parameter"));
}

TEST(CaseGrid, AnIterationsErrorPointsAtTheFileLineAndNamesTheIteration) {
  std::string text = kGrid;
  // Only iterations with blocking=false lack the handle: the step refers to one never made.
  text += "step { when: \"blocking=false\" role: \"client\" close { on: \"nope\" } }\n";
  absl::Status s = Check(text);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("cases/grid.textproto:18:")));
  EXPECT_THAT(s.message(), HasSubstr("(in grid[linger=zero,blocking=false])"));
}

TEST(CaseGrid, ExclusionsThatLeaveNothingAreAnError) {
  std::string text = kGrid;
  text += "exclude { when: \"blocking=true|false\" }\n";
  EXPECT_THAT(Check(text),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("leave no iteration")));
}

TEST(CaseGrid, ConditionsParse) {
  EXPECT_TRUE(ParseGridCondition("a=b|c").ok());
  EXPECT_TRUE(ParseGridCondition("a!=b")->negated);
  EXPECT_FALSE(ParseGridCondition("a").ok());
  EXPECT_FALSE(ParseGridCondition("=b").ok());
  EXPECT_FALSE(ParseGridCondition("a=b|").ok());
}

TEST(VersionRequirement, ComparesNumberByNumber) {
  EXPECT_TRUE(VersionSatisfies("6.1.0-31-amd64", *ParseVersionRequirement(">= 6.1")));
  EXPECT_FALSE(VersionSatisfies("5.10.0-20-amd64", *ParseVersionRequirement(">= 6.1")));
  EXPECT_TRUE(VersionSatisfies("2.1.3", *ParseVersionRequirement("== 2.1.3")));
  EXPECT_TRUE(VersionSatisfies("2.1.3", *ParseVersionRequirement("< 2.2")));
  EXPECT_FALSE(ParseVersionRequirement("6.1").ok());
}

}  // namespace
}  // namespace closeprobe::controller
