// The report formats of a real run: report.html rendered by headless
// Chromium (the matrix and every ladder checked in the DOM), junit.xml
// validated against the JUnit structure with xmllint, matrix.md compared
// cell by cell with report.json.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "controller/report/report_writers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ReportFormats : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir());
    // As root the run is between namespaces and captures the wire; otherwise
    // on loopback (no capture: the ladders then have no arrows, still checked).
    ProcessResult r = RunProcess(
        {BinDir() + "/closeprobe", "run", "--platforms=linux", "--out", *dir_, "--port_base=29000",
         "cases/normal_close.textproto", "cases/send_after_rst.textproto",
         "cases/shutdown_write.textproto", "cases/error_then_linger_zero.textproto",
         "tests/testdata/deviates_on_purpose.textproto"},
        180);
    exit_code_ = r.exit_code;
    log_ = new std::string(r.err);
    matrix_ = new std::string(r.out);
    report_ = new v1::Report();
    controller::ReadJsonReport(*dir_ + "/report.json", report_).IgnoreError();
  }
  static void TearDownTestSuite() { RemoveTree(*dir_); }

  static std::string* dir_;
  static std::string* log_;
  static std::string* matrix_;  // the terminal's
  static v1::Report* report_;
  static int exit_code_;
};
std::string* ReportFormats::dir_ = nullptr;
std::string* ReportFormats::log_ = nullptr;
std::string* ReportFormats::matrix_ = nullptr;
v1::Report* ReportFormats::report_ = nullptr;
int ReportFormats::exit_code_ = -1;

TEST_F(ReportFormats, TheRunDeviatesOnlyWhereTheFixtureSaysSo) {
  EXPECT_EQ(exit_code_, 1) << *log_;
  // normal_close[peer=linux], send_after_rst's 4 iterations, two more and
  // the fixture's two.
  EXPECT_EQ(report_->summary().cases(), 9);
  EXPECT_EQ(report_->summary().deviated(), 2);
}

// A column that missed only the claim's expectation (it has none of its own
// for the step) is judged on the claim: clm, not DEV, in every format; it
// still counts as deviated (exit 1 above).
TEST_F(ReportFormats, AColumnJudgedOnTheClaimAloneSaysSo) {
  const auto cell_after = [&](const std::string& name) {
    const size_t row = matrix_->find(name + "  (C12)\n");
    EXPECT_NE(row, std::string::npos) << *matrix_;
    if (row == std::string::npos) return std::string();
    const size_t cell = matrix_->find('\n', row) + 1;
    return matrix_->substr(cell, matrix_->find('\n', cell) - cell);
  };
  EXPECT_THAT(cell_after("deviates_on_purpose[by=claim]"), HasSubstr(" clm REFUTED "));
  EXPECT_THAT(cell_after("deviates_on_purpose[by=own]"), HasSubstr(" DEV REFUTED "));
  EXPECT_THAT(*matrix_, HasSubstr("deviates_on_purpose[by=claim] (linux): step send expected "
                                  "error=OK result=64, observed error=ECONNRESET"));
  EXPECT_THAT(*matrix_, HasSubstr("(the claim's; no expectation of its own)"));
  const std::string html = FileText(*dir_ + "/report.html");
  EXPECT_THAT(html, HasSubstr("<span class=\"claim-only\">judged on the claim</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"deviated\">DEVIATED</span>"));
}

TEST_F(ReportFormats, HtmlMatrixAndLaddersInChromiumsDom) {
  const std::string chromium = "/usr/bin/chromium";
  if (access(chromium.c_str(), X_OK) != 0) GTEST_SKIP() << "chromium is not installed";
  const std::string profile = MakeTempDir();
  ProcessResult dom = RunProcess(
      {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
       "--no-first-run", "--disable-background-networking", "--disable-component-update",
       "--disable-sync", "--user-data-dir=" + profile, "--dump-dom",
       "file://" + *dir_ + "/report.html"},
      90);
  RemoveTree(profile);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::string& html = dom.out;
  ASSERT_THAT(html, HasSubstr("id=\"matrix\""));
  // One row per case, one column per platform.
  EXPECT_EQ(Count(html, "<tr class=\"case-row\""), report_->summary().cases());
  EXPECT_EQ(Count(html, "<th class=\"platform\">"), report_->platforms_size());
  // Every ladder has one arrow per captured segment of its (first) run.
  std::map<std::string, int> segments;
  for (const auto& r : report_->results()) {
    if (r.iteration() == 0) segments[r.case_name()] = r.segments_size();
  }
  int ladders = 0;
  for (absl::string_view part : absl::StrSplit(html, "<section class=\"case\" id=\"case-")) {
    const std::string text(part);
    const std::string name = text.substr(0, text.find('"'));
    if (segments.count(name) == 0) continue;
    const size_t svg = text.find("<svg class=\"ladder\"");
    ASSERT_NE(svg, std::string::npos) << name;
    const std::string ladder = text.substr(svg, text.find("</svg>", svg) - svg);
    SCOPED_TRACE(name);
    EXPECT_EQ(Count(ladder, "class=\"arrow"), segments[name]);
    ++ladders;
  }
  EXPECT_EQ(ladders, report_->summary().cases());
  if (geteuid() == 0) {
    EXPECT_GT(segments["normal_close[peer=linux]"], 5) << "as root the wire is captured";
  }
}

TEST_F(ReportFormats, JunitFollowsTheJunitStructure) {
  ProcessResult lint = RunProcess({"/usr/bin/xmllint", "--noout", "--schema",
                                   "tests/testdata/junit.xsd", *dir_ + "/junit.xml"},
                                  30);
  if (lint.exit_code == 127) GTEST_SKIP() << "xmllint is not installed";
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  const std::string xml = FileText(*dir_ + "/junit.xml");
  EXPECT_EQ(Count(xml, "<testcase "), report_->summary().cases());
  EXPECT_EQ(Count(xml, "<failure "), 2);
  EXPECT_THAT(xml, HasSubstr("name=\"deviates_on_purpose[by=claim]\""));
  EXPECT_EQ(Count(xml, "type=\"judged-on-claim\""), 1);
  EXPECT_EQ(Count(xml, "type=\"deviation\""), 1);
  EXPECT_THAT(xml, HasSubstr("expected error=OK result=64, observed error=ECONNRESET"));
}

TEST_F(ReportFormats, MarkdownHasTheCellsOfTheRecord) {
  const std::string md = FileText(*dir_ + "/matrix.md");
  std::map<std::string, std::string> rows;  // case -> its line
  for (absl::string_view line : absl::StrSplit(md, '\n')) {
    std::vector<std::string> cells = absl::StrSplit(line, " | ");
    if (cells.size() >= 3 && absl::StartsWith(line, "| ")) rows[cells[0].substr(2)] = std::string(line);
  }
  // From the record itself: each case's observation and verdict.
  for (const auto& r : report_->results()) {
    if (r.iteration() != 0) continue;
    SCOPED_TRACE(r.case_name());
    ASSERT_EQ(rows.count(r.case_name()), 1u);
    const std::string& line = rows[r.case_name()];
    EXPECT_THAT(line, HasSubstr(" | " + r.claim() + " | "));
    std::string key = r.key_observation();
    for (const auto& rep : report_->repeats()) {
      if (rep.case_name() == r.case_name()) key = rep.key_observation();
    }
    EXPECT_THAT(line, HasSubstr(key));
    const char* deviated = absl::StrContains(r.case_name(), "[by=claim]") ? "judged on the claim"
                                                                           : "DEVIATED";
    EXPECT_THAT(line, HasSubstr(r.verdict() == v1::VERDICT_DEVIATED && !r.race() ? deviated : "ok"));
    EXPECT_THAT(line, HasSubstr(r.claim_status() == v1::CLAIM_STATUS_REFUTED && !r.race() ? "REFUTED" : ""));
  }
  EXPECT_EQ(rows.size(), static_cast<size_t>(report_->summary().cases()) + 1);  // + header
}

}  // namespace
}  // namespace closeprobe::testing
