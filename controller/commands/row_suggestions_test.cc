// What `closeprobe show` suggests for a row name it cannot find: grid
// iterations, names begun, typing slips, and other reports that have it.
#include "controller/commands/row_suggestions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::vector<std::string> kRows = {
    "normal_close",
    "close_with_pending_data[linger=off,pending=unread]",
    "close_with_pending_data[linger=zero,pending=none]",
    "close_with_pending_data[linger=zero,pending=unread]",
    "send_after_rst",
    "send_after_peer_close",
};

TEST(EditDistance, CountsInsertionsDeletionsAndReplacements) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("close", "close"), 0);
  EXPECT_EQ(EditDistance("close", "clsoe"), 2);
  EXPECT_EQ(EditDistance("close", "closed"), 1);
  EXPECT_EQ(EditDistance("normal_close", "normal-clse"), 2);
  EXPECT_EQ(EditDistance("abc", ""), 3);
}

TEST(NearRowNames, AGridCaseNameSuggestsItsIterations) {
  EXPECT_THAT(NearRowNames("close_with_pending_data", kRows),
              ElementsAre("close_with_pending_data[linger=off,pending=unread]",
                          "close_with_pending_data[linger=zero,pending=none]",
                          "close_with_pending_data[linger=zero,pending=unread]"));
}

TEST(NearRowNames, SomeParametersNarrowTheIterations) {
  EXPECT_THAT(NearRowNames("close_with_pending_data[pending=unread]", kRows),
              ElementsAre("close_with_pending_data[linger=off,pending=unread]",
                          "close_with_pending_data[linger=zero,pending=unread]"));
}

TEST(NearRowNames, ABeginningSuggestsTheNamesItBegins) {
  EXPECT_THAT(NearRowNames("send_after", kRows),
              ElementsAre("send_after_rst", "send_after_peer_close"));
}

TEST(NearRowNames, TypingSlipsAreForgivenClosestFirst) {
  EXPECT_THAT(NearRowNames("normal_clsoe", kRows), ElementsAre("normal_close"));
  EXPECT_THAT(NearRowNames("send_after_rts", kRows), ElementsAre("send_after_rst"));
}

TEST(NearRowNames, FarNamesAreNotSuggested) {
  EXPECT_THAT(NearRowNames("listen_backlog_queue", kRows), IsEmpty());
  EXPECT_THAT(NearRowNames("x", kRows), IsEmpty());
}

TEST(NearRowNames, AtMostTheLimit) {
  EXPECT_EQ(NearRowNames("close_with_pending_data", kRows, 2).size(), 2u);
}

TEST(ReportsWithRow, FindsTheOtherReportThatHasTheRow) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() /
                        ("row_suggestions_test." + std::to_string(::testing::UnitTest::GetInstance()
                                                                      ->random_seed()));
  fs::remove_all(root);
  v1::Report with_row, without_row;
  with_row.add_results()->set_case_name("close_with_pending_data[linger=zero,pending=none]");
  without_row.add_results()->set_case_name("normal_close");
  ASSERT_TRUE(WriteJsonReport(without_row, (root / "mine").string()).ok());
  ASSERT_TRUE(WriteJsonReport(with_row, (root / "latest").string()).ok());
  ASSERT_TRUE(WriteJsonReport(without_row, (root / "older").string()).ok());

  EXPECT_THAT(ReportsWithRow("close_with_pending_data", (root / "mine").string()),
              ElementsAre((root / "latest").string()));
  EXPECT_THAT(ReportsWithRow("normal_close", (root / "mine").string()),
              ElementsAre((root / "older").string()));
  EXPECT_THAT(ReportsWithRow("no_such_case", (root / "mine" / "report.json").string()), IsEmpty());
  fs::remove_all(root);
}

}  // namespace
}  // namespace closeprobe::controller
