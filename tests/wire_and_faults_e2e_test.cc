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

#include "tests/testutil/agent_process.h"
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
                          "cases/fin_retransmitted_into_time_wait.textproto",
                          "cases/simultaneous_close.textproto",
                          "cases/simultaneous_close_first_fin_lost.textproto"},
                         240);
  }
  static void TearDownTestSuite() { EndSuiteRun(run_); }
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "capture and namespaces need root (CI runs as root)";
    // normal_close (one pairing: linux only), 5 iterations of the grid, one
    // more; then the timed race's 10 runs and the forced race's 3.
    ASSERT_EQ(run_->report.results_size(), 7 + 10 + 3) << run_->log;
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

std::vector<const v1::CaseResult*> RunsOf(const v1::Report& report, const std::string& name) {
  std::vector<const v1::CaseResult*> runs;
  for (const auto& r : report.results()) {
    if (r.case_name() == name) runs.push_back(&r);
  }
  return runs;
}

// The closes of the timed race are held by their agents until one instant:
// each agent reports the start it was asked for and starts no earlier. (How
// close to it is a benchmark's figure: bench/schedule_skew_bench.)
TEST_F(WireE2e, ScheduledClosesAreHeldByTheirAgents) {
  const auto runs = RunsOf(run_->report, "simultaneous_close");
  ASSERT_EQ(runs.size(), 10u);
  for (const v1::CaseResult* r : runs) {
    int held = 0;
    for (const auto& s : r->steps()) {
      if (s.together().empty()) continue;
      EXPECT_NE(s.result().requested_start_mono_ns(), 0) << s.call() << " was not held";
      EXPECT_GE(s.result().start_mono_ns(), s.result().requested_start_mono_ns());
      held += s.result().requested_start_mono_ns() != 0;
    }
    EXPECT_EQ(held, 2);
  }
}

// The forced race crosses the closes in every run: one end CLOSING while the
// other is in FIN_WAIT_2, both in TIME_WAIT once the FIN comes again.
TEST_F(WireE2e, TheForcedRaceTakesTheClosingPathEveryTime) {
  const auto runs = RunsOf(run_->report, "simultaneous_close_first_fin_lost");
  ASSERT_EQ(runs.size(), 3u);
  for (const v1::CaseResult* r : runs) {
    EXPECT_EQ(StepObserved(*r, "client_closing"), "TCP_STATE_CLOSING");
    EXPECT_EQ(StepObserved(*r, "server_fin_wait_2"), "TCP_STATE_FIN_WAIT_2");
    EXPECT_EQ(StepObserved(*r, "client_end"), "TCP_STATE_TIME_WAIT");
    EXPECT_GE(SentSegments(*r, "client", "F"), 2);
  }
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

// An agent that says it captures and then cannot (here: an interface that
// does not exist) is at fault: the run is an ERROR with the agent's reason,
// never a platform without capture whose wire checks are merely n/o.
TEST(CaptureFault, AnAgentThatAdvertisesCaptureAndFailsToStartItStopsTheRun) {
  if (geteuid() != 0) GTEST_SKIP() << "capture needs root (CI runs as root)";
  AgentProcess agent({"--wire_port=cpnone0"});
  ASSERT_GT(agent.port(), 0) << agent.log();
  const std::string dir = MakeTempDir();
  const ProcessResult run =
      RunProcess({BinDir() + "/closeprobe", "run", "--agent", "subject=" + agent.target(),
                  "--port_base=28200", "--out", dir, "cases/normal_close.textproto"},
                 60);
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/report.json", &report).ok()) << run.err;
  ASSERT_GT(report.results_size(), 0) << run.err;
  for (const v1::CaseResult& r : report.results()) {
    EXPECT_EQ(r.verdict(), v1::VERDICT_ERROR) << r.case_name() << ": " << r.error();
    EXPECT_EQ(r.stop(), v1::STOP_AGENT_FAULT) << r.case_name();
    EXPECT_THAT(r.error(), HasSubstr("starting the capture: "));
    EXPECT_THAT(r.error(), HasSubstr("cpnone0"));
  }
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
