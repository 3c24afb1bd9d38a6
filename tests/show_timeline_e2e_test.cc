// `closeprobe show` tells the truth of a run's timeline: a blocking call is
// drawn when it returned, with its duration; calls, states and segments on
// one clock; the same roles on the same sides; segments a fault dropped
// drawn as dropped; payloads escaped onto one line.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

TEST(ShowTimeline, BlockingCallsFaultsAndPayloadsAreDrawnAsTheyHappened) {
  if (geteuid() != 0) GTEST_SKIP() << "faults need root (nftables in network namespaces)";
  const std::string dir = MakeTempDir();
  ProcessResult run = RunProcess({BinDir() + "/closeprobe", "run", "--platforms=linux",
                                  "--port_base=30500", "--out", dir,
                                  "tests/testdata/show_timeline.textproto"},
                                 120);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  ProcessResult show = RunProcess(
      {BinDir() + "/closeprobe", "show", "show_timeline", "--report", dir}, 30);
  ASSERT_EQ(show.exit_code, 0) << show.err;
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
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
