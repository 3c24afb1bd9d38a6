// closeprobe: runs TCP close-semantics case files against real stacks and
// prints the conformance matrix. See --help.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "controller/agent_client.h"
#include "controller/baseline.h"
#include "controller/case_grid.h"
#include "controller/case_loader.h"
#include "controller/case_validator.h"
#include "controller/ladder.h"
#include "controller/local_topology.h"
#include "controller/matrix_report.h"
#include "controller/report_merge.h"
#include "controller/run_scheduler.h"

ABSL_FLAG(std::string, out, "closeprobe-report", "Folder for report.json.");
ABSL_FLAG(std::string, resume, "",
          "run: finish the interrupted run in this folder: the runs its results.jsonl "
          "holds are kept, not run again; the report is written there.");
ABSL_FLAG(int, jobs, 32, "Case runs in parallel (cases mostly wait on TCP timers).");
ABSL_FLAG(std::string, topology, "auto",
          "Local agents when no --agent is given: netns (root: one network namespace "
          "per host, joined by veth, 198.18.0.0/15), loopback, or auto (netns when root).");
ABSL_FLAG(std::string, agent_binary, "",
          "closeprobe-agent to start for the local topology (default: beside this program).");
ABSL_FLAG(std::string, agent_lwip_binary, "",
          "closeprobe-agent-lwip for the local lwIP host (default: beside this program).");
ABSL_FLAG(std::string, platforms, "linux,lwip",
          "Local platforms to run (matrix columns), as far as this machine has them: linux, "
          "lwip (needs root and closeprobe-agent-lwip).");
ABSL_FLAG(std::string, token_file, "", "Token for agents started with --token_file.");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA that signed the agents' certificates: talk TLS to agents started with "
          "--tls_cert.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate of this controller, for agents that require client "
          "certificates (--tls_client_ca); with --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(int, lease_ms, 10000,
          "Session lease on the agents: if this controller dies, its sockets are closed "
          "this long after its last call.");
ABSL_FLAG(int, port_base, 20000, "First port of the per-case port blocks.");
ABSL_FLAG(std::string, cases_dir, "cases", "Where the case files are when none are named.");
ABSL_FLAG(std::string, color, "auto", "Colour the matrix: auto, always, never.");
ABSL_FLAG(std::string, platform, "",
          "show: the platform column (default: the first); accept: only this platform.");
ABSL_FLAG(std::string, baselines, "baselines",
          "run: compare each column with its baseline in this folder (if the folder "
          "exists); accept: where to write baselines.");
ABSL_FLAG(std::string, report, "",
          "show: the report folder or report.json to read (default: --out).");

namespace closeprobe::controller {
namespace {

constexpr int kExitUsage = 2;
constexpr int kExitInfra = 3;
constexpr char kVersion[] = CLOSEPROBE_VERSION;

std::string ProgramDir() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().string();
}

// Loads and validates every case file and expands its grid into iterations
// (one for a case without parameters); prints every problem. False if any.
bool LoadAll(const std::vector<std::string>& args, std::vector<LoadedCase>* cases,
             int* file_count = nullptr) {
  std::vector<std::string> paths = args;
  if (paths.empty()) paths.push_back(absl::GetFlag(FLAGS_cases_dir));
  absl::StatusOr<std::vector<std::string>> files = ExpandCasePaths(paths);
  if (!files.ok()) {
    std::cerr << "closeprobe: " << files.status().message() << "\n";
    return false;
  }
  if (files->empty()) {
    std::cerr << "closeprobe: no case files found\n";
    return false;
  }
  bool ok = true;
  std::map<std::string, std::string> names;
  for (const std::string& file : *files) {
    absl::StatusOr<LoadedCase> c = LoadCaseFile(file);
    absl::Status s = c.ok() ? ValidateCase(*c) : c.status();
    if (s.ok() && !names.emplace(c->spec.name(), file).second) {
      s = absl::InvalidArgumentError(absl::StrCat(file, ":1:1: case name '", c->spec.name(),
                                                  "' also used by ", names[c->spec.name()]));
    }
    if (!s.ok()) {
      std::cerr << s.message() << "\n";
      ok = false;
      continue;
    }
    for (LoadedCase& iteration : ExpandGrid(*c)) cases->push_back(std::move(iteration));
  }
  if (file_count != nullptr) *file_count = static_cast<int>(files->size());
  return ok;
}

// What this controller presents to agents, read once from the flags' files.
struct Credentials {
  std::string token;  // --token_file (an unreadable file gives none: the agent says so)
  ClientTls tls;      // --tls_ca, --tls_cert, --tls_key
};

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// False, with the reason printed, if a TLS file named cannot be read.
bool CredentialsFromFlags(Credentials* out) {
  const std::string token_file = absl::GetFlag(FLAGS_token_file);
  if (!token_file.empty()) {
    out->token = std::string(absl::StripAsciiWhitespace(FileText(token_file)));
  }
  const std::pair<std::string*, std::string> files[] = {
      {&out->tls.root_ca, absl::GetFlag(FLAGS_tls_ca)},
      {&out->tls.cert, absl::GetFlag(FLAGS_tls_cert)},
      {&out->tls.key, absl::GetFlag(FLAGS_tls_key)}};
  for (const auto& [into, path] : files) {
    if (path.empty()) continue;
    *into = FileText(path);
    if (into->empty()) {
      std::cerr << "closeprobe: cannot read " << path << "\n";
      return false;
    }
  }
  return true;
}

bool UseColor() {
  const std::string c = absl::GetFlag(FLAGS_color);
  return c == "always" || (c == "auto" && isatty(1));
}

// Writes every report format into --out and prints the matrix; false (with
// the reason printed) if the files could not be written.
bool WriteAndPrint(const v1::Report& report) {
  absl::Status written = WriteAllReports(report, absl::GetFlag(FLAGS_out));
  PrintMatrix(report, std::cout, UseColor());
  if (!written.ok()) {
    std::cerr << "closeprobe: " << written.message() << "\n";
    return false;
  }
  std::cout << "Report: " << absl::GetFlag(FLAGS_out)
            << "/{report.json,report.html,matrix.md,junit.xml}\n";
  return true;
}

int Validate(const std::vector<std::string>& args) {
  std::vector<LoadedCase> cases;
  int files = 0;
  if (!LoadAll(args, &cases, &files)) return kExitUsage;
  std::cout << "ok: " << files << " case files are valid (" << cases.size()
            << " rows with their grids' iterations)\n";
  return 0;
}

int List(const std::vector<std::string>& args) {
  std::vector<LoadedCase> cases;
  if (!LoadAll(args, &cases)) return kExitUsage;
  for (const LoadedCase& c : cases) {
    std::cout << absl::StrFormat("%-28s %-4s %s%s%s\n", c.spec.name(), c.spec.claim(),
                                 c.spec.summary(), c.spec.slow() ? " [slow]" : "",
                                 c.spec.pairings() ? " [pairings]" : "");
  }
  return 0;
}

// The indices of the cases that change stack settings (they get hosts of
// their own).
std::vector<int> SettingsCases(const std::vector<LoadedCase>& cases) {
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(cases.size()); ++i) {
    if (cases[i].spec.settings_size() > 0) out.push_back(i);
  }
  return out;
}

// --agent bindings in the order given: (role, target).
using Bindings = std::vector<std::pair<std::string, std::string>>;

// The host sets of a run on given agents: one per `subject` (each a matrix
// column), all sharing the other roles' agents (the reference peer...).
std::vector<std::map<std::string, std::string>> TargetSets(const Bindings& bound) {
  std::map<std::string, std::string> shared;
  std::vector<std::string> subjects;
  for (const auto& [role, target] : bound) {
    if (role == "subject") {
      subjects.push_back(target);
    } else {
      shared[role] = target;
    }
  }
  if (subjects.empty()) return {shared};
  std::vector<std::map<std::string, std::string>> sets;
  for (const std::string& subject : subjects) {
    sets.push_back(shared);
    sets.back()["subject"] = subject;
  }
  return sets;
}

int Run(const std::vector<std::string>& args, const Bindings& bound) {
  if (!absl::GetFlag(FLAGS_resume).empty()) absl::SetFlag(&FLAGS_out, absl::GetFlag(FLAGS_resume));
  std::vector<LoadedCase> cases;
  if (!LoadAll(args, &cases)) return kExitUsage;
  Credentials credentials;
  if (!CredentialsFromFlags(&credentials)) return kExitUsage;

  v1::Report report;
  report.set_tool_version(kVersion);
  report.set_started_at(absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
  const absl::Time start = absl::Now();

  // Local agents are started before any thread exists (the topology forks).
  // Cases that change stack settings get a host pair of their own.
  std::vector<int> settings_cases = SettingsCases(cases);
  std::unique_ptr<LocalTopology> topology;
  std::vector<std::map<std::string, std::string>> target_sets;  // per host pair: role -> target
  if (bound.empty()) {
    const std::string kind = absl::GetFlag(FLAGS_topology);
    TopologyKind k = kind == "netns"      ? TopologyKind::kNetns
                     : kind == "loopback" ? TopologyKind::kLoopback
                                          : TopologyKind::kAuto;
    std::string binary = absl::GetFlag(FLAGS_agent_binary);
    if (binary.empty()) binary = ProgramDir() + "/closeprobe-agent";
    std::string lwip = absl::GetFlag(FLAGS_agent_lwip_binary);
    if (lwip.empty()) lwip = ProgramDir() + "/closeprobe-agent-lwip";
    const std::string platforms = absl::GetFlag(FLAGS_platforms);
    const bool want_lwip = absl::StrContains(platforms, "lwip");
    const bool can_lwip = want_lwip && geteuid() == 0 && k != TopologyKind::kLoopback &&
                          access(lwip.c_str(), X_OK) == 0;
    if (want_lwip && !can_lwip) {
      report.add_warnings(absl::StrCat(
          "no lwip column: it needs root, the netns topology and ", lwip));
    }
    absl::StatusOr<std::unique_ptr<LocalTopology>> t = LocalTopology::Start(
        binary, k, 1 + static_cast<int>(settings_cases.size()), can_lwip ? lwip : "");
    if (!t.ok()) {
      std::cerr << "closeprobe: cannot start local agents: " << t.status().message() << "\n";
      return kExitInfra;
    }
    topology = std::move(*t);
    for (const HostPair& pair : topology->pairs()) {
      target_sets.push_back({{"subject", pair.subject_target}, {"peer", pair.peer_target}});
    }
    if (!topology->lwip_pair().subject_target.empty()) {
      target_sets.push_back({{"subject", topology->lwip_pair().subject_target},
                             {"peer", topology->lwip_pair().peer_target}});
    }
    report.set_topology(topology->kind());
    for (const auto& w : topology->warnings()) {
      report.add_warnings(w);
      std::cerr << "closeprobe: warning: " << w << "\n";
    }
  } else {
    target_sets = TargetSets(bound);
    report.set_topology("remote");
  }

  // SIGINT/SIGTERM (blocked in main) end the run: local agents are stopped
  // and their folder removed; the agents' leases close every socket.
  std::thread([t = topology.get()] {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    int sig = 0;
    sigwait(&signals, &sig);
    std::cerr << "\ncloseprobe: interrupted (signal " << sig << ")\n";
    if (t != nullptr) t->Abandon();
    _exit(130);
  }).detach();

  std::vector<std::unique_ptr<AgentClient>> clients;
  std::vector<PlatformAgents> columns;  // [0]: the shared column; then one per settings case
  for (const auto& targets : target_sets) {
    std::map<std::string, AgentClient*> by_role;
    for (const auto& [role, target] : targets) {
      absl::StatusOr<std::unique_ptr<AgentClient>> c =
          AgentClient::Connect(target, credentials.token, absl::Seconds(10), credentials.tls);
      if (!c.ok()) {
        std::cerr << "closeprobe: " << role << ": " << c.status().message()
                  << (topology ? topology->AgentLogs() : "") << "\n";
        return kExitInfra;
      }
      by_role[role] = c->get();
      clients.push_back(std::move(*c));
    }
    PlatformAgents column;
    column.subject = by_role.count("subject") ? by_role["subject"] : by_role.begin()->second;
    column.peer = by_role.count("peer") ? by_role["peer"] : column.subject;
    column.name = column.subject->info().platform();
    if (topology == nullptr) {
      // Two given subjects of one platform: the columns say which host.
      for (const PlatformAgents& other : columns) {
        if (other.name == column.name) {
          column.name = absl::StrCat(column.name, "@", column.subject->info().hostname());
        }
      }
    }
    for (auto& [role, client] : by_role) {
      if (role != "subject" && role != "peer") column.by_role[role] = client;
    }
    columns.push_back(column);
  }
  // The matrix columns: the shared linux hosts (and the lwIP host, if any);
  // the other pairs are the settings cases' own hosts.
  // Given agents: a column per subject.
  const bool has_lwip = topology != nullptr && !topology->lwip_pair().subject_target.empty();
  std::vector<PlatformAgents> visible = {columns.front()};
  if (has_lwip) visible.push_back(columns.back());
  if (topology == nullptr) visible = columns;
  if (!absl::StrContains(absl::GetFlag(FLAGS_platforms), "linux") && visible.size() > 1) {
    visible.erase(visible.begin());
  }
  for (const PlatformAgents& column : visible) {
    v1::PlatformColumn* p = report.add_platforms();
    p->set_name(column.name);
    p->mutable_subject()->set_target(column.subject->target());
    *p->mutable_subject()->mutable_info() = column.subject->info();
    p->mutable_peer()->set_target(column.peer->target());
    *p->mutable_peer()->mutable_info() = column.peer->info();
    std::cerr << "closeprobe: " << cases.size() << " cases on " << column.name << " ("
              << column.subject->info().os() << "), topology " << report.topology() << "\n";
  }

  // Pairing cases run once for every platform that can play the peer's side.
  {
    std::vector<LoadedCase> paired;
    for (LoadedCase& c : cases) {
      if (!c.spec.pairings()) {
        paired.push_back(std::move(c));
        continue;
      }
      for (const std::string& peer : PeerPlatforms(visible)) {
        paired.push_back(WithPeerPlatform(c, peer));
      }
    }
    cases = std::move(paired);
    settings_cases = SettingsCases(cases);  // the same cases, at their new indices
  }

  ScheduleOptions options;
  options.settings_alone = topology == nullptr;
  options.jobs = absl::GetFlag(FLAGS_jobs);
  options.port_base = static_cast<uint32_t>(absl::GetFlag(FLAGS_port_base));
  options.lease = absl::Milliseconds(absl::GetFlag(FLAGS_lease_ms));
  options.progress = &std::cerr;
  options.progress_is_tty = isatty(2);
  {
    // The last run's durations, if --out holds one, tell how long cases take.
    v1::Report previous;
    if (ReadJsonReport(absl::GetFlag(FLAGS_out) + "/report.json", &previous).ok()) {
      for (const auto& r : previous.results()) {
        double& s = options.expected_seconds[r.case_name()];
        s = std::max(s, r.seconds());
      }
    }
  }
  for (size_t i = 0; topology != nullptr && i < settings_cases.size() && i + 1 < columns.size();
       ++i) {
    if (visible.front().subject == columns.front().subject) {
      options.dedicated[{settings_cases[i], 0}] = columns[i + 1];
    }
  }
  const std::string out_dir = absl::GetFlag(FLAGS_out);
  std::error_code ec;
  std::filesystem::create_directories(out_dir + "/pcap", ec);
  if (!ec) options.pcap_dir = out_dir + "/pcap";
  // Each result goes to results.jsonl as soon as it is known; --resume takes
  // the runs it holds instead of running them again.
  const std::string partial = out_dir + "/results.jsonl";
  if (!absl::GetFlag(FLAGS_resume).empty()) {
    absl::StatusOr<std::vector<v1::CaseResult>> done = ReadJsonLines(partial);
    if (!done.ok()) {
      std::cerr << "closeprobe: --resume: " << done.status().message() << "\n";
      return kExitUsage;
    }
    for (v1::CaseResult& r : *done) {
      options.finished[{r.case_name(), r.platform(), r.iteration()}] = std::move(r);
    }
    std::cerr << "closeprobe: resuming " << out_dir << ": " << options.finished.size()
              << " runs already done\n";
  } else {
    std::filesystem::remove(partial, ec);
  }
  options.on_result = [&partial](const v1::CaseResult& r) {
    absl::Status s = AppendJsonLine(r, partial);
    if (!s.ok()) std::cerr << "closeprobe: " << s.message() << "\n";
  };
  absl::StatusOr<std::vector<v1::CaseResult>> results = RunAll(cases, visible, options);
  if (!results.ok()) {
    std::cerr << "closeprobe: " << results.status().message() << "\n";
    return kExitUsage;
  }
  for (auto& r : *results) *report.add_results() = std::move(r);
  report.set_wall_seconds(absl::ToDoubleSeconds(absl::Now() - start));
  Summarize(&report);
  if (absl::Status b = CompareWithBaselines(absl::GetFlag(FLAGS_baselines), &report); !b.ok()) {
    std::cerr << "closeprobe: " << b.message() << "\n";
    report.add_warnings(absl::StrCat("baselines not compared: ", b.message()));
  }
  Summarize(&report);  // counts the baseline differences
  if (!WriteAndPrint(report)) return kExitInfra;
  std::filesystem::remove(partial, ec);  // report.json has it all now
  return ExitStatusFor(report);
}

// Reads a report given as a folder or a report.json path.
absl::Status LoadReport(std::string path, v1::Report* report) {
  if (std::filesystem::is_directory(path)) path += "/report.json";
  absl::Status s = ReadJsonReport(path, report);
  if (s.ok()) Summarize(report);  // verdicts as this version of closeprobe derives them
  return s;
}

// A subcommand's one REPORT.json argument, loaded; false (with the reason
// printed) for bad usage or an unreadable report.
bool LoadReportArgument(const std::vector<std::string>& args, const char* command,
                        v1::Report* report) {
  absl::Status s = args.size() == 1
                       ? LoadReport(args[0], report)
                       : absl::InvalidArgumentError(
                             absl::StrCat(command, " takes one REPORT.json"));
  if (!s.ok()) std::cerr << "closeprobe: " << s.message() << "\n";
  return s.ok();
}

int Report(const std::vector<std::string>& args) {
  v1::Report report;
  if (!LoadReportArgument(args, "report", &report)) return kExitUsage;
  absl::Status s = WriteAllReports(report, absl::GetFlag(FLAGS_out));
  if (!s.ok()) {
    std::cerr << "closeprobe: " << s.message() << "\n";
    return kExitUsage;
  }
  std::cout << "Report: " << absl::GetFlag(FLAGS_out)
            << "/{report.json,report.html,matrix.md,junit.xml}\n";
  return 0;
}

int Show(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "closeprobe: show takes one CASE name\n";
    return kExitUsage;
  }
  std::string source = absl::GetFlag(FLAGS_report);
  if (source.empty()) source = absl::GetFlag(FLAGS_out);
  v1::Report report;
  absl::Status s = LoadReport(source, &report);
  if (!s.ok()) {
    std::cerr << "closeprobe: " << s.message() << "\n";
    return kExitUsage;
  }
  for (const MatrixRow& row : MatrixRows(report)) {
    if (row.case_name != args[0]) continue;
    if (!absl::GetFlag(FLAGS_platform).empty() && row.platform != absl::GetFlag(FLAGS_platform)) {
      continue;
    }
    const v1::CaseResult& r = *row.runs.front();
    std::cout << r.case_name() << " (" << r.claim() << ") on " << r.platform() << ": "
              << r.summary() << "\n" << MarkdownCell(row) << "\n";
    if (!r.error().empty()) std::cout << r.error() << "\n";
    std::cout << "\n";
    PrintLadder(BuildLadder(r), std::cout);
    std::cout << "\n";
    for (const auto& e : r.expectations()) {
      std::cout << (e.met() ? "  met     " : e.applies() ? "  NOT MET " : "  (claim) ")
                << (e.expectation().step().empty() ? "" : e.expectation().step() + ": ")
                << e.expected() << "  observed " << e.observed() << "\n";
    }
    if (row.runs.size() > 1) std::cout << "\n" << row.runs.size() << " runs: " << row.key_observation << "\n";
    return 0;
  }
  std::cerr << "closeprobe: no case '" << args[0] << "' in " << source << "\n";
  return kExitUsage;
}

// Several runs' reports as one matrix, plus documented columns for the
// platforms no run observed.
int Merge(const std::vector<std::string>& args) {
  if (args.size() < 2) {
    std::cerr << "closeprobe: merge takes two or more REPORT.json\n";
    return kExitUsage;
  }
  std::vector<std::pair<std::string, v1::Report>> reports;
  for (const std::string& path : args) {
    reports.emplace_back(path, v1::Report());
    absl::Status s = LoadReport(path, &reports.back().second);
    if (!s.ok()) {
      std::cerr << "closeprobe: " << s.message() << "\n";
      return kExitUsage;
    }
  }
  std::vector<LoadedCase> cases;
  if (!LoadAll({}, &cases)) return kExitUsage;
  v1::Report merged = MergeReports(reports);
  AddDocumentedColumns(cases, &merged);
  Summarize(&merged);
  return WriteAndPrint(merged) ? 0 : kExitInfra;
}

// Connects to each agent and prints its Info: for health checks and for
// checking a remote agent before a run.
int Ping(const std::vector<std::string>& targets) {
  if (targets.empty()) {
    std::cerr << "closeprobe: ping takes one or more HOST:PORT (or unix:PATH)\n";
    return kExitUsage;
  }
  Credentials credentials;
  if (!CredentialsFromFlags(&credentials)) return kExitUsage;
  int status = 0;
  for (const std::string& target : targets) {
    absl::StatusOr<std::unique_ptr<AgentClient>> c =
        AgentClient::Connect(target, credentials.token, absl::Seconds(5), credentials.tls);
    if (!c.ok()) {
      std::cerr << "closeprobe: " << c.status().message() << "\n";
      status = kExitInfra;
      continue;
    }
    const v1::InfoReply& info = (*c)->info();
    std::cout << target << ": " << info.platform() << " " << info.stack_version() << " on "
              << info.hostname() << " (" << info.os() << "), test address "
              << info.test_address() << ", features " << absl::StrJoin(info.features(), ",")
              << "\n";
  }
  return status;
}

// Records a report's observations as the baselines of its platforms.
int Accept(const std::vector<std::string>& args) {
  v1::Report report;
  if (!LoadReportArgument(args, "accept", &report)) return kExitUsage;
  const std::string dir = absl::GetFlag(FLAGS_baselines);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  int written = 0;
  for (const v1::PlatformColumn& column : report.platforms()) {
    const std::string& only = absl::GetFlag(FLAGS_platform);
    if (!only.empty() && column.name() != only) continue;
    absl::StatusOr<v1::Baseline> b = BaselineFrom(report, column.name());
    const std::string path =
        absl::StrCat(dir, "/", BaselineFileName(column.name(), b.ok() ? b->version() : ""));
    absl::Status s = b.ok() ? WriteBaseline(*b, path) : b.status();
    if (!s.ok()) {
      std::cerr << "closeprobe: " << s.message() << "\n";
      return kExitInfra;
    }
    std::cout << "baseline of " << column.name() << " " << b->version() << ": " << path << " ("
              << b->row_size() << " rows)\n";
    ++written;
  }
  if (written == 0) {
    std::cerr << "closeprobe: the report has no column '" << absl::GetFlag(FLAGS_platform)
              << "'\n";
    return kExitUsage;
  }
  return 0;
}

// The differences of run B from run A, column by column (by platform name):
// "does this host behave as that one?". Races' differences are shown but do
// not count.
int Diff(const std::vector<std::string>& args) {
  v1::Report a, b;
  absl::Status s = args.size() == 2
                       ? LoadReport(args[0], &a)
                       : absl::InvalidArgumentError("diff takes two REPORT.json");
  if (s.ok()) s = LoadReport(args[1], &b);
  if (!s.ok()) {
    std::cerr << "closeprobe: " << s.message() << "\n";
    return kExitUsage;
  }
  int counted = 0, compared = 0;
  for (const v1::PlatformColumn& column : a.platforms()) {
    const std::string& only = absl::GetFlag(FLAGS_platform);
    if (!only.empty() && column.name() != only) continue;
    absl::StatusOr<v1::Baseline> recorded = BaselineFrom(a, column.name());
    if (!recorded.ok() || !BaselineFrom(b, column.name()).ok()) continue;
    ++compared;
    std::vector<v1::BaselineDifference> d = CompareWithBaseline(*recorded, b, args[0]);
    std::cout << column.name() << ": " << recorded->row_size() << " rows compared, "
              << d.size() << " differences\n";
    for (const auto& x : d) {
      std::cout << "  " << (x.race() ? "race   " : "DIFFERS") << " " << x.case_name() << " "
                << x.what() << ": " << args[0] << " " << x.baseline() << ", " << args[1] << " "
                << x.observed() << "\n";
      counted += x.race() ? 0 : 1;
    }
  }
  if (compared == 0) {
    std::cerr << "closeprobe: the two reports have no column in common\n";
    return kExitUsage;
  }
  return counted == 0 ? 0 : 1;
}

int Findings(const std::vector<std::string>& args) {
  v1::Report report;
  if (!LoadReportArgument(args, "findings", &report)) return kExitUsage;
  PrintFindings(report, std::cout);
  return 0;
}

// --agent ROLE=TARGET may repeat; absl flags keep only the last, so the
// occurrences are taken out of argv first.
bool TakeAgentFlags(std::vector<char*>* argv, Bindings* bound) {
  std::vector<char*> rest;
  for (size_t i = 0; i < argv->size(); ++i) {
    std::string a = (*argv)[i];
    std::string value;
    if (a == "--agent" && i + 1 < argv->size()) {
      value = (*argv)[++i];
    } else if (absl::StartsWith(a, "--agent=")) {
      value = a.substr(8);
    } else {
      rest.push_back((*argv)[i]);
      continue;
    }
    const size_t eq = value.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == value.size()) {
      std::cerr << "closeprobe: --agent takes ROLE=HOST:PORT (ROLE: subject, peer or a "
                   "case role), got '" << value << "'\n";
      return false;
    }
    bound->emplace_back(value.substr(0, eq), value.substr(eq + 1));
  }
  *argv = rest;
  return true;
}

}  // namespace
}  // namespace closeprobe::controller

int main(int argc, char** argv) {
  using namespace closeprobe::controller;
  absl::FlagsUsageConfig usage;  // --help lists this program's own flags
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "controller/");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "runs TCP close-semantics case files on real stacks and prints the "
      "conformance matrix.\n\n"
      "  closeprobe run [CASES...]       run case files or folders (default: --cases_dir)\n"
      "  closeprobe validate [CASES...]  check case files; nothing runs\n"
      "  closeprobe list [CASES...]      list the cases\n"
      "  closeprobe show CASE [--platform P] [--report DIR]\n"
      "                                  a case's ladder diagram and results, as text\n"
      "  closeprobe report REPORT.json --out DIR\n"
      "                                  write every format again from a saved record\n"
      "  closeprobe findings REPORT.json refuted and qualified claims, as Markdown\n"
      "  closeprobe accept REPORT.json [--platform P] [--baselines DIR]\n"
      "                                  record the observed outcomes as the baseline of\n"
      "                                  each platform and version (DIR/P-VERSION.textproto);\n"
      "                                  later runs report every difference from it\n"
      "  closeprobe diff A.json B.json [--platform P]\n"
      "                                  what run B observed differently from run A, per\n"
      "                                  column (exit 1 if anything but a race differs)\n"
      "  closeprobe merge A.json B.json... --out DIR\n"
      "                                  one matrix from runs made on different hosts; each\n"
      "                                  column keeps where and when it was observed, and a\n"
      "                                  platform no run observed (windows) gets a column of\n"
      "                                  the cases' documented expectations (--cases_dir)\n"
      "  closeprobe ping TARGET...       is an agent there? prints what it says of itself\n\n"
      "A run writes DIR/report.json (the record), report.html (matrix and ladder\n"
      "diagrams), matrix.md, junit.xml and pcap/ (--out DIR).\n\n"
      "  --agent ROLE=HOST:PORT          use an agent you started (ROLE: subject, peer, or\n"
      "                                  a case role); repeatable. Each `subject` is a matrix\n"
      "                                  column, all played against the same `peer`.\n"
      "                                  Without it, closeprobe starts its own agents (see\n"
      "                                  --topology).\n\n"
      "Exit status: 0 every expectation met, 1 some observation deviated, 2 bad usage or\n"
      "invalid case files (nothing ran), 3 infrastructure failure (agent unreachable...).");
  sigset_t signals;  // taken by Run()'s signal thread; children unblock them
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::vector<char*> args(argv, argv + argc);
  Bindings bound;
  if (!TakeAgentFlags(&args, &bound)) return 2;
  int n = static_cast<int>(args.size());
  std::vector<char*> positional = absl::ParseCommandLine(n, args.data());
  if (positional.size() < 2) {
    std::cerr << absl::ProgramUsageMessage() << "\n\nTry 'closeprobe --help'.\n";
    return 2;
  }
  const std::string command = positional[1];
  std::vector<std::string> rest(positional.begin() + 2, positional.end());
  if (command == "run") return Run(rest, bound);
  if (command == "validate") return Validate(rest);
  if (command == "list") return List(rest);
  if (command == "findings") return Findings(rest);
  if (command == "report") return Report(rest);
  if (command == "show") return Show(rest);
  if (command == "accept") return Accept(rest);
  if (command == "diff") return Diff(rest);
  if (command == "merge") return Merge(rest);
  if (command == "ping") return Ping(rest);
  std::cerr << "closeprobe: unknown command '" << command
            << "' (run, validate, list, show, report, findings, accept, diff, merge, ping)\n";
  return 2;
}
