// The gvisor column end to end: the Linux agent inside a runsc sandbox (the
// sentry and its netstack, platform ptrace) against a Linux peer, its wire
// captured and faulted from a bridge outside the sandbox, through the
// controller. Root and runsc only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

#include "tests/testutil/host_state.h"
#include "tests/testutil/report_helpers.h"
#include "tests/testutil/suite_run.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

bool HaveRunsc() {
  for (const char* dir :
       {"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}) {
    if (access((std::string(dir) + "/runsc").c_str(), X_OK) == 0) return true;
  }
  return false;
}

class GvisorRunscE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0 || !HaveRunsc()) return;
    interfaces_before_ = new std::set<std::string>(NetworkInterfaces());
    run_ = StartSuiteRun(
        {"--platforms=linux,gvisor", "--port_base=26000",
         "cases/normal_close.textproto", "cases/send_after_rst.textproto",
         "cases/linger_timeout.textproto",
         "cases/accept_after_shutdown.textproto",
         "cases/listen_backlog_queue.textproto",
         "cases/fin_wait_2_timeout.textproto"},
        300);
  }
  static void TearDownTestSuite() {
    EndSuiteRun(run_);
    delete interfaces_before_;
    interfaces_before_ = nullptr;
  }
  void SetUp() override {
    if (run_ == nullptr)
      GTEST_SKIP()
          << "needs root and runsc (apt-get install runsc; CI has both)";
    ASSERT_EQ(report().platforms_size(), 2) << run_->log;
    ASSERT_EQ(report().platforms(1).name(), "gvisor") << run_->log;
  }
  static const v1::Report& report() { return run_->report; }
  const v1::CaseResult& Case(const std::string& name) {
    return RequireCase(report(), name, "gvisor");
  }
  static SuiteRun* run_;
  static std::set<std::string>* interfaces_before_;
};
SuiteRun* GvisorRunscE2e::run_ = nullptr;
std::set<std::string>* GvisorRunscE2e::interfaces_before_ = nullptr;

TEST_F(GvisorRunscE2e, EveryCellIsObservedOrNotSupportedWithItsReason) {
  int cells = 0;
  for (const auto& r : report().results()) {
    if (r.platform() != "gvisor") continue;
    ++cells;
    SCOPED_TRACE(r.case_name());
    EXPECT_NE(r.verdict(), v1::VERDICT_ERROR) << r.error();
    if (r.verdict() == v1::VERDICT_NOT_SUPPORTED) {
      EXPECT_FALSE(r.error().empty());
    }
  }
  EXPECT_GT(cells, 10);
}

// The sentry calls itself Linux 4.4.0; the agent finds gVisor's kernel log
// and says what runs it, and the report warns about ptrace's timing.
TEST_F(GvisorRunscE2e, InfoSaysRunscAndPtraceNotTheSentrysLinux) {
  const v1::PlatformColumn& column = report().platforms(1);
  const auto& info = column.subject().info();
  EXPECT_EQ(info.platform(), "gvisor");
  EXPECT_THAT(info.stack_version(), HasSubstr("20221219"));
  EXPECT_THAT(info.os(), HasSubstr("platform ptrace"));
  EXPECT_THAT(info.os(), HasSubstr("the sentry reports Linux 4.4.0"));
  const std::vector<std::string> features(info.features().begin(),
                                          info.features().end());
  EXPECT_THAT(features, Not(::testing::Contains("capture")));
  EXPECT_THAT(features, Not(::testing::Contains("faults")));
  EXPECT_THAT(column.emulation(), HasSubstr("ptrace"));
  EXPECT_EQ(column.peer().info().platform(), "linux");
}

// sock_diag is missing in the sentry and a closed socket has no file that
// TCP_INFO or /proc/net/tcp could show: the row stops there, not observable,
// instead of reporting a CLOSED nobody saw.
TEST_F(GvisorRunscE2e, AClosedHandleIsNotObservableNeverAGuessedClosed) {
  const v1::CaseResult& r = Case("normal_close[peer=linux]");
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_SUPPORTED);
  EXPECT_EQ(r.stop(), v1::STOP_NOT_OBSERVABLE);
  EXPECT_THAT(r.error(), HasSubstr("not observable"));
  EXPECT_EQ(StepObserved(r, "server_half_closed"),
            "TCP_STATE_CLOSE_WAIT");  // open: TCP_INFO
  for (const v1::StepRecord& s : r.steps()) {
    if (s.has_wait()) {
      EXPECT_NE(s.wait().state(), v1::TCP_STATE_CLOSED) << s.call();
    }
  }
  EXPECT_EQ(FindStep(r, "client_half_closed"), nullptr)
      << "the row goes on past what it cannot see";
}

// The calls run in the real sentry: the Linux agent's errno names, gVisor's
// outcome.
TEST_F(GvisorRunscE2e, SendAfterResetIsEconnresetThenEpipeThroughTheSentry) {
  const v1::CaseResult& r =
      Case("send_after_rst[reset_by=linger_zero,sender=blocking,peer=linux]");
  EXPECT_EQ(StepObserved(r, "send1"), "ERROR_NAME_ECONNRESET");
  EXPECT_EQ(StepObserved(r, "send2"), "ERROR_NAME_EPIPE");
  ASSERT_NE(FindStep(r, "send1"), nullptr);
  EXPECT_EQ(FindStep(r, "send1")->result().native_name(), "ECONNRESET");
  EXPECT_EQ(StepObserved(r, "reset_seen"),
            "TCP_STATE_CLOSED");  // the handle is open
}

// The drop sits on the bridge between sandbox and peer, the capture on the
// peer's side of it: the sandbox's retransmissions are seen, and close()
// with a linger waits as gVisor's Release() does.
TEST_F(GvisorRunscE2e, TheWireOutsideTheSandboxCapturesAndDrops) {
  const v1::CaseResult& r = Case("linger_timeout[blocking=true,link=cut]");
  EXPECT_TRUE(r.captured());
  EXPECT_GE(SentSegments(r, "client", "P"), 1);
  ASSERT_NE(FindStep(r, "close"), nullptr);
  EXPECT_EQ(StepObserved(r, "close"), "ERROR_NAME_OK");
  EXPECT_GT(FindStep(r, "close")->result().duration_ns(), 1'500'000'000);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED) << r.error();
}

// What a new user found the in-process imitation did differently.
TEST_F(GvisorRunscE2e, BacklogHoldsOneMoreAndAShutListenerRefusesAtOnce) {
  const v1::CaseResult& backlog = Case("listen_backlog_queue");
  EXPECT_EQ(StepObserved(backlog, "second_accepted"), "ERROR_NAME_OK");
  EXPECT_EQ(StepObserved(backlog, "third_accepted"), "ERROR_NAME_TIMEOUT");
  const v1::CaseResult& accept = Case("accept_after_shutdown");
  EXPECT_EQ(StepObserved(accept, "accept"), "ERROR_NAME_EINVAL");
  ASSERT_NE(FindStep(accept, "accept"), nullptr);
  EXPECT_LT(FindStep(accept, "accept")->result().duration_ns(), 500'000'000);
}

TEST_F(GvisorRunscE2e, ASettingTheSentryLacksIsNotSupported) {
  const v1::CaseResult& r = Case("fin_wait_2_timeout");
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_SUPPORTED);
  EXPECT_THAT(r.error(), HasSubstr("gVisor has no net.ipv4.tcp_fin_timeout"));
}

// The sandbox, its namespaces and veths go with the run.
TEST_F(GvisorRunscE2e, NothingIsLeftBehind) {
  EXPECT_EQ(NetworkInterfaces(), *interfaces_before_);
}

}  // namespace
}  // namespace closeprobe::testing
