// The lwIP agent against a Linux peer over the TAP link (root only): normal
// close with states, linger {1,0} with and without pending data, bind during
// TIME_WAIT, send after RST, observed on lwIP's side; and the pairings, with
// lwIP on the peer's side against a Linux subject.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/testutil/report_helpers.h"
#include "tests/testutil/suite_run.h"

namespace closeprobe::testing {
namespace {

class LwipE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0 || access((BinDir() + "/closeprobe-agent-lwip").c_str(), X_OK) != 0) return;
    run_ = StartSuiteRun(
        {"--platforms=linux,lwip", "--port_base=30000", "cases/normal_close.textproto",
         "cases/close_with_pending_data.textproto", "cases/bind_in_2msl.textproto",
         "cases/send_after_rst.textproto", "tests/testdata/wait_never_reached.textproto",
         "tests/testdata/sysctl_setting.textproto"},
        180);
  }
  static void TearDownTestSuite() { EndSuiteRun(run_); }
  void SetUp() override {
    if (run_ == nullptr) GTEST_SKIP() << "needs root and closeprobe-agent-lwip (CI has both)";
    ASSERT_EQ(run_->report.platforms_size(), 2) << run_->log;
    ASSERT_EQ(run_->report.platforms(1).name(), "lwip");
    // Pairing cases: [peer=linux] and [peer=lwip] in both columns, lwip
    // against lwip an n/s cell (normal_close, bind_in_2msl: 4 each;
    // send_after_rst: 4 iterations x 4); the pending-data grid: 5 iterations
    // x 2 columns; wait_never_reached and the sysctl fixture: 2 each.
    ASSERT_EQ(run_->report.results_size(), 4 + 4 + 16 + 10 + 2 + 2) << run_->log;
  }
  const v1::CaseResult& Case(const std::string& name, const std::string& platform = "lwip") {
    return RequireCase(run_->report, name, platform);
  }
  static int Sent(const v1::CaseResult& r, const std::string& role, char flag) {
    return SentSegments(r, role, std::string(1, flag));
  }
  static SuiteRun* run_;
};
SuiteRun* LwipE2e::run_ = nullptr;

TEST_F(LwipE2e, NormalCloseWalksTheStatesOnLwip) {
  const v1::CaseResult& r = Case("normal_close[peer=linux]");
  EXPECT_EQ(r.role_platforms().at("client"), "lwip");
  EXPECT_EQ(r.role_platforms().at("server"), "linux");
  EXPECT_EQ(StepObserved(r, "client_half_closed"), "TCP_STATE_FIN_WAIT_2");
  EXPECT_EQ(StepObserved(r, "client_after_both"), "TCP_STATE_TIME_WAIT");
  EXPECT_EQ(StepObserved(r, "server_after_both"), "TCP_STATE_CLOSED");
  EXPECT_TRUE(r.captured());
  EXPECT_EQ(Sent(r, "client", 'F'), 1);
  EXPECT_EQ(Sent(r, "server", 'F'), 1);
}

TEST_F(LwipE2e, LingerZeroResetsOnlyWithPendingData) {
  const v1::CaseResult& idle = Case("close_with_pending_data[linger=zero,pending=none]");
  EXPECT_EQ(Sent(idle, "closer", 'R'), 0) << "lwIP closes with FIN when nothing is pending";
  EXPECT_EQ(Sent(idle, "closer", 'F'), 1);
  const v1::CaseResult& pending = Case("close_with_pending_data[linger=zero,pending=unacked]");
  EXPECT_GE(Sent(pending, "closer", 'R'), 1) << "lwIP aborts with RST when data is unacknowledged";
  EXPECT_EQ(Sent(pending, "closer", 'F'), 0);
  EXPECT_EQ(StepObserved(pending, "peer_reset"), "TCP_STATE_CLOSED");
}

// lwIP's clock skips idle time during a wait, but never past the wait's
// bound: a wait that is not reached reports (about) its within_ms on lwIP's
// clock, not hours of skipped timers.
TEST_F(LwipE2e, VirtualTimeNeverPassesTheWaitsBound) {
  const v1::CaseResult& r = Case("wait_never_reached");
  const v1::StepRecord* never = FindStep(r, "never");
  ASSERT_NE(never, nullptr);
  EXPECT_FALSE(never->wait().reached());
  EXPECT_GE(never->wait().stack_waited_ns(), 2'999'000'000);
  EXPECT_LE(never->wait().stack_waited_ns(), 3'100'000'000);
  EXPECT_LT(never->wait().waited_ns(), never->wait().stack_waited_ns() + 1);
}

TEST_F(LwipE2e, BindDuringTimeWaitFails) {
  const v1::CaseResult& r = Case("bind_in_2msl[peer=linux]");
  EXPECT_EQ(StepObserved(r, "old_connection"), "TCP_STATE_TIME_WAIT");
  EXPECT_EQ(StepObserved(r, "rebind"), "ERROR_NAME_EADDRINUSE");
}

TEST_F(LwipE2e, SendAfterResetIsEconnresetThenEnotconn) {
  for (const char* reset_by : {"linger_zero", "unread_data"}) {
    for (const char* sender : {"blocking", "nonblocking"}) {
      const std::string name = std::string("send_after_rst[reset_by=") + reset_by +
                               ",sender=" + sender + ",peer=linux]";
      const v1::CaseResult& r = Case(name);
      EXPECT_EQ(StepObserved(r, "send1"), "ERROR_NAME_ECONNRESET") << name;
      EXPECT_EQ(StepObserved(r, "send2"), "ERROR_NAME_ENOTCONN") << name;
      EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << name;  // lwIP's own expectation, cited in the case
    }
  }
}

TEST_F(LwipE2e, PairingsPutLwipOnEitherSide) {
  struct Pairing {
    std::string row;  // the row name up to the peer parameter
    std::string subject;
    std::string other;
  };
  for (const Pairing& p : std::vector<Pairing>{
           {"normal_close[", "client", "server"},
           {"bind_in_2msl[", "server", "client"},
           {"send_after_rst[reset_by=linger_zero,sender=blocking,", "server", "client"}}) {
    const v1::CaseResult* lwip_linux = FindCase(run_->report, p.row + "peer=linux]", "lwip");
    const v1::CaseResult* linux_lwip = FindCase(run_->report, p.row + "peer=lwip]", "linux");
    ASSERT_NE(lwip_linux, nullptr) << p.row;
    ASSERT_NE(linux_lwip, nullptr) << p.row;
    EXPECT_EQ(lwip_linux->role_platforms().at(p.subject), "lwip") << p.row;
    EXPECT_EQ(lwip_linux->role_platforms().at(p.other), "linux") << p.row;
    EXPECT_EQ(linux_lwip->role_platforms().at(p.subject), "linux") << p.row;
    EXPECT_EQ(linux_lwip->role_platforms().at(p.other), "lwip") << p.row;
    EXPECT_NE(linux_lwip->verdict(), v1::VERDICT_ERROR) << p.row << ": " << linux_lwip->error();
    // No agents pair lwIP with lwIP here: that cell is n/s, and says why.
    const v1::CaseResult* lwip_lwip = FindCase(run_->report, p.row + "peer=lwip]", "lwip");
    ASSERT_NE(lwip_lwip, nullptr) << p.row;
    EXPECT_EQ(lwip_lwip->verdict(), v1::VERDICT_NOT_SUPPORTED) << p.row;
    EXPECT_EQ(lwip_lwip->error(), "no agents here pair a lwip subject with a lwip peer: the lwip "
                                  "column's subject has a linux peer only");
  }
  // lwIP on the peer's side: its linger {1,0} close with nothing pending is
  // a FIN, so the Linux server sees CLOSE_WAIT, not a reset.
  const v1::CaseResult* r = FindCase(
      run_->report, "send_after_rst[reset_by=linger_zero,sender=blocking,peer=lwip]", "linux");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(StepObserved(*r, "reset_seen"), "TCP_STATE_CLOSE_WAIT");
}

TEST_F(LwipE2e, ASettingLwipLacksIsNotSupportedForThatReason) {
  // lwIP has no sysctls: no flag would make its agent change one, so the
  // reason says so rather than how to start the agent.
  const v1::CaseResult& r = Case("sysctl_setting");
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_SUPPORTED);
  EXPECT_THAT(r.error(), ::testing::HasSubstr("lwip has no setting 'net.ipv4.tcp_fin_timeout'"));
  EXPECT_THAT(r.error(), ::testing::HasSubstr("TCP_MSL"));
  EXPECT_THAT(r.error(), ::testing::Not(::testing::HasSubstr("--allow_settings")));
  EXPECT_EQ(Case("sysctl_setting", "linux").verdict(), v1::VERDICT_MATCHED);
}

TEST_F(LwipE2e, InfoReportsLwipAndItsCloseSettings) {
  const auto& info = run_->report.platforms(1).subject().info();
  EXPECT_EQ(info.platform(), "lwip");
  EXPECT_EQ(info.stack_version(), "2.1.3");
  EXPECT_EQ(info.settings().at("TCP_MSL"), "60000");
  EXPECT_EQ(info.settings().count("LWIP_SO_LINGER"), 1u);
}

// A full-size segment into lwIP: 1400 bytes in one segment, read 1000 at a
// time. The agent's TAP input once wrote such frames past a 616-byte pool
// pbuf (Debian liblwip's tapif) and the agent died mid-case: an ERROR cell
// that showed the harness, not lwIP. The row has its own run, so a dead
// agent fails this test alone.
class LwipFullSegmentE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0 || access((BinDir() + "/closeprobe-agent-lwip").c_str(), X_OK) != 0) return;
    run_ = StartSuiteRun({"--platforms=lwip", "--port_base=30700",
                          "cases/recv_less_than_queued.textproto"},
                         60);
  }
  static void TearDownTestSuite() { EndSuiteRun(run_); }
  void SetUp() override {
    if (run_ == nullptr) GTEST_SKIP() << "needs root and closeprobe-agent-lwip (CI has both)";
  }
  static SuiteRun* run_;
};
SuiteRun* LwipFullSegmentE2e::run_ = nullptr;

TEST_F(LwipFullSegmentE2e, ASegmentOverPoolSizeIsReadWhole) {
  const v1::CaseResult& r = RequireCase(run_->report, "recv_less_than_queued", "lwip");
  ASSERT_NE(r.verdict(), v1::VERDICT_ERROR) << r.error() << "\n" << run_->log;
  const v1::StepRecord* first = FindStep(r, "first");
  const v1::StepRecord* second = FindStep(r, "second");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(first->result().return_value(), 1000);
  EXPECT_EQ(second->result().return_value(), 400);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED);
  // The premise: the 1400 bytes came as one segment, longer than the pool pbuf.
  int full_size = 0;
  for (const auto& s : r.segments()) full_size += s.from_role() == "client" && s.length() == 1400;
  EXPECT_EQ(full_size, 1) << "the client's data did not arrive as one 1400-byte segment";
}

}  // namespace
}  // namespace closeprobe::testing
