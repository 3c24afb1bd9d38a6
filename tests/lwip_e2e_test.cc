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

#include "controller/report/report_writers.h"
#include "tests/testutil/report_helpers.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

class LwipE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0 || access((BinDir() + "/closeprobe-agent-lwip").c_str(), X_OK) != 0) return;
    dir_ = new std::string(MakeTempDir());
    ProcessResult r = RunProcess(
        {BinDir() + "/closeprobe", "run", "--platforms=linux,lwip", "--port_base=30000", "--out",
         *dir_, "cases/normal_close.textproto", "cases/close_with_pending_data.textproto",
         "cases/bind_in_2msl.textproto", "cases/send_after_rst.textproto"},
        180);
    log_ = new std::string(r.err);
    report_ = new v1::Report();
    controller::ReadJsonReport(*dir_ + "/report.json", report_).IgnoreError();
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) RemoveTree(*dir_);
  }
  void SetUp() override {
    if (report_ == nullptr) GTEST_SKIP() << "needs root and closeprobe-agent-lwip (CI has both)";
    ASSERT_EQ(report_->platforms_size(), 2) << *log_;
    ASSERT_EQ(report_->platforms(1).name(), "lwip");
    // Pairing cases: [peer=linux] and [peer=lwip] in both columns, lwip
    // against lwip an n/s cell (normal_close, bind_in_2msl: 4 each;
    // send_after_rst: 4 iterations x 4); the pending-data grid: 5 iterations
    // x 2 columns.
    ASSERT_EQ(report_->results_size(), 4 + 4 + 16 + 10) << *log_;
  }
  const v1::CaseResult& Case(const std::string& name, const std::string& platform = "lwip") {
    return RequireCase(*report_, name, platform);
  }
  // What the step with this id observed: the state or the error name.
  static std::string Observed(const v1::CaseResult& r, const std::string& id) {
    for (const auto& s : r.steps()) {
      if (s.id() != id) continue;
      if (s.has_wait()) return v1::TcpState_Name(s.wait().state());
      if (s.has_state()) return v1::TcpState_Name(s.state().state());
      return v1::ErrorName_Name(s.result().error());
    }
    return "no such step";
  }
  static int Sent(const v1::CaseResult& r, const std::string& role, char flag) {
    return SentSegments(r, role, std::string(1, flag));
  }
  static std::string* dir_;
  static std::string* log_;
  static v1::Report* report_;
};
std::string* LwipE2e::dir_ = nullptr;
std::string* LwipE2e::log_ = nullptr;
v1::Report* LwipE2e::report_ = nullptr;

TEST_F(LwipE2e, NormalCloseWalksTheStatesOnLwip) {
  const v1::CaseResult& r = Case("normal_close[peer=linux]");
  EXPECT_EQ(r.role_platforms().at("client"), "lwip");
  EXPECT_EQ(r.role_platforms().at("server"), "linux");
  EXPECT_EQ(Observed(r, "client_half_closed"), "TCP_STATE_FIN_WAIT_2");
  EXPECT_EQ(Observed(r, "client_after_both"), "TCP_STATE_TIME_WAIT");
  EXPECT_EQ(Observed(r, "server_after_both"), "TCP_STATE_CLOSED");
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
  EXPECT_EQ(Observed(pending, "peer_reset"), "TCP_STATE_CLOSED");
}

TEST_F(LwipE2e, BindDuringTimeWaitFails) {
  const v1::CaseResult& r = Case("bind_in_2msl[peer=linux]");
  EXPECT_EQ(Observed(r, "old_connection"), "TCP_STATE_TIME_WAIT");
  EXPECT_EQ(Observed(r, "rebind"), "ERROR_NAME_EADDRINUSE");
}

TEST_F(LwipE2e, SendAfterResetIsEconnresetThenEnotconn) {
  for (const char* reset_by : {"linger_zero", "unread_data"}) {
    for (const char* sender : {"blocking", "nonblocking"}) {
      const std::string name = std::string("send_after_rst[reset_by=") + reset_by +
                               ",sender=" + sender + ",peer=linux]";
      const v1::CaseResult& r = Case(name);
      EXPECT_EQ(Observed(r, "send1"), "ERROR_NAME_ECONNRESET") << name;
      EXPECT_EQ(Observed(r, "send2"), "ERROR_NAME_ENOTCONN") << name;
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
    const v1::CaseResult* lwip_linux = FindCase(*report_, p.row + "peer=linux]", "lwip");
    const v1::CaseResult* linux_lwip = FindCase(*report_, p.row + "peer=lwip]", "linux");
    ASSERT_NE(lwip_linux, nullptr) << p.row;
    ASSERT_NE(linux_lwip, nullptr) << p.row;
    EXPECT_EQ(lwip_linux->role_platforms().at(p.subject), "lwip") << p.row;
    EXPECT_EQ(lwip_linux->role_platforms().at(p.other), "linux") << p.row;
    EXPECT_EQ(linux_lwip->role_platforms().at(p.subject), "linux") << p.row;
    EXPECT_EQ(linux_lwip->role_platforms().at(p.other), "lwip") << p.row;
    EXPECT_NE(linux_lwip->verdict(), v1::VERDICT_ERROR) << p.row << ": " << linux_lwip->error();
    // No agents pair lwIP with lwIP here: that cell is n/s, and says why.
    const v1::CaseResult* lwip_lwip = FindCase(*report_, p.row + "peer=lwip]", "lwip");
    ASSERT_NE(lwip_lwip, nullptr) << p.row;
    EXPECT_EQ(lwip_lwip->verdict(), v1::VERDICT_NOT_SUPPORTED) << p.row;
    EXPECT_EQ(lwip_lwip->error(), "no agents here pair a lwip subject with a lwip peer: the lwip "
                                  "column's subject has a linux peer only");
  }
  // lwIP on the peer's side: its linger {1,0} close with nothing pending is
  // a FIN, so the Linux server sees CLOSE_WAIT, not a reset.
  const v1::CaseResult* r = FindCase(
      *report_, "send_after_rst[reset_by=linger_zero,sender=blocking,peer=lwip]", "linux");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(Observed(*r, "reset_seen"), "TCP_STATE_CLOSE_WAIT");
}

TEST_F(LwipE2e, InfoReportsLwipAndItsCloseSettings) {
  const auto& info = report_->platforms(1).subject().info();
  EXPECT_EQ(info.platform(), "lwip");
  EXPECT_EQ(info.stack_version(), "2.1.3");
  EXPECT_EQ(info.settings().at("TCP_MSL"), "60000");
  EXPECT_EQ(info.settings().count("LWIP_SO_LINGER"), 1u);
}

}  // namespace
}  // namespace closeprobe::testing
