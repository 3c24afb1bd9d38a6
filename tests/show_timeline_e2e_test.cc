// `closeprobe show` tells the truth of a run's timeline: a blocking call is
// drawn when it returned, with its duration; a wait when it was satisfied;
// calls, states and segments on one clock; the same roles on the same
// sides; segments a fault dropped drawn as dropped; payloads escaped onto
// one line; values read as values. A row it cannot find gets the names near
// it and the other reports that have it.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "controller/report/report_writers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

// The ladder's lines: "   12.345 ms  role ..." -> (ms, rest).
std::vector<std::pair<double, std::string>> LadderLines(const std::string& show) {
  std::vector<std::pair<double, std::string>> out;
  for (absl::string_view line : absl::StrSplit(show, '\n')) {
    const size_t ms = line.find(" ms  ");
    double t = 0;
    if (ms == std::string::npos ||
        !absl::SimpleAtod(absl::StripAsciiWhitespace(line.substr(0, ms)), &t)) {
      continue;
    }
    out.emplace_back(t, std::string(line.substr(ms + 5)));
  }
  return out;
}

// Runs one case file on the linux column into `dir` and shows its row
// (the case's name is the file's).
void RunAndShow(const std::string& file, const std::string& port_base, const std::string& dir,
                ProcessResult* show) {
  ProcessResult run = RunProcess({BinDir() + "/closeprobe", "run", "--platforms=linux",
                                  "--port_base=" + port_base, "--out", dir, file},
                                 120);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  const std::string name = std::filesystem::path(file).stem().string();
  *show = RunProcess({BinDir() + "/closeprobe", "show", name, "--report", dir}, 30);
  ASSERT_EQ(show->exit_code, 0) << show->err;
}

TEST(ShowTimeline, BlockingCallsFaultsAndPayloadsAreDrawnAsTheyHappened) {
  if (geteuid() != 0) GTEST_SKIP() << "faults need root (nftables in network namespaces)";
  const std::string root = MakeTempDir();
  ProcessResult show;
  ASSERT_NO_FATAL_FAILURE(
      RunAndShow("tests/testdata/show_timeline.textproto", "30500", root + "/latest", &show));
  const auto lines = LadderLines(show.out);
  ASSERT_FALSE(lines.empty()) << show.out;

  // The blocking recv is drawn when it returned, at least 400 ms after the
  // send it waited behind, and says how long it took.
  double sent_at = -1, blocked_at = -1;
  for (const auto& [t, text] : lines) {
    if (text.find("send(c") != std::string::npos) sent_at = t;
    if (text.find("recv(s)") != std::string::npos && text.find("TIMEOUT") != std::string::npos) {
      blocked_at = t;
      const size_t took = text.find("(took ");
      double ms = 0;
      ASSERT_NE(took, std::string::npos) << text;
      ASSERT_TRUE(absl::SimpleAtod(text.substr(took + 6, text.find(" ms", took) - took - 6), &ms));
      EXPECT_GT(ms, 350) << text;  // it waited for its 400 ms deadline
      EXPECT_LT(ms, 5000) << text;
    }
  }
  ASSERT_GE(sent_at, 0) << show.out;
  ASSERT_GE(blocked_at, 0) << show.out;
  EXPECT_GT(blocked_at - sent_at, 350) << show.out;

  // Times never go backwards: one origin for calls, states and segments.
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_GE(lines[i].first, lines[i - 1].first);

  // The payload is escaped onto its line; every line of the ladder is one event.
  EXPECT_THAT(show.out, HasSubstr("line one\\r\\nline two"));
  EXPECT_EQ(show.out.find("line one\r"), std::string::npos);

  // The data segment the fault dropped is drawn as dropped, the
  // retransmission after the lift as arrived; the client is always left.
  int dropped = 0, delivered = 0;
  for (const auto& [t, text] : lines) {
    if (text.find("seq=") == std::string::npos) continue;
    EXPECT_EQ(text.rfind("client ", 0), 0u) << text;
    if (text.find("len=") == std::string::npos) continue;
    if (text.find("DROPPED") != std::string::npos) {
      ++dropped;
      EXPECT_THAT(text, HasSubstr("---x"));
    } else {
      ++delivered;
    }
  }
  EXPECT_GE(dropped, 1) << show.out;
  EXPECT_GE(delivered, 1) << show.out;

  // A value read back is drawn as the value, not as the call's 0.
  EXPECT_THAT(show.out, HasSubstr("getsockopt(s, TCP_KEEPCNT) -> 7\n"));

  // The background wait is drawn when its state was reached: after the
  // client's FIN arrived, before the recv that followed it, having waited
  // for the 100 ms sleep.
  int fin = -1, wait = -1, eof = -1;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    const std::string& text = lines[i].second;
    if (text.find("---->") != std::string::npos && text.find(" FA seq") != std::string::npos) fin = i;
    if (text.find("wait_state(s, CLOSE_WAIT") != std::string::npos) wait = i;
    if (text.find("recv(s) = 0") != std::string::npos) eof = i;
  }
  ASSERT_GE(fin, 0) << show.out;
  ASSERT_GE(wait, 0) << show.out;
  ASSERT_GE(eof, 0) << show.out;
  EXPECT_LT(fin, wait) << show.out;
  EXPECT_LT(wait, eof) << show.out;
  EXPECT_LT(lines[wait].first - lines[fin].first, 50) << show.out;  // sampled every ms
  EXPECT_THAT(lines[wait].second, HasSubstr("-> CLOSE_WAIT (took "));
  // Exactly when the agent first saw the state (its last transition), on
  // the segments' clock.
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(root + "/latest/report.json", &report).ok());
  ASSERT_EQ(report.results_size(), 1);
  int64_t reached_ns = 0, fin_ns = 0;
  for (const v1::StepRecord& s : report.results(0).steps()) {
    if (s.id() == "fin_seen") reached_ns = s.wait().transitions().rbegin()->at_unix_ns();
  }
  for (const v1::WireSegment& w : report.results(0).segments()) {
    if (w.from_role() == "client" && w.flags().find('F') != std::string::npos) fin_ns = w.raw().unix_ns();
  }
  ASSERT_NE(reached_ns, 0);
  ASSERT_NE(fin_ns, 0);
  EXPECT_NEAR(lines[wait].first - lines[fin].first, (reached_ns - fin_ns) / 1e6, 0.003) << show.out;
  RemoveTree(root);
}

TEST(ShowTimeline, PremisesSayWhetherTheyHeld) {
  if (geteuid() != 0) GTEST_SKIP() << "local agents in network namespaces need root";
  const std::string dir = MakeTempDir();
  ProcessResult show;
  ASSERT_NO_FATAL_FAILURE(
      RunAndShow("cases/after_reset_consumed.textproto", "30540", dir, &show));
  EXPECT_THAT(show.out, HasSubstr("  premise held     reset_arrived: reached=true"));
  // SO_ERROR after the reset was consumed reads 0: drawn as the value read.
  EXPECT_THAT(show.out, HasSubstr("getsockopt(s, SO_ERROR) -> 0\n"));
  RemoveTree(dir);
}

// A row show cannot find: the names near it, the iterations of a grid case,
// and another report that has it, as commands to type.
TEST(ShowTimeline, AMissingRowSuggestsNamesAndReports) {
  if (geteuid() != 0) GTEST_SKIP() << "local agents in network namespaces need root";
  const std::string root = MakeTempDir();
  ProcessResult run = RunProcess({BinDir() + "/closeprobe", "run", "--platforms=linux",
                                  "--port_base=30560", "--out", root + "/latest",
                                  "cases/normal_close.textproto",
                                  "cases/close_with_pending_data.textproto"},
                                 300);
  ASSERT_NE(run.exit_code, 2) << run.err << run.out;
  ASSERT_NE(run.exit_code, 3) << run.err << run.out;
  const std::string show = BinDir() + "/closeprobe";

  ProcessResult slip = RunProcess({show, "show", "normal_clsoe", "--report", root + "/latest"}, 30);
  EXPECT_EQ(slip.exit_code, 2);
  EXPECT_THAT(slip.err, HasSubstr("no row 'normal_clsoe'"));
  EXPECT_THAT(slip.err, HasSubstr("did you mean: normal_close"));

  ProcessResult grid =
      RunProcess({show, "show", "close_with_pending_data[linger=zero]", "--report", root + "/latest"}, 30);
  EXPECT_EQ(grid.exit_code, 2);
  EXPECT_THAT(grid.err, HasSubstr("did you mean: close_with_pending_data[linger=zero,"));
  EXPECT_EQ(grid.err.find("linger=off"), std::string::npos) << grid.err;

  // A report of another run, without the row: show names the one with it.
  std::filesystem::create_directories(root + "/mine");
  std::filesystem::copy_file("tests/testdata/empty_report.json", root + "/mine/report.json");
  ProcessResult elsewhere = RunProcess({show, "show", "normal_close", "--report", root + "/mine"}, 30);
  EXPECT_EQ(elsewhere.exit_code, 2);
  EXPECT_THAT(elsewhere.err,
              HasSubstr("another report has it: closeprobe show normal_close --report " + root +
                        "/latest"));
  RemoveTree(root);
}

}  // namespace
}  // namespace closeprobe::testing
