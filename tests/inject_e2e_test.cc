// Crafted segments end to end between two network namespaces (root only):
// an injected RST reaches the subject's stack as from the wire, its answer
// is captured and attributed, the injected segment is marked, a raw peer
// drives a handshake of its own, and a number that cannot be resolved is an
// error naming the step.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testutil/report_helpers.h"
#include "tests/testutil/suite_run.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

class InjectE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    run_ = StartSuiteRun({"--topology=netns", "--platforms=linux",
                          "cases/rst_into_established.textproto",
                          "cases/raw_peer_rst_in_syn_received.textproto",
                          "tests/testdata/inject_unresolved.textproto"},
                         120);
  }
  static void TearDownTestSuite() { EndSuiteRun(run_); }
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "injection and namespaces need root (CI runs as root)";
    ASSERT_EQ(run_->report.results_size(), 3 + 2 + 1) << run_->log;
  }
  const v1::CaseResult& Case(const std::string& name) { return RequireCase(run_->report, name); }
  static int Injected(const v1::CaseResult& r) {
    int n = 0;
    for (const auto& s : r.segments()) n += s.injected() ? 1 : 0;
    return n;
  }
  static SuiteRun* run_;
};
SuiteRun* InjectE2e::run_ = nullptr;

TEST_F(InjectE2e, ExactRstResetsTheSubject) {
  const v1::CaseResult& r = Case("rst_into_established[seq=exact]");
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << r.error();
  EXPECT_EQ(StepObserved(r, "after"), "TCP_STATE_CLOSED");
  EXPECT_EQ(StepObserved(r, "read"), "ERROR_NAME_ECONNRESET");
  ASSERT_EQ(Injected(r), 1);
  const v1::StepRecord* rst = FindStep(r, "rst");
  ASSERT_NE(rst, nullptr);
  EXPECT_EQ(rst->injected().segment().flags(), "R");
  EXPECT_THAT(rst->injected().resolved(), HasSubstr("seq = "));
}

TEST_F(InjectE2e, InWindowRstDrawsAChallengeAckOnLinux) {
  const v1::CaseResult& r = Case("rst_into_established[seq=in_window]");
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << r.error();
  EXPECT_EQ(StepObserved(r, "after"), "TCP_STATE_ESTABLISHED");
  // The injected RST, then the server's ACK: its ack is what it expects next.
  int at = -1;
  for (int i = 0; i < r.segments_size(); ++i) {
    if (r.segments(i).injected()) at = i;
  }
  ASSERT_GE(at, 0);
  EXPECT_EQ(r.segments(at).from_role(), "client");
  ASSERT_LT(at + 1, r.segments_size());
  const v1::WireSegment& ack = r.segments(at + 1);
  EXPECT_EQ(ack.from_role(), "server");
  EXPECT_EQ(ack.flags(), "A");
  EXPECT_EQ(ack.raw().ack() + 1, r.segments(at).raw().seq());
}

TEST_F(InjectE2e, RawPeerHandshakeAndItsReset) {
  const v1::CaseResult& yes = Case("raw_peer_rst_in_syn_received[rst=yes]");
  EXPECT_EQ(yes.verdict(), v1::VERDICT_MATCHED) << yes.error();
  EXPECT_EQ(Injected(yes), 2);
  EXPECT_EQ(SentSegments(yes, "server", "SA"), 1);
  const v1::CaseResult& no = Case("raw_peer_rst_in_syn_received[rst=no]");
  EXPECT_EQ(no.verdict(), v1::VERDICT_MATCHED) << no.error();
  EXPECT_GE(SentSegments(no, "server", "SA"), 2);  // without the RST it retransmits
  EXPECT_EQ(SentSegments(no, "client", "R"), 0);   // the client's kernel kept quiet
}

TEST_F(InjectE2e, AnUnresolvableNumberIsAnErrorNamingTheStep) {
  const v1::CaseResult& r = Case("inject_unresolved");
  EXPECT_EQ(r.verdict(), v1::VERDICT_ERROR);
  // Where the step is written, and which call it was.
  EXPECT_THAT(r.error(), HasSubstr("inject_unresolved.textproto:9:1: step 2 (inject(lsn, R) as from client)"));
  EXPECT_THAT(r.error(), HasSubstr("cannot resolve seq: the capture has seen nothing from"));
}

}  // namespace
}  // namespace closeprobe::testing
