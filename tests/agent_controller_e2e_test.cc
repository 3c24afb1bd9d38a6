// The real binaries end to end: closeprobe driving closeprobe-agent over
// real sockets, on loopback and between network namespaces; bad case files;
// a controller killed mid-run. Every run is bounded in time and cleans up.
#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "controller/run/agent_client.h"
#include "controller/judge/baseline.h"
#include "controller/cases/case_grid.h"
#include "controller/cases/case_loader.h"
#include "controller/cases/case_set.h"
#include "controller/report/report_writers.h"
#include "tests/testutil/host_state.h"
#include "tests/testutil/subprocess.h"

namespace closeprobe::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

std::string Closeprobe() { return BinDir() + "/closeprobe"; }
std::string AgentBinary() { return BinDir() + "/closeprobe-agent"; }

// Matrix cells of a pairing iteration: each column against each platform's
// peer; with linux and lwip, lwip against lwip is an n/s cell (no agents
// pair them) and the other three run.
int PairingCells(int columns) { return columns * columns; }

// Rows (case iterations x columns) and runs (repeats included) of every case file.
struct Expected {
  int rows = 0;
  int runs = 0;
};
Expected ExpectedFor(int columns) {
  Expected e;
  const absl::StatusOr<controller::CaseSet> set = controller::LoadCaseSet({"cases"});
  for (const controller::LoadedCase& it : set->rows) {
    const int cells = it.spec.pairings() ? PairingCells(columns) : columns;
    e.rows += cells;
    e.runs += cells * std::max(1, it.spec.repeat());
  }
  return e;
}

std::set<std::string> TopologyFolders() {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator("/tmp")) {
    if (e.path().filename().string().rfind("closeprobe.", 0) == 0) {
      names.insert(e.path().string());
    }
  }
  return names;
}

// Checks a finished run's record: one linux result per case file, each with
// observations and none an infrastructure error.
void ExpectCompleteReport(const std::string& dir, const std::string& topology) {
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/report.json", &report).ok());
  EXPECT_EQ(report.topology(), topology);
  ASSERT_GE(report.platforms_size(), 1);
  EXPECT_EQ(report.platforms(0).name(), "linux");
  const Expected expected = ExpectedFor(report.platforms_size());
  EXPECT_EQ(report.results_size(), expected.runs);
  for (const auto& r : report.results()) {
    SCOPED_TRACE(r.case_name() + " on " + r.platform());
    EXPECT_THAT(r.platform(), AnyOf("linux", "lwip", "gvisor", "gvisor-netstack"));
    EXPECT_NE(r.verdict(), v1::VERDICT_ERROR) << r.error();
    EXPECT_GT(r.expectations_size(), 0);
    EXPECT_NE(r.claim_status(), v1::CLAIM_STATUS_UNSPECIFIED);
    if (r.verdict() == v1::VERDICT_NOT_SUPPORTED) {
      EXPECT_FALSE(r.error().empty()) << "not supported, but no reason";
    } else {
      EXPECT_GT(r.steps_size(), 2);
    }
  }
  EXPECT_EQ(report.summary().cases(), expected.rows);
  EXPECT_EQ(report.summary().runs(), report.results_size());
  EXPECT_GT(report.wall_seconds(), 0);
}

TEST(ControllerCli, BadCaseFilesExitTwoWithFileLineColumnAndRunNothing) {
  const std::string out = MakeTempDir();
  ProcessResult r = RunProcess({Closeprobe(), "run", "--out", out + "/r",
                                "tests/testdata/bad_syntax.textproto",
                                "tests/testdata/unknown_handle.textproto"},
                               30);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("tests/testdata/bad_syntax.textproto:6:1:"));
  EXPECT_THAT(r.err,
              HasSubstr("tests/testdata/unknown_handle.textproto:8:31: unknown handle 'nobody'"));
  EXPECT_FALSE(std::filesystem::exists(out + "/r/report.json"));
  RemoveTree(out);

  r = RunProcess({Closeprobe(), "validate", "tests/testdata/unknown_handle.textproto"}, 30);
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Closeprobe(), "validate", "no/such/file.textproto"}, 30);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no/such/file.textproto"));
  r = RunProcess({Closeprobe(), "frobnicate"}, 30);
  EXPECT_EQ(r.exit_code, 2);
  r = RunProcess({Closeprobe(), "validate"}, 30);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(ControllerCli, RunOnLoopbackRecordsEveryCase) {
  const std::string out = MakeTempDir();
  ProcessResult r = RunProcess({Closeprobe(), "run", "--topology=loopback", "--port_base=26000",
                                "--out", out},
                               120);
  EXPECT_THAT(r.exit_code, AnyOf(0, 1)) << r.err;
  EXPECT_THAT(r.out, HasSubstr("send_after_rst"));
  EXPECT_THAT(r.out, HasSubstr("linux"));
  EXPECT_THAT(r.err, HasSubstr("loopback"));  // the warning
  ExpectCompleteReport(out, "loopback");
  RemoveTree(out);
}

// A recv until_eof stopped by its cap with the stream still open is not the
// end of the stream: the record says so and `ends: true` does not hold.
TEST(ControllerCli, AReadStoppedAtItsCapIsNotTakenForTheEndOfTheStream) {
  const std::string out = MakeTempDir();
  ProcessResult r = RunProcess({Closeprobe(), "run", "--topology=loopback", "--platforms=linux",
                                "--port_base=26400", "--out", out,
                                "tests/testdata/read_until_cap.textproto"},
                               60);
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(out + "/report.json", &report).ok()) << r.err;
  ASSERT_EQ(report.results_size(), 1) << r.err;
  const v1::CaseResult& c = report.results(0);
  EXPECT_EQ(c.verdict(), v1::VERDICT_DEVIATED) << c.error();
  const auto step = std::find_if(c.steps().begin(), c.steps().end(),
                                 [](const v1::StepRecord& s) { return s.id() == "capped"; });
  ASSERT_NE(step, c.steps().end());
  EXPECT_EQ(step->result().error(), v1::ERROR_NAME_OK);
  EXPECT_GT(step->result().return_value(), 0);
  EXPECT_LE(step->result().return_value(), 1000);
  ASSERT_TRUE(step->has_reached_eof());
  EXPECT_FALSE(step->reached_eof());
  ASSERT_EQ(c.expectations_size(), 1);
  EXPECT_FALSE(c.expectations(0).met());
  EXPECT_THAT(c.expectations(0).observed(), HasSubstr("no EOF"));
  RemoveTree(out);
}

// `closeprobe accept` records a run; the same cases again differ in nothing;
// a baseline value edited by hand comes back as exactly one difference.
TEST(Baselines, AcceptThenRunHasNoDifferenceAndAnEditedValueIsExactlyOne) {
  const std::string dir = MakeTempDir();
  const std::vector<std::string> cases = {"cases/send_after_rst.textproto",
                                          "cases/normal_close.textproto",
                                          "cases/shutdown_write.textproto"};
  auto run = [&](const std::string& out) {
    std::vector<std::string> argv = {Closeprobe(), "run", "--topology=loopback",
                                     "--port_base=27000", "--baselines", dir + "/baselines",
                                     "--out", out};
    argv.insert(argv.end(), cases.begin(), cases.end());
    ProcessResult r = RunProcess(argv, 120);
    EXPECT_THAT(r.exit_code, AnyOf(0, 1)) << r.err;
    v1::Report report;
    EXPECT_TRUE(controller::ReadJsonReport(out + "/report.json", &report).ok());
    return std::make_pair(report, r.out);
  };
  auto [first, first_out] = run(dir + "/r1");
  ProcessResult accepted = RunProcess(
      {Closeprobe(), "accept", dir + "/r1/report.json", "--baselines", dir + "/baselines"}, 30);
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  const std::string file =
      dir + "/baselines/" +
      controller::BaselineFileName("linux", first.platforms(0).subject().info().stack_version());
  EXPECT_THAT(accepted.out, HasSubstr(file));

  auto [second, second_out] = run(dir + "/r2");
  EXPECT_EQ(second.baselines_size(), 1);
  EXPECT_EQ(second.baseline_differences_size(), 0)
      << second.baseline_differences(0).ShortDebugString();
  EXPECT_THAT(second_out, HasSubstr("no differences"));

  // Edit one recorded value: what send2 showed in one iteration.
  absl::StatusOr<v1::Baseline> baseline = controller::ReadBaseline(file);
  ASSERT_TRUE(baseline.ok()) << baseline.status();
  const std::string row = "send_after_rst[reset_by=unread_data,sender=nonblocking,peer=linux]";
  bool edited = false;
  for (auto& r : *baseline->mutable_row()) {
    if (r.case_name() != row) continue;
    for (auto& o : *r.mutable_observation()) {
      if (o.what() == "send2") {
        ASSERT_EQ(o.value_size(), 1);
        o.set_value(0, o.value(0) == "EPIPE" ? "ENOTCONN" : "EPIPE");
        edited = true;
      }
    }
  }
  ASSERT_TRUE(edited) << "no row " << row << " in the baseline";
  ASSERT_TRUE(controller::WriteBaseline(*baseline, file).ok());

  auto [third, third_out] = run(dir + "/r3");
  ASSERT_EQ(third.baseline_differences_size(), 1);
  const v1::BaselineDifference& d = third.baseline_differences(0);
  EXPECT_EQ(d.case_name(), row);
  EXPECT_EQ(d.what(), "send2");
  EXPECT_EQ(d.platform(), "linux");
  EXPECT_EQ(third.summary().baseline_changes() + third.summary().baseline_regressions(), 1);
  EXPECT_THAT(third_out, HasSubstr(row));
  RemoveTree(dir);
}

// closeprobe merge: a loopback run, a netns run and a (hand-made) Windows
// report become one matrix; each column says where and when it was
// observed; a platform no run observed shows documented cells only.
TEST(Merge, RealRunsAndAWindowsReportInOneMatrixWithProvenance) {
  if (geteuid() != 0) GTEST_SKIP() << "the netns run needs root (CI runs as root)";
  const std::string dir = MakeTempDir();
  const std::vector<std::string> cases = {"cases/client_reuseaddr_connect.textproto",
                                          "cases/default_close_returns_at_once.textproto"};
  for (const std::string topology : {"loopback", "netns"}) {
    std::vector<std::string> argv = {Closeprobe(), "run", "--topology=" + topology,
                                     "--platforms=linux", "--port_base=27500",
                                     "--out", dir + "/" + topology};
    argv.insert(argv.end(), cases.begin(), cases.end());
    ProcessResult r = RunProcess(argv, 120);
    ASSERT_THAT(r.exit_code, AnyOf(0, 1)) << r.err;
  }
  ProcessResult merged = RunProcess(
      {Closeprobe(), "merge", dir + "/loopback/report.json", dir + "/netns/report.json",
       "tests/testdata/windows_report.json", "--out", dir + "/merged"},
      60);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/merged/report.json", &report).ok());
  std::map<std::string, const v1::PlatformColumn*> columns;
  for (const auto& c : report.platforms()) columns[c.name()] = &c;
  // Two linux columns told apart by host, the Windows one, lwIP documented.
  ASSERT_EQ(columns.count("linux"), 1u);
  EXPECT_EQ(columns["linux"]->topology(), "loopback");
  const v1::PlatformColumn* netns = nullptr;
  for (const auto& [name, c] : columns) {
    if (name != "linux" && c->subject().info().platform() == "linux") netns = c;
  }
  ASSERT_NE(netns, nullptr);
  EXPECT_EQ(netns->topology(), "netns");
  EXPECT_THAT(netns->from_report(), HasSubstr("netns/report.json"));
  EXPECT_FALSE(netns->observed_at().empty());
  ASSERT_EQ(columns.count("windows"), 1u);
  EXPECT_FALSE(columns["windows"]->documented());
  EXPECT_EQ(columns["windows"]->observed_at(), "2026-11-20T10:00:00Z");
  EXPECT_EQ(columns["windows"]->subject().info().hostname(), "win-fixture");
  // The fixture's cell is an observation; the other case's Windows cell is documented.
  std::map<std::pair<std::string, std::string>, v1::Verdict> cell;
  for (const auto& r : report.results()) cell[{r.case_name(), r.platform()}] = r.verdict();
  EXPECT_EQ((cell[{"client_reuseaddr_connect", "windows"}]), v1::VERDICT_MATCHED);
  EXPECT_EQ((cell[{"default_close_returns_at_once", "windows"}]), v1::VERDICT_DOCUMENTED);
  EXPECT_EQ((cell[{"client_reuseaddr_connect", netns->name()}]), v1::VERDICT_MATCHED);
  EXPECT_THAT(merged.out, HasSubstr("observed 2026-11-20T10:00:00Z"));

  // Without the Windows report, Windows is a documented column, sources kept.
  merged = RunProcess({Closeprobe(), "merge", dir + "/loopback/report.json",
                       dir + "/netns/report.json", "--out", dir + "/documented"},
                      60);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  ASSERT_TRUE(controller::ReadJsonReport(dir + "/documented/report.json", &report).ok());
  bool documented_column = false;
  for (const auto& c : report.platforms()) documented_column |= c.name() == "windows" && c.documented();
  EXPECT_TRUE(documented_column);
  int windows_cells = 0;
  for (const auto& r : report.results()) {
    if (r.platform() != "windows") continue;
    ++windows_cells;
    EXPECT_EQ(r.verdict(), v1::VERDICT_DOCUMENTED) << r.case_name();
    ASSERT_GT(r.expectations_size(), 0);
    EXPECT_THAT(r.expectations(0).expectation().source(), HasSubstr("learn.microsoft.com"));
  }
  EXPECT_EQ(windows_cells, 2);
  std::ifstream md(dir + "/documented/matrix.md");
  std::stringstream text;
  text << md.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("windows (documented)"));
  EXPECT_THAT(text.str(), HasSubstr("documented, not observed"));
  RemoveTree(dir);
}

// The default matrix between namespaces (lwIP fast-forward on), then the
// lwip column again with lwIP in real time; both tests below read them.
struct NetnsRuns {
  std::set<std::string> interfaces_before, folders_before, interfaces_after, folders_after;
  std::string fast, real;  // report folders
  ProcessResult fast_result, real_result;
};

const NetnsRuns& Runs() {
  static const NetnsRuns* runs = [] {
    auto* r = new NetnsRuns;
    r->interfaces_before = NetworkInterfaces();
    r->folders_before = TopologyFolders();
    r->fast = MakeTempDir();
    r->real = MakeTempDir();
    r->fast_result = RunProcess({Closeprobe(), "run", "--topology=netns", "--out", r->fast}, 300);
    if (access((BinDir() + "/closeprobe-agent-lwip").c_str(), X_OK) == 0) {
      r->real_result = RunProcess({Closeprobe(), "run", "--topology=netns", "--platforms=lwip",
                                   "--lwip_fast_forward=false", "--out", r->real},
                                  400);
    }
    r->interfaces_after = NetworkInterfaces();
    r->folders_after = TopologyFolders();
    return r;
  }();
  return *runs;
}

TEST(NetnsTopology, RunsEveryCaseBetweenTwoNamespacesAndCleansUp) {
  if (geteuid() != 0) GTEST_SKIP() << "network namespaces need root (CI runs as root)";
  const NetnsRuns& runs = Runs();
  const std::string& out = runs.fast;
  EXPECT_THAT(runs.fast_result.exit_code, AnyOf(0, 1)) << runs.fast_result.err;
  ExpectCompleteReport(out, "netns");
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(out + "/report.json", &report).ok());
  EXPECT_EQ(report.summary().errors(), 0);
  for (const auto& r : report.results()) {
    // A pairing with the runsc sandbox on the peer's side: what the sandbox
    // cannot see (a closed handle's state) stops the row, and says so.
    bool sandbox_peer = false;
    for (const auto& [role, platform] : r.role_platforms()) sandbox_peer |= platform == "gvisor";
    if (sandbox_peer && absl::StrContains(r.error(), "not observable")) continue;
    if (r.platform() == "linux") {
      EXPECT_NE(r.verdict(), v1::VERDICT_NOT_SUPPORTED) << r.case_name() << ": as root Linux has it all";
    }
  }
  // A role in an agent process of its own, and in one of another user: SO_REUSEPORT
  // lets the same user share a listener's port, and refuses another user.
  std::map<std::string, std::string> steal_bind;
  for (const auto& r : report.results()) {
    if (r.platform() != "linux" || r.base_case() != "port_stealing") continue;
    for (const auto& step : r.steps()) {
      if (step.id() == "steal_bind") {
        steal_bind[r.case_name()] = v1::ErrorName_Name(step.result().error());
      }
    }
  }
  EXPECT_EQ(steal_bind["port_stealing[reuse=reuseport,first=any,second=any,process=own]"],
            "ERROR_NAME_OK");
  EXPECT_EQ(steal_bind["port_stealing[reuse=reuseport,first=any,second=any,process=other_user]"],
            "ERROR_NAME_EADDRINUSE");
  // The columns the default run has when their agents are built and runsc
  // is installed (CI has all three).
  std::vector<std::string> expected_columns = {"linux"};
  for (const auto& [column, program] :
       {std::make_pair("lwip", "closeprobe-agent-lwip"),
        std::make_pair("gvisor-netstack", "closeprobe-agent-gvisor")}) {
    if (access((BinDir() + "/" + program).c_str(), X_OK) == 0) expected_columns.push_back(column);
  }
  if (access("/usr/bin/runsc", X_OK) == 0) expected_columns.push_back("gvisor");
  std::vector<std::string> columns;
  for (const auto& c : report.platforms()) columns.push_back(c.name());
  EXPECT_EQ(columns, expected_columns);
  EXPECT_THAT(report.platforms(0).subject().info().test_address(), HasSubstr("198.18."));
  EXPECT_THAT(report.platforms(0).peer().info().test_address(), HasSubstr("198.18."));
  EXPECT_NE(report.platforms(0).subject().info().test_address(),
            report.platforms(0).peer().info().test_address());
  EXPECT_EQ(runs.interfaces_after, runs.interfaces_before);
  EXPECT_EQ(runs.folders_after, runs.folders_before);
}

// lwIP in virtual time: its 120 s TIME_WAIT is waited for in moments and
// reported as lwIP time, and no lwip cell changes (rows whose outcome is a
// race, repeated rows and rows whose premise failed in either run aside:
// those vary run to run whatever the clock).
TEST(LwipFastForward, SkipsIdleTimeAndChangesNoCell) {
  if (geteuid() != 0) GTEST_SKIP() << "network namespaces need root (CI runs as root)";
  if (access((BinDir() + "/closeprobe-agent-lwip").c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no lwIP agent";
  }
  const NetnsRuns& runs = Runs();
  EXPECT_THAT(runs.real_result.exit_code, AnyOf(0, 1)) << runs.real_result.err;
  v1::Report fast, real;
  ASSERT_TRUE(controller::ReadJsonReport(runs.fast + "/report.json", &fast).ok());
  ASSERT_TRUE(controller::ReadJsonReport(runs.real + "/report.json", &real).ok());
  std::map<std::string, const v1::CaseResult*> real_cells;
  for (const auto& r : real.results()) {
    if (r.platform() == "lwip" && r.iteration() == 0) real_cells[r.case_name()] = &r;
  }
  std::set<std::string> repeated;
  for (const auto& rep : fast.repeats()) repeated.insert(rep.case_name());
  int compared = 0;
  for (const auto& r : fast.results()) {
    if (r.platform() != "lwip" || r.race() || repeated.count(r.case_name()) > 0) continue;
    // The real-time run has no gvisor column, hence no [peer=gvisor] rows.
    if (absl::StrContains(r.case_name(), "peer=gvisor")) continue;
    if (r.base_case() == "time_wait_duration") {
      // Beside the other cases, lwIP's clock runs in real time while they
      // hold lwIP connections (whose idle age a skip would change), which in
      // the default set can be the whole wait; it never runs behind the
      // host's. Alone, below, the whole wait is skipped.
      for (const auto& step : r.steps()) {
        if (step.id() != "time_wait") continue;
        EXPECT_GT(step.wait().stack_waited_ns(), 110'000'000'000) << "lwIP's TIME_WAIT is 2 MSL";
        EXPECT_LT(step.wait().stack_waited_ns(), 130'000'000'000);
        EXPECT_LE(step.wait().waited_ns(), step.wait().stack_waited_ns() + 10'000'000);
      }
    }
    auto it = real_cells.find(r.case_name());
    ASSERT_NE(it, real_cells.end()) << r.case_name() << " did not run in real time";
    const v1::CaseResult& other = *it->second;
    if (r.verdict() == v1::VERDICT_INCONCLUSIVE || other.verdict() == v1::VERDICT_INCONCLUSIVE) {
      continue;
    }
    EXPECT_EQ(r.verdict(), other.verdict()) << r.case_name();
    EXPECT_EQ(r.outcome(), other.outcome()) << r.case_name();
    ++compared;
  }
  EXPECT_GT(compared, 40);
  RemoveTree(runs.fast);
  RemoveTree(runs.real);

  // Alone, the whole 120 s TIME_WAIT is skipped.
  const std::string alone = MakeTempDir();
  ProcessResult r = RunProcess({Closeprobe(), "run", "--topology=netns", "--platforms=lwip",
                                "cases/time_wait_duration.textproto", "--out", alone},
                               120);
  ASSERT_THAT(r.exit_code, AnyOf(0, 1)) << r.err;
  v1::Report report;
  ASSERT_TRUE(controller::ReadJsonReport(alone + "/report.json", &report).ok());
  ASSERT_EQ(report.results_size(), 1);
  EXPECT_EQ(report.results(0).verdict(), v1::VERDICT_MATCHED);
  EXPECT_LT(report.results(0).seconds(), 5.0) << "skipped, not waited";
  RemoveTree(alone);
}


// The connections the agent's stack has on `port`, through a session of our own.
std::vector<v1::Connection> ConnectionsOn(controller::AgentClient& agent, uint32_t port) {
  auto session = controller::AgentSession::Open(&agent, "probe", absl::Seconds(5));
  if (!session.ok()) return {};
  v1::ConnectionsRequest req;
  req.set_local_port(port);
  auto reply = (*session)->Call(&v1::Agent::Stub::Connections, req, absl::Seconds(5));
  if (!reply.ok()) return {};
  return {reply->connections().begin(), reply->connections().end()};
}

bool HasOpenSocket(const std::vector<v1::Connection>& list) {
  for (const auto& c : list) {
    if (c.state() == v1::TCP_STATE_LISTEN || c.state() == v1::TCP_STATE_ESTABLISHED ||
        c.state() == v1::TCP_STATE_CLOSE_WAIT) {
      return true;
    }
  }
  return false;
}

TEST(SessionLease, KilledControllerLeavesNoSocketsOpenAfterTheLease) {
  const std::string dir = MakeTempDir();
  const pid_t agent = StartProcess(
      {AgentBinary(), "--listen=127.0.0.1:0", "--port_file=" + dir + "/port"}, dir + "/agent.log");
  const int port = WaitForPortFile(dir + "/port", 5);
  ASSERT_GT(port, 0) << "agent did not start";
  const std::string target = "127.0.0.1:" + std::to_string(port);
  auto client = controller::AgentClient::Connect(target, "", absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();

  const pid_t controller = StartProcess(
      {Closeprobe(), "run", "--agent", "subject=" + target, "--lease_ms=1000",
       "--port_base=27000", "--out", dir + "/report", "tests/testdata/hold_sockets.textproto"},
      dir + "/controller.log");
  constexpr uint32_t kCasePort = 27000;  // the case's first port name, "srv"
  bool held = false;
  for (int i = 0; i < 200 && !held; ++i) {
    std::vector<v1::Connection> list = ConnectionsOn(**client, kCasePort);
    held = HasOpenSocket(list) && list.size() >= 3;  // listener + both ends
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(held) << "the case never opened its sockets";

  StopProcess(controller, SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  bool released = false;
  while (!released && std::chrono::steady_clock::now() - killed < std::chrono::seconds(10)) {
    released = !HasOpenSocket(ConnectionsOn(**client, kCasePort));
    if (!released) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  EXPECT_TRUE(released) << "sockets still open 10 s after the controller died";
  EXPECT_LT(seconds, 3.5) << "lease 1 s, renewal every 1 s, reaper every 0.1 s";
  // The agent is unharmed and keeps serving.
  auto info = (*client)->Call(&v1::Agent::Stub::Info, v1::InfoRequest(), absl::Seconds(5));
  EXPECT_TRUE(info.ok());
  client->reset();
  StopProcess(agent, SIGTERM);
  RemoveTree(dir);
}

}  // namespace
}  // namespace closeprobe::testing
