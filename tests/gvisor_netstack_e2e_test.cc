// The gvisor-netstack column end to end: closeprobe-agent-gvisor (gVisor's netstack on
// a TAP device in a namespace of its own) against a Linux peer, through the
// controller, with states, wire capture, faults and settings.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testutil/report_helpers.h"
#include "tests/testutil/suite_run.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

class GvisorNetstackE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0 || access((BinDir() + "/closeprobe-agent-gvisor").c_str(), X_OK) != 0) {
      return;
    }
    run_ = StartSuiteRun(
        {"--platforms=linux,gvisor-netstack", "--port_base=24000", "cases/normal_close.textproto",
         "cases/send_after_rst.textproto", "cases/fin_retransmitted_into_time_wait.textproto",
         "cases/fin_wait_2_timeout.textproto", "cases/linger_timeout.textproto",
         "tests/testdata/recv_smaller_than_queued.textproto"},
        240);
  }
  static void TearDownTestSuite() { EndSuiteRun(run_); }
  void SetUp() override {
    if (run_ == nullptr) GTEST_SKIP() << "needs root and closeprobe-agent-gvisor (CI has both)";
    ASSERT_EQ(report().platforms_size(), 2) << run_->log;
    ASSERT_EQ(report().platforms(1).name(), "gvisor-netstack") << run_->log;
  }
  static const v1::Report& report() { return run_->report; }
  const v1::CaseResult& Case(const std::string& name, const std::string& platform = "gvisor-netstack") {
    return RequireCase(report(), name, platform);
  }
  static SuiteRun* run_;
};
SuiteRun* GvisorNetstackE2e::run_ = nullptr;

TEST_F(GvisorNetstackE2e, EveryCellIsAnObservationOrNotSupportedWithAReason) {
  int gvisor_cells = 0;
  for (const auto& r : report().results()) {
    if (r.platform() != "gvisor-netstack") continue;
    ++gvisor_cells;
    SCOPED_TRACE(r.case_name());
    EXPECT_NE(r.verdict(), v1::VERDICT_ERROR) << r.error();
    if (r.verdict() == v1::VERDICT_NOT_SUPPORTED) {
      EXPECT_FALSE(r.error().empty());
    }
  }
  EXPECT_GT(gvisor_cells, 10);
}

TEST_F(GvisorNetstackE2e, NormalCloseWalksTheStatesAndTheOrphanHoldsTimeWait) {
  const v1::CaseResult& r = Case("normal_close[peer=linux]");
  EXPECT_EQ(r.role_platforms().at("client"), "gvisor-netstack");
  EXPECT_EQ(r.role_platforms().at("server"), "linux");
  EXPECT_EQ(StepObserved(r, "client_half_closed"), "TCP_STATE_FIN_WAIT_2");
  EXPECT_EQ(StepObserved(r, "client_after_both"), "TCP_STATE_TIME_WAIT");  // a dangling endpoint
  EXPECT_EQ(StepObserved(r, "server_after_both"), "TCP_STATE_CLOSED");
  EXPECT_TRUE(r.captured());
  EXPECT_EQ(SentSegments(r, "client", "F"), 1);
  EXPECT_EQ(SentSegments(r, "server", "F"), 1);
}

TEST_F(GvisorNetstackE2e, SendAfterResetIsEconnresetThenEpipeWithTcpipErrorNames) {
  for (const char* sender : {"blocking", "nonblocking"}) {
    const std::string name =
        std::string("send_after_rst[reset_by=linger_zero,sender=") + sender + ",peer=linux]";
    const v1::CaseResult& r = Case(name);
    EXPECT_EQ(StepObserved(r, "send1"), "ERROR_NAME_ECONNRESET") << name;
    EXPECT_EQ(StepObserved(r, "send2"), "ERROR_NAME_EPIPE") << name;
    ASSERT_NE(FindStep(r, "send1"), nullptr);
    EXPECT_EQ(FindStep(r, "send1")->result().native_name(), "ErrConnectionReset");
    EXPECT_THAT(FindStep(r, "send2")->result().native_name(), HasSubstr("ErrClosedForSend"));
    EXPECT_EQ(FindStep(r, "send1")->result().native_code(), 104);
  }
}

TEST_F(GvisorNetstackE2e, RetransmittedFinTakesLastAckToFinWait1AsTheSourceSays) {
  const v1::CaseResult& r = Case("fin_retransmitted_into_time_wait");
  EXPECT_EQ(StepObserved(r, "passive_last_ack"), "TCP_STATE_LAST_ACK");
  EXPECT_EQ(StepObserved(r, "still_last_ack"), "TCP_STATE_FIN_WAIT_1");
  EXPECT_EQ(StepObserved(r, "passive_closed"), "TCP_STATE_FIN_WAIT_2");
  EXPECT_GE(SentSegments(r, "server", "F"), 2);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << "gVisor's expectation, cited in the case";
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_REFUTED);
}

TEST_F(GvisorNetstackE2e, FinWait2TimeoutIsTheSettingAndEndsWithoutReset) {
  const v1::CaseResult& r = Case("fin_wait_2_timeout");
  ASSERT_NE(FindStep(r, "fin_wait_2_ends"), nullptr);
  const auto& wait = FindStep(r, "fin_wait_2_ends")->wait();
  EXPECT_TRUE(wait.reached());
  // tcp_fin_timeout=3 becomes gVisor's TCPLingerTimeoutOption (60 s by default).
  EXPECT_GT(wait.waited_ns(), 2'000'000'000);
  EXPECT_LT(wait.waited_ns(), 8'000'000'000);
  EXPECT_EQ(SentSegments(r, "client", "R"), 0);
}

TEST_F(GvisorNetstackE2e, CutLinkDropsAtTheLinkEndpointAndLingerBlocks) {
  const v1::CaseResult& r = Case("linger_timeout[blocking=true,link=cut]");
  EXPECT_EQ(StepObserved(r, "close"), "ERROR_NAME_OK");
  const int64_t close_ns = FindStep(r, "close")->result().duration_ns();
  EXPECT_GT(close_ns, 1'500'000'000);
  EXPECT_LT(close_ns, 4'000'000'000);
  EXPECT_GE(SentSegments(r, "client", "P"), 1) << "the dropped data is retransmitted";
  EXPECT_EQ(StepObserved(r, "server_got"), "ERROR_NAME_OK");
}

// The socket table reads through the endpoint with a writer of the asked
// size: a short read must stop there and keep the rest queued.
TEST_F(GvisorNetstackE2e, RecvSmallerThanQueuedReturnsWhatItAskedFor) {
  const v1::CaseResult& r = Case("recv_smaller_than_queued");
  ASSERT_NE(FindStep(r, "first"), nullptr);
  EXPECT_EQ(FindStep(r, "first")->result().return_value(), 10);
  EXPECT_EQ(FindStep(r, "rest")->result().return_value(), 2990);
}

TEST_F(GvisorNetstackE2e, PairingsPutGvisorOnEitherSide) {
  const v1::CaseResult* linux_gvisor = FindCase(report(), "normal_close[peer=gvisor-netstack]", "linux");
  ASSERT_NE(linux_gvisor, nullptr);
  EXPECT_EQ(linux_gvisor->role_platforms().at("client"), "linux");
  EXPECT_EQ(linux_gvisor->role_platforms().at("server"), "gvisor-netstack");
  EXPECT_EQ(linux_gvisor->verdict(), v1::VERDICT_MATCHED) << linux_gvisor->error();
  const v1::CaseResult* gvisor_gvisor = FindCase(report(), "normal_close[peer=gvisor-netstack]", "gvisor-netstack");
  ASSERT_NE(gvisor_gvisor, nullptr);
  EXPECT_EQ(gvisor_gvisor->verdict(), v1::VERDICT_NOT_SUPPORTED);
}

TEST_F(GvisorNetstackE2e, InfoReportsTheSnapshotAndItsCloseSettings) {
  const auto& info = report().platforms(1).subject().info();
  EXPECT_EQ(info.platform(), "gvisor-netstack");
  EXPECT_THAT(info.stack_version(), HasSubstr("20221219"));
  EXPECT_EQ(info.settings().at("tcp.DefaultTCPTimeWaitTimeout"), "60");
  EXPECT_EQ(info.settings().at("net.ipv4.tcp_fin_timeout"), "60");
  EXPECT_EQ(info.settings().at("tcp.DefaultKeepaliveIdle"), "7200");
  EXPECT_THAT(std::vector<std::string>(info.features().begin(), info.features().end()),
              ::testing::IsSupersetOf({"capture", "faults", "settings"}));
}

}  // namespace
}  // namespace closeprobe::testing
