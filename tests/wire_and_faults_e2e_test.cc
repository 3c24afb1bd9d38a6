// Wire observations and fault injection, end to end between two network
// namespaces (root only): what the capture shows for FIN vs RST closes, and
// that no nftables rule of an agent outlives its session, even when the
// controller is killed.
#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "tests/testutil/report_helpers.h"
#include "tests/testutil/suite_run.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

int Sent(const v1::CaseResult& r, const std::string& role, const std::string& flags) {
  return SentSegments(r, role, flags);
}

class WireE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    run_ = StartSuiteRun({"--topology=netns", "--platforms=linux", "cases/normal_close.textproto",
                          "cases/close_with_pending_data.textproto",
                          "cases/fin_retransmitted_into_time_wait.textproto"},
                         120);
  }
  static void TearDownTestSuite() { EndSuiteRun(run_); }
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "capture and namespaces need root (CI runs as root)";
    // normal_close (one pairing: linux only), 5 iterations of the grid, one more.
    ASSERT_EQ(run_->report.results_size(), 7) << run_->log;
  }
  const v1::CaseResult& Case(const std::string& name) { return RequireCase(run_->report, name); }
  static SuiteRun* run_;
};
SuiteRun* WireE2e::run_ = nullptr;

TEST_F(WireE2e, NormalCloseIsTwoFinsAndNoReset) {
  const v1::CaseResult& r = Case("normal_close[peer=linux]");
  ASSERT_TRUE(r.captured());
  EXPECT_EQ(Sent(r, "client", "S"), 1);
  EXPECT_EQ(Sent(r, "client", "F"), 1);
  EXPECT_EQ(Sent(r, "server", "F"), 1);
  EXPECT_EQ(Sent(r, "client", "R") + Sent(r, "server", "R"), 0);
}

TEST_F(WireE2e, CloseWithUnreadDataSendsResetInsteadOfFin) {
  const v1::CaseResult& r = Case("close_with_pending_data[linger=off,pending=unread]");
  EXPECT_EQ(Sent(r, "closer", "R"), 1);
  EXPECT_EQ(Sent(r, "closer", "F"), 0);
}

TEST_F(WireE2e, LingerZeroSendsResetFromTheCloser) {
  for (const char* pending : {"none", "unread"}) {
    const v1::CaseResult& r =
        Case(std::string("close_with_pending_data[linger=zero,pending=") + pending + "]");
    EXPECT_EQ(Sent(r, "closer", "R"), 1) << pending;
    EXPECT_EQ(Sent(r, "closer", "F"), 0) << pending;
  }
}

TEST_F(WireE2e, DefaultCloseStillDeliversUnacknowledgedData) {
  const v1::CaseResult& r = Case("close_with_pending_data[linger=off,pending=unacked]");
  EXPECT_EQ(Sent(r, "closer", "R"), 0);
  EXPECT_GE(Sent(r, "closer", "P"), 1);
  bool got_all = false;
  for (const auto& s : r.steps()) {
    got_all |= s.id() == "peer_got" && s.result().return_value() == 1000;
  }
  EXPECT_TRUE(got_all) << "the peer reads every byte the closed socket had queued";
}

TEST_F(WireE2e, LostFinalAckMakesTheFinComeAgain) {
  const v1::CaseResult& r = Case("fin_retransmitted_into_time_wait");
  EXPECT_GE(Sent(r, "server", "F"), 2);
  // Every retransmission carries the same sequence number.
  std::map<uint32_t, int> fin_seqs;
  for (const auto& s : r.segments()) {
    if (s.from_role() == "server" && s.flags().find('F') != std::string::npos) {
      ++fin_seqs[s.rel_seq()];
    }
  }
  EXPECT_EQ(fin_seqs.size(), 1u);
}

TEST_F(WireE2e, PcapFilesOpenWithTcpdump) {
  for (const auto& r : run_->report.results()) {
    SCOPED_TRACE(r.case_name());
    ASSERT_FALSE(r.pcap_file().empty());
    ProcessResult dump = RunProcess({"/usr/bin/tcpdump", "-nr", run_->dir + "/" + r.pcap_file()}, 30);
    EXPECT_EQ(dump.exit_code, 0) << dump.err;
    EXPECT_THAT(dump.out, HasSubstr("Flags [S]"));
  }
}

bool AgentTableExists(pid_t agent) {
  ProcessResult r = RunProcess({"/usr/sbin/nft", "list", "tables"}, 30);
  return r.out.find("closeprobe_" + std::to_string(agent)) != std::string::npos;
}

TEST(FaultCleanup, NoRuleOutlivesTheSessionOfAKilledController) {
  if (geteuid() != 0) GTEST_SKIP() << "nftables needs root (CI runs as root)";
  const std::string dir = MakeTempDir();
  const pid_t agent = StartProcess({BinDir() + "/closeprobe-agent", "--listen=127.0.0.1:0",
                                    "--port_file=" + dir + "/port", "--allow_faults"},
                                   dir + "/agent.log");
  const int port = WaitForPortFile(dir + "/port", 5);
  ASSERT_GT(port, 0);
  const std::string target = "127.0.0.1:" + std::to_string(port);

  // A run that ends normally removes its rules.
  ProcessResult done = RunProcess({BinDir() + "/closeprobe", "run", "--agent", "subject=" + target,
                                   "--port_base=28000", "--out", dir + "/r1",
                                   "cases/linger_timeout.textproto"},
                                  60);
  EXPECT_NE(done.exit_code, 3) << done.err;
  EXPECT_FALSE(AgentTableExists(agent));

  // A killed controller's rule goes when its lease runs out.
  const pid_t controller = StartProcess(
      {BinDir() + "/closeprobe", "run", "--agent", "subject=" + target, "--lease_ms=1000",
       "--port_base=28100", "--out", dir + "/r2", "tests/testdata/hold_fault.textproto"},
      dir + "/controller.log");
  bool installed = false;
  for (int i = 0; i < 100 && !installed; ++i) {
    installed = AgentTableExists(agent);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(installed) << "the case never installed its fault";
  StopProcess(controller, SIGKILL);
  bool removed = false;
  for (int i = 0; i < 60 && !removed; ++i) {
    removed = !AgentTableExists(agent);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(removed) << "the agent's nftables table outlived the session by 6 s";
  StopProcess(agent, SIGTERM);
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
