// Every file in cases/ loads and validates, names a known claim, and says
// what it does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "controller/cases/case_loader.h"
#include "controller/cases/case_set.h"
#include "tests/testutil/status_matchers.h"

namespace closeprobe::controller {
namespace {

using ::closeprobe::testing::IsOk;

TEST(Cases, EveryCaseFileIsValid) {
  absl::StatusOr<std::vector<std::string>> files = ExpandCasePaths({"cases"});
  ASSERT_THAT(files, IsOk());
  ASSERT_GE(files->size(), 12u);
  for (const std::string& file : *files) {
    SCOPED_TRACE(file);
    absl::StatusOr<CaseSet> set = LoadCaseSet({file});
    ASSERT_THAT(set, IsOk());
    for (const LoadedCase& row : set->rows) {
      EXPECT_FALSE(row.spec.expect().empty()) << "a row with no expectation decides nothing";
    }
  }
}

TEST(Cases, TheNamedScenariosOfTheDesignExist) {
  absl::StatusOr<std::vector<std::string>> files = ExpandCasePaths({"cases"});
  ASSERT_THAT(files, IsOk());
  std::set<std::string> names;
  for (const std::string& file : *files) names.insert(LoadCaseFile(file)->spec.name());
  for (const char* required : {"send_after_rst", "send_after_fin", "bind_in_2msl",
                               "client_reuseaddr_connect", "normal_close", "close_wait_persists",
                               "close_with_pending_data", "shutdown_write", "shutdown_read",
                               "linger_timeout", "keepalive_pulled_cable", "tcp_user_timeout",
                               "fin_wait_2_timeout", "time_wait_duration",
                               "error_then_linger_zero",
                               "simultaneous_close", "fin_consumes_sequence"}) {
    EXPECT_EQ(names.count(required), 1u) << required;
  }
}

TEST(Cases, EveryClaimOfClaimsMdIsTested) {
  absl::StatusOr<std::vector<std::string>> files = ExpandCasePaths({"cases"});
  ASSERT_THAT(files, IsOk());
  std::set<std::string> claims;
  absl::StatusOr<CaseSet> set = LoadCaseSet({"cases"});
  ASSERT_THAT(set, IsOk());
  for (const LoadedCase& it : set->rows) claims.insert(it.spec.claim());
  for (int i = 1; i <= 20; ++i) {
    EXPECT_EQ(claims.count("C" + std::to_string(i)), 1u) << "no case tests C" << i;
  }
}

}  // namespace
}  // namespace closeprobe::controller
