// The lwIP agent against a Linux peer over the TAP link (root only): normal
// close with states, linger {1,0} with and without pending data, bind during
// TIME_WAIT, send after RST, all observed on lwIP's side.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "controller/matrix_report.h"
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
        {BinDir() + "/closeprobe", "run", "--platforms=lwip", "--port_base=30000", "--out", *dir_,
         "cases/normal_close.textproto", "cases/linger_zero_reset.textproto",
         "cases/linger_zero_pending_data.textproto", "cases/bind_in_2msl.textproto",
         "cases/send_after_rst.textproto"},
        120);
    log_ = new std::string(r.err);
    report_ = new v1::Report();
    controller::ReadJsonReport(*dir_ + "/report.json", report_).IgnoreError();
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) RemoveTree(*dir_);
  }
  void SetUp() override {
    if (report_ == nullptr) GTEST_SKIP() << "needs root and closeprobe-agent-lwip (CI has both)";
    ASSERT_EQ(report_->platforms_size(), 1) << *log_;
    ASSERT_EQ(report_->platforms(0).name(), "lwip");
    ASSERT_EQ(report_->results_size(), 5) << *log_;
  }
  const v1::CaseResult& Case(const std::string& name) {
    const v1::CaseResult* r = FindCase(*report_, name);
    if (r == nullptr) ADD_FAILURE() << "no result for " << name;
    return r != nullptr ? *r : report_->results(0);
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
  const v1::CaseResult& r = Case("normal_close");
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
  const v1::CaseResult& idle = Case("linger_zero_reset");
  EXPECT_EQ(Sent(idle, "client", 'R'), 0) << "lwIP closes with FIN when nothing is pending";
  EXPECT_EQ(Sent(idle, "client", 'F'), 1);
  const v1::CaseResult& pending = Case("linger_zero_pending_data");
  EXPECT_GE(Sent(pending, "client", 'R'), 1) << "lwIP aborts with RST when data is unacknowledged";
  EXPECT_EQ(Sent(pending, "client", 'F'), 0);
  EXPECT_EQ(Observed(pending, "peer_reset"), "TCP_STATE_CLOSED");
}

TEST_F(LwipE2e, BindDuringTimeWaitFails) {
  const v1::CaseResult& r = Case("bind_in_2msl");
  EXPECT_EQ(Observed(r, "old_connection"), "TCP_STATE_TIME_WAIT");
  EXPECT_EQ(Observed(r, "rebind"), "ERROR_NAME_EADDRINUSE");
}

TEST_F(LwipE2e, SendAfterResetIsEconnresetThenEnotconn) {
  const v1::CaseResult& r = Case("send_after_rst");
  EXPECT_EQ(Observed(r, "send1"), "ERROR_NAME_ECONNRESET");
  EXPECT_EQ(Observed(r, "send2"), "ERROR_NAME_ENOTCONN");
  EXPECT_EQ(r.verdict(), v1::MATCHED);  // lwIP's own expectation, cited in the case
}

TEST_F(LwipE2e, InfoReportsLwipAndItsCloseSettings) {
  const auto& info = report_->platforms(0).subject().info();
  EXPECT_EQ(info.platform(), "lwip");
  EXPECT_EQ(info.stack_version(), "2.1.3");
  EXPECT_EQ(info.settings().at("TCP_MSL"), "60000");
  EXPECT_EQ(info.settings().count("LWIP_SO_LINGER"), 1u);
}

}  // namespace
}  // namespace closeprobe::testing
