// run: loads the case set once, starts (or connects to) the agents, runs
// every row on every column, judges the record once and writes it.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "controller/commands/command_support.h"
#include "controller/judge/baseline.h"
#include "controller/judge/expectation_matcher.h"
#include "controller/report/report_writers.h"
#include "controller/run/local_topology.h"
#include "controller/run/run_scheduler.h"

namespace closeprobe::controller {
namespace {

constexpr char kVersion[] = CLOSEPROBE_VERSION;

std::string ProgramDir() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().string();
}

// The agents of a run and the matrix columns they make.
struct Agents {
  std::unique_ptr<LocalTopology> topology;  // null with given agents
  std::vector<std::unique_ptr<AgentClient>> clients;
  std::vector<PlatformAgents> host_sets;  // [0]: the shared hosts; then one per settings row
  std::vector<PlatformAgents> columns;    // what the matrix shows
};

// Role -> target per host set: the local topology's pairs (and lwIP), or
// one set per given `subject`, all sharing the other roles' agents.
std::vector<std::map<std::string, std::string>> StartAgents(const Config& config,
                                                            const CaseSet& set, Agents* agents,
                                                            v1::Report* report) {
  std::vector<std::map<std::string, std::string>> sets;
  if (!config.agents.empty()) {
    report->set_topology("remote");
    std::map<std::string, std::string> shared;
    std::vector<std::string> subjects;
    for (const auto& [role, target] : config.agents) {
      if (role == "subject") subjects.push_back(target);
      else shared[role] = target;
    }
    if (subjects.empty()) return {shared};
    for (const std::string& subject : subjects) {
      sets.push_back(shared);
      sets.back()["subject"] = subject;
    }
    return sets;
  }
  TopologyOptions options;
  options.kind = config.topology == "netns"      ? TopologyKind::kNetns
                 : config.topology == "loopback" ? TopologyKind::kLoopback
                                                 : TopologyKind::kAuto;
  const TopologyKind kind = options.kind;
  const std::string binary =
      config.agent_binary.empty() ? ProgramDir() + "/closeprobe-agent" : config.agent_binary;
  const std::string lwip = config.agent_lwip_binary.empty()
                               ? ProgramDir() + "/closeprobe-agent-lwip"
                               : config.agent_lwip_binary;
  const bool want_lwip = absl::StrContains(config.platforms, "lwip");
  const bool can_lwip = want_lwip && geteuid() == 0 && kind != TopologyKind::kLoopback &&
                        access(lwip.c_str(), X_OK) == 0;
  if (want_lwip && !can_lwip) {
    report->add_warnings(absl::StrCat("no lwip column: it needs root, the netns topology and ", lwip));
  }
  options.pairs = 1 + static_cast<int>(SettingsRows(set).size());
  options.lwip_binary = can_lwip ? lwip : "";
  options.lwip_fast_forward = config.lwip_fast_forward;
  options.companions = NeedsCompanions(set);
  absl::StatusOr<std::unique_ptr<LocalTopology>> t = LocalTopology::Start(binary, options);
  if (!t.ok()) {
    std::cerr << "closeprobe: cannot start local agents: " << t.status().message() << "\n";
    return {};
  }
  agents->topology = std::move(*t);
  for (const HostPair& pair : agents->topology->pairs()) {
    sets.push_back({{"subject", pair.subject_target}, {"peer", pair.peer_target}});
    sets.back().insert(pair.companions.begin(), pair.companions.end());
  }
  if (!agents->topology->lwip_pair().subject_target.empty()) {
    sets.push_back({{"subject", agents->topology->lwip_pair().subject_target},
                    {"peer", agents->topology->lwip_pair().peer_target}});
  }
  report->set_topology(agents->topology->kind());
  for (const auto& w : agents->topology->warnings()) {
    report->add_warnings(w);
    std::cerr << "closeprobe: warning: " << w << "\n";
  }
  return sets;
}

// Connects to every agent; false with the reason printed.
bool Connect(const Config& config, const std::vector<std::map<std::string, std::string>>& sets,
             Agents* agents) {
  Credentials credentials;
  if (!ReadCredentials(config, &credentials)) return false;
  for (const auto& targets : sets) {
    std::map<std::string, AgentClient*> by_role;
    for (const auto& [role, target] : targets) {
      absl::StatusOr<std::unique_ptr<AgentClient>> c =
          AgentClient::Connect(target, credentials.token, absl::Seconds(10), credentials.tls);
      if (!c.ok()) {
        std::cerr << "closeprobe: " << role << ": " << c.status().message()
                  << (agents->topology ? agents->topology->AgentLogs() : "") << "\n";
        return false;
      }
      by_role[role] = c->get();
      agents->clients.push_back(std::move(*c));
    }
    PlatformAgents set;
    set.subject = by_role.count("subject") ? by_role["subject"] : by_role.begin()->second;
    set.peer = by_role.count("peer") ? by_role["peer"] : set.subject;
    set.name = set.subject->info().platform();
    // Two given subjects of one platform: the columns say which host.
    for (const PlatformAgents& other : agents->host_sets) {
      if (!agents->topology && other.name == set.name) {
        set.name = absl::StrCat(set.name, "@", set.subject->info().hostname());
      }
    }
    for (auto& [role, client] : by_role) {
      if (role == "subject" || role == "peer") continue;
      if (!absl::StrContains(role, "/")) {
        set.by_role[role] = client;
        continue;
      }
      // "subject/own", "peer/other_user" (role_binder.h): a companion joins
      // the column whose subject (or peer) is on its host, i.e. has its
      // test address.
      const AgentClient* host = absl::StartsWith(role, "subject/") ? set.subject : set.peer;
      if (client->info().test_address() == host->info().test_address()) {
        set.companions[role] = client;
      }
    }
    agents->host_sets.push_back(set);
  }
  // Local: the shared linux hosts and the lwIP host, if any (the other pairs
  // are the settings rows' own hosts). Given agents: a column per subject.
  const auto& hosts = agents->host_sets;
  const bool has_lwip = agents->topology && !agents->topology->lwip_pair().subject_target.empty();
  agents->columns = agents->topology ? std::vector<PlatformAgents>{hosts.front()} : hosts;
  if (has_lwip) agents->columns.push_back(hosts.back());
  if (!absl::StrContains(config.platforms, "linux") && agents->columns.size() > 1) {
    agents->columns.erase(agents->columns.begin());
  }
  return true;
}

// SIGINT/SIGTERM (blocked in main) end the run: local agents are stopped
// and their folder removed; the agents' leases close every socket.
void StopOnSignal(const LocalTopology* topology) {
  std::thread([topology] {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    int sig = 0;
    sigwait(&signals, &sig);
    std::cerr << "\ncloseprobe: interrupted (signal " << sig << ")\n";
    if (topology != nullptr) topology->Abandon();
    _exit(130);
  }).detach();
}

ScheduleOptions Schedule(const Config& config, const CaseSet& set, const Agents& agents,
                         const std::string& out_dir) {
  ScheduleOptions options;
  options.settings_alone = agents.topology == nullptr;
  options.jobs = config.jobs;
  options.port_base = static_cast<uint32_t>(config.port_base);
  options.lease = absl::Milliseconds(config.lease_ms);
  options.progress = &std::cerr;
  options.progress_is_tty = isatty(2);
  // The last run's durations, if the folder holds one, tell how long cases take.
  v1::Report previous;
  if (ReadJsonReport(out_dir + "/report.json", &previous).ok()) {
    for (const auto& r : previous.results()) {
      double& s = options.expected_seconds[r.case_name()];
      s = std::max(s, r.seconds());
    }
  }
  const std::vector<int> settings_rows = SettingsRows(set);
  for (size_t i = 0; agents.topology && i < settings_rows.size() && i + 1 < agents.host_sets.size();
       ++i) {
    if (agents.columns.front().subject == agents.host_sets.front().subject) {
      options.dedicated[{settings_rows[i], 0}] = agents.host_sets[i + 1];
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir + "/pcap", ec);
  if (!ec) options.pcap_dir = out_dir + "/pcap";
  return options;
}

}  // namespace

int RunCommand(const Config& flags) {
  Config config = flags;
  if (!config.resume.empty()) config.out = config.resume;  // the resumed run's folder
  CaseSet set;
  if (!LoadCases(config, &set)) return kExitUsage;
  v1::Report report;
  report.set_tool_version(kVersion);
  report.set_started_at(absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
  const absl::Time start = absl::Now();
  // Local agents are started before any thread exists (the topology forks).
  Agents agents;
  const auto sets = StartAgents(config, set, &agents, &report);
  if (sets.empty() || !Connect(config, sets, &agents)) return kExitInfra;
  StopOnSignal(agents.topology.get());
  ExpandPairings(PeerPlatforms(agents.columns), &set);
  for (const PlatformAgents& column : agents.columns) {
    v1::PlatformColumn* p = report.add_platforms();
    p->set_name(column.name);
    for (auto [agent, into] : {std::make_pair(column.subject, p->mutable_subject()),
                               std::make_pair(column.peer, p->mutable_peer())}) {
      into->set_target(agent->target());
      *into->mutable_info() = agent->info();
      *into->mutable_clock() = agent->clock();
    }
    std::cerr << "closeprobe: " << column.name << " (" << column.subject->info().os()
              << "), topology " << report.topology() << "\n";
  }
  ScheduleOptions options = Schedule(config, set, agents, config.out);
  // Each result goes to results.jsonl as soon as it is known; --resume takes
  // the runs it holds instead of running them again.
  const std::string partial = config.out + "/results.jsonl";
  std::error_code ec;
  if (!config.resume.empty()) {
    absl::StatusOr<std::vector<v1::CaseResult>> done = ReadJsonLines(partial);
    if (!done.ok()) {
      std::cerr << "closeprobe: --resume: " << done.status().message() << "\n";
      return kExitUsage;
    }
    for (v1::CaseResult& r : *done) {
      options.finished[{r.case_name(), r.platform(), r.iteration()}] = std::move(r);
    }
    std::cerr << "closeprobe: resuming " << config.out << ": " << options.finished.size()
              << " runs already done\n";
  } else {
    std::filesystem::remove(partial, ec);
  }
  options.on_result = [&partial](const LoadedCase& row, v1::CaseResult* r) {
    MatchExpectations(row, r->platform(), r->platform_version(), r);
    absl::Status s = AppendJsonLine(*r, partial);
    if (!s.ok()) std::cerr << "closeprobe: " << s.message() << "\n";
  };
  absl::StatusOr<std::vector<v1::CaseResult>> results = RunAll(set.rows, agents.columns, options);
  if (!results.ok()) {
    std::cerr << "closeprobe: " << results.status().message() << "\n";
    return kExitUsage;
  }
  for (auto& r : *results) *report.add_results() = std::move(r);
  report.set_wall_seconds(absl::ToDoubleSeconds(absl::Now() - start));
  const MatrixRows rows = JudgeReport(&report);
  if (absl::Status b = CompareWithBaselines(config.baselines, rows, &report); !b.ok()) {
    std::cerr << "closeprobe: " << b.message() << "\n";
    report.add_warnings(absl::StrCat("baselines not compared: ", b.message()));
  }
  CountBaselineDifferences(&report);
  if (!WriteAndPrint(config, report, rows)) return kExitInfra;
  std::filesystem::remove(partial, ec);  // report.json has it all now
  return ExitStatusFor(report);
}

}  // namespace closeprobe::controller
