// run: loads the case set once, starts (or connects to) the agents, runs
// every row on every column, judges the record once and writes it.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "controller/commands/command_support.h"
#include "controller/commands/console.h"
#include "controller/judge/baseline.h"
#include "controller/judge/expectation_matcher.h"
#include "controller/report/case_file_hashes.h"
#include "controller/report/report_writers.h"
#include "controller/hosts/local_columns.h"
#include "controller/hosts/local_topology.h"
#include "controller/run/run_scheduler.h"

namespace closeprobe::controller {
namespace {

constexpr char kVersion[] = CLOSEPROBE_VERSION;

// The agents of a run and the matrix columns they make.
struct Agents {
  std::unique_ptr<LocalTopology> topology;  // null with given agents
  std::vector<std::unique_ptr<AgentClient>> clients;
  std::vector<PlatformAgents> host_sets;  // [0]: the shared hosts; then one per settings row
  std::vector<PlatformAgents> columns;    // what the matrix shows
};

// The agents of one set of hosts: role -> target, and whether (and as what)
// it is a column of the matrix.
struct HostSet {
  std::map<std::string, std::string> targets;
  bool is_column = true;  // false: a settings row's own hosts
  std::string column;     // the column's name when not the subject's platform
  std::string emulation;  // PlatformColumn.emulation
  std::string wire;       // the agent capturing and dropping for the subject, if not itself
};

// The host sets: the local topology's pairs and columns, or one set per
// given `subject`, all sharing the other roles' agents.
std::vector<HostSet> StartAgents(const Config& config, const CaseSet& set, Agents* agents,
                                 v1::Report* report) {
  std::vector<HostSet> sets;
  if (!config.agents.empty()) {
    report->set_topology("remote");
    std::map<std::string, std::string> shared;
    std::vector<std::string> subjects;
    for (const auto& [role, target] : config.agents) {
      if (role == "subject") subjects.push_back(target);
      else shared[role] = target;
    }
    if (subjects.empty()) subjects.push_back("");  // one set: the roles given
    for (const std::string& subject : subjects) {
      sets.emplace_back();
      sets.back().targets = shared;
      if (!subject.empty()) sets.back().targets["subject"] = subject;
    }
    return sets;
  }
  TopologyOptions options;
  options.kind = config.topology == "netns"      ? TopologyKind::kNetns
                 : config.topology == "loopback" ? TopologyKind::kLoopback
                                                 : TopologyKind::kAuto;
  const std::string binary =
      config.agent_binary.empty() ? ProgramDir() + "/" + ExecutableName("closeprobe-agent")
                                  : config.agent_binary;
  LocalColumnsOptions found;
  found.program_dir = ProgramDir();
  found.programs = config.agent_programs;
  found.runsc = config.runsc;
  found.guest_dir = config.guest_dir;
  found.fast_forward = config.lwip_fast_forward;
  found.namespaces = LocalTopology::CanStartNamespaces() && options.kind != TopologyKind::kLoopback;
  LocalColumns local = FindLocalColumns(config.platforms, found);
  for (const std::string& w : local.warnings) report->add_warnings(w);
  options.columns = local.columns;
  options.pairs = 1 + static_cast<int>(SettingsRows(set).size());
  options.companions = NeedsCompanions(set);
  absl::StatusOr<std::unique_ptr<LocalTopology>> t = LocalTopology::Start(binary, options);
  if (!t.ok()) {
    std::cerr << "closeprobe: cannot start local agents: " << t.status().message() << "\n";
    return {};
  }
  agents->topology = std::move(*t);
  const LocalTopology& topology = *agents->topology;
  const auto add = [&sets](const HostPair& pair, bool is_column) {
    HostSet host{{{"subject", pair.subject_target}, {"peer", pair.peer_target}}, is_column,
                 pair.column, pair.emulation, pair.wire_target};
    host.targets.insert(pair.companions.begin(), pair.companions.end());
    sets.push_back(std::move(host));
  };
  // The first pair is the linux column; the others are the settings rows' own hosts.
  for (size_t i = 0; i < topology.pairs().size(); ++i) {
    add(topology.pairs()[i], i == 0 && (local.linux_column || topology.kind() == "loopback"));
  }
  for (const HostPair& column : topology.columns()) add(column, true);
  if (topology.sandbox_start_seconds() > 0) {
    std::cerr << "closeprobe: gvisor: the runsc sandbox served after "
              << topology.sandbox_start_seconds() << " s\n";
  }
  report->set_topology(topology.kind());
  for (const auto& w : topology.warnings()) {
    report->add_warnings(w);
    std::cerr << "closeprobe: warning: " << w << "\n";
  }
  return sets;
}

// Connects to every agent; false with the reason printed.
bool Connect(const Config& config, const std::vector<HostSet>& sets, Agents* agents) {
  Credentials credentials;
  if (!ReadCredentials(config, &credentials)) return false;
  for (const HostSet& host : sets) {
    std::map<std::string, AgentClient*> by_role;
    for (const auto& [role, target] : host.targets) {
      absl::StatusOr<std::unique_ptr<AgentClient>> c =
          AgentClient::Connect(target, credentials.token, absl::Seconds(30), credentials.tls);
      if (!c.ok()) {
        std::cerr << "closeprobe: " << role << ": " << c.status().message()
                  << (agents->topology ? agents->topology->AgentLogs() : "") << "\n";
        return false;
      }
      by_role[role] = c->get();
      agents->clients.push_back(std::move(*c));
    }
    PlatformAgents set;
    if (!host.wire.empty()) {
      absl::StatusOr<std::unique_ptr<AgentClient>> c =
          AgentClient::Connect(host.wire, credentials.token, absl::Seconds(30), credentials.tls);
      if (!c.ok()) {
        std::cerr << "closeprobe: wire: " << c.status().message()
                  << (agents->topology ? agents->topology->AgentLogs() : "") << "\n";
        return false;
      }
      set.wire = c->get();
      agents->clients.push_back(std::move(*c));
    }
    set.subject = by_role.count("subject") ? by_role["subject"] : by_role.begin()->second;
    set.peer = by_role.count("peer") ? by_role["peer"] : set.subject;
    set.name = host.column.empty() ? set.subject->info().platform() : host.column;
    set.emulation = host.emulation;
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
      const AgentClient* on = absl::StartsWith(role, "subject/") ? set.subject : set.peer;
      if (client->info().test_address() == on->info().test_address()) {
        set.companions[role] = client;
      }
    }
    agents->host_sets.push_back(set);
    if (host.is_column) agents->columns.push_back(set);
  }
  // Nothing else could run: the linux hosts make the column.
  if (agents->columns.empty()) agents->columns.push_back(agents->host_sets.front());
  // Local columns come in the order --platforms gave them.
  const auto asked = [&config](const PlatformAgents& column) {
    for (size_t i = 0; i < config.platforms.size(); ++i) {
      if (config.platforms[i].name == column.name) return i;
    }
    return config.platforms.size();
  };
  if (agents->topology) {
    std::stable_sort(agents->columns.begin(), agents->columns.end(),
                     [&](const PlatformAgents& a, const PlatformAgents& b) { return asked(a) < asked(b); });
  }
  return true;
}

// For each emulated column (a QEMU guest, a runsc sandbox tracing every
// system call with ptrace), a warning naming the cases whose outcome turns
// on calls starting within microseconds of each other (steps started
// together, declared races): the emulation decides those more than the stack.
void WarnAboutEmulation(const std::vector<PlatformAgents>& columns, const CaseSet& set,
                        v1::Report* report) {
  std::set<std::string> timed;
  for (const LoadedCase& c : set.rows) {
    bool together = c.spec.race();
    for (const v1::Step& step : c.spec.step()) together |= !step.together().empty();
    if (together) timed.insert(c.base_name.empty() ? c.spec.name() : c.base_name);
  }
  for (const PlatformAgents& column : columns) {
    if (column.emulation.empty()) continue;
    std::string warning = absl::StrCat(column.name, " runs under ", column.emulation,
                                       ": its durations include the emulation's cost, not "
                                       "only the stack's");
    if (!timed.empty()) {
      absl::StrAppend(&warning, "; ", absl::StrJoin(timed, ", "),
                      " depend on sub-millisecond timing (calls started together, races), so "
                      "their outcomes there say as much about the emulation as about the stack");
    }
    report->add_warnings(warning);
    std::cerr << "closeprobe: warning: " << warning << "\n";
  }
}

// An interrupt ends the run: local agents are stopped and their folder
// removed; the agents' leases close every socket.
void StopOnInterrupt(const LocalTopology* topology) {
  OnInterrupt([topology] {
    if (topology != nullptr) topology->Abandon();
  });
}

ScheduleOptions Schedule(const Config& config, const CaseSet& set, const Agents& agents,
                         const std::string& out_dir) {
  ScheduleOptions options;
  options.jobs = config.jobs;
  options.port_base = static_cast<uint32_t>(config.port_base);
  options.lease = absl::Milliseconds(config.lease_ms);
  options.progress = &std::cerr;
  options.progress_is_tty = IsTerminal(2);
  // The last run's durations, if the folder holds one, tell how long cases take.
  v1::Report previous;
  if (ReadJsonReport(out_dir + "/report.json", &previous).ok()) {
    for (const auto& r : previous.results()) {
      double& s = options.expected_seconds[r.case_name()];
      s = std::max(s, r.seconds());
    }
  }
  const std::vector<int> settings_rows = SettingsRows(set);
  // A settings row changes its host's stack: on the linux column it runs on
  // hosts of its own.
  int linux_column = -1;
  for (size_t c = 0; c < agents.columns.size(); ++c) {
    if (agents.columns[c].subject == agents.host_sets.front().subject) linux_column = static_cast<int>(c);
  }
  for (size_t i = 0; agents.topology && linux_column >= 0 && i < settings_rows.size() &&
                     i + 1 < agents.host_sets.size();
       ++i) {
    options.dedicated[{settings_rows[i], linux_column}] = agents.host_sets[i + 1];
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
  // A first run has no baselines yet (`accept` makes the folder after it):
  // one the user names and that is missing is said, naming the flag.
  if (std::error_code ec; config.baselines_named && !std::filesystem::is_directory(config.baselines, ec)) {
    const std::string missing =
        absl::StrCat("--baselines=", config.baselines, ": no such folder, so nothing is compared (`closeprobe accept --baselines=",
                     config.baselines, " REPORT` records baselines there)");
    std::cerr << "closeprobe: " << missing << "\n";
    report.add_warnings(missing);
  }
  report.set_tool_version(kVersion);
  report.set_started_at(absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
  const absl::Time start = absl::Now();
  // Local agents are started before any thread exists (the topology forks).
  Agents agents;
  const auto sets = StartAgents(config, set, &agents, &report);
  if (sets.empty() || !Connect(config, sets, &agents)) return kExitInfra;
  StopOnInterrupt(agents.topology.get());
  ExpandPairings(PeerPlatforms(agents.columns), &set);
  WarnAboutEmulation(agents.columns, set, &report);
  for (const PlatformAgents& column : agents.columns) {
    v1::PlatformColumn* p = report.add_platforms();
    p->set_name(column.name);
    p->set_emulation(column.emulation);
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
    MatchExpectations(row, JudgedPlatform(r->platform(), r->subject_platform()),
                      r->platform_version(), r);
    r->set_min_conclusive_runs(row.spec.min_conclusive_runs());
    absl::Status s = AppendJsonLine(*r, partial);
    if (!s.ok()) std::cerr << "closeprobe: " << s.message() << "\n";
  };
  absl::StatusOr<std::vector<v1::CaseResult>> results = RunAll(set.rows, agents.columns, options);
  if (!results.ok()) {
    std::cerr << "closeprobe: " << results.status().message() << "\n";
    return kExitUsage;
  }
  for (auto& r : *results) *report.add_results() = std::move(r);
  std::vector<std::string> files;
  for (const LoadedCase& row : set.rows) {
    if (files.empty() || files.back() != row.file) files.push_back(row.file);
  }
  RecordCaseFileHashes(files, &report);
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
