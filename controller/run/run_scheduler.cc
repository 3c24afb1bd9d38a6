#include "controller/run/run_scheduler.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "controller/run/case_runner.h"
#include "controller/run/port_allocator.h"

namespace closeprobe::controller {
namespace {

// One case on one column; a repeated case's runs go one after another (each
// on a port block of its own), so they do not load the hosts for each other.
struct Job {
  int case_index;
  int column;
  PlatformAgents agents;
  std::vector<uint32_t> first_ports;  // one per run
  size_t first_slot;                  // where its results go
  absl::Status unpaired;              // a pairing no agents make: why it cannot run
};

// Prints "done / running / left" rows and the longest-running case.
class Progress {
 public:
  Progress(std::ostream* out, bool tty, int total,
           std::map<std::string, double> expected)
      : out_(out), tty_(tty), total_(total), expected_(std::move(expected)) {}

  // `name` is "case/platform"; `case_name` keys the expected durations.
  void Started(const std::string& name, const std::string& case_name) {
    absl::MutexLock lock(&mu_);
    running_[name] = absl::Now();
    case_of_[name] = case_name;
    Print("");
  }
  // A row's runs are done: `runs` of them in `seconds`.
  void Finished(const std::string& name, int runs, double seconds) {
    absl::MutexLock lock(&mu_);
    running_.erase(name);
    ++done_;
    Print(absl::StrFormat(" finished %s (%s, %.1f s)", name,
                          runs == 1 ? "1 run" : absl::StrCat(runs, " runs"), seconds));
  }
  void End() {
    absl::MutexLock lock(&mu_);
    if (out_ != nullptr && tty_) *out_ << "\r\033[K" << std::flush;
  }

 private:
  // `finished`: what just ended, for the plain (non-terminal) log.
  void Print(const std::string& finished) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (out_ == nullptr) return;
    std::string longest;
    absl::Duration longest_for;
    for (const auto& [name, since] : running_) {
      if (absl::Now() - since > longest_for) {
        longest_for = absl::Now() - since;
        longest = name;
      }
    }
    std::string remaining;
    auto expected =
        longest.empty() ? expected_.end() : expected_.find(case_of_[longest]);
    if (expected != expected_.end()) {
      remaining = absl::StrFormat(
          ", ~%.0f s left (took %.1f s last time)",
          std::max(0.0, expected->second - absl::ToDoubleSeconds(longest_for)),
          expected->second);
    }
    const std::string line = absl::StrFormat(
        "[%d/%d rows done, %d running, %d left]%s", done_, total_, running_.size(),
        total_ - done_ - static_cast<int>(running_.size()),
        longest.empty()
            ? ""
            : absl::StrFormat(" longest: %s %.1fs%s", longest,
                              absl::ToDoubleSeconds(longest_for), remaining));
    if (tty_) {
      *out_ << "\r\033[K" << line << std::flush;
    } else if (!finished.empty()) {
      *out_ << line << finished << "\n";
    }
  }

  std::ostream* const out_;
  const bool tty_;
  const int total_;
  absl::Mutex mu_;
  int done_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, absl::Time> running_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> case_of_ ABSL_GUARDED_BY(mu_);
  const std::map<std::string, double> expected_;
};

}  // namespace

absl::StatusOr<std::vector<v1::CaseResult>> RunAll(
    const std::vector<LoadedCase>& cases,
    const std::vector<PlatformAgents>& columns,
    const ScheduleOptions& options) {
  std::vector<Job> jobs;
  int blocks = 0;
  size_t runs = 0;
  for (int c = 0; c < static_cast<int>(cases.size()); ++c) {
    for (int p = 0; p < static_cast<int>(columns.size()); ++p) {
      // A pairing runs only where some agents make its pair; elsewhere its
      // cell says so.
      std::optional<PlatformAgents> agents =
          cases[c].peer_platform.empty()
              ? std::optional<PlatformAgents>(columns[p])
              : AgentsForPairing(columns, p, cases[c].peer_platform);
      Job job{c, p, agents.value_or(columns[p]), {}, runs, absl::OkStatus()};
      if (!agents.has_value()) {
        job.unpaired = absl::UnimplementedError(absl::StrCat(
            "no agents here pair a ", columns[p].name, " subject with a ",
            cases[c].peer_platform, " peer: the ", columns[p].name, " column's subject has a ",
            PeerPlatform(columns[p]), " peer only"));
      }
      auto own = options.dedicated.find({c, p});
      if (own != options.dedicated.end()) job.agents = own->second;
      for (int i = 0; i < std::max(1, cases[c].spec.repeat()); ++i) {
        absl::StatusOr<uint32_t> first = PortBlock(options.port_base, blocks++);
        if (!first.ok()) return first.status();
        job.first_ports.push_back(*first);
      }
      runs += job.first_ports.size();
      jobs.push_back(std::move(job));
    }
  }
  // Slow cases first; otherwise the files' order.
  std::stable_sort(jobs.begin(), jobs.end(), [&](const Job& a, const Job& b) {
    return cases[a.case_index].spec.slow() > cases[b.case_index].spec.slow();
  });
  std::vector<Job> alone;
  auto shared_settings = [&](const Job& j) {
    return cases[j.case_index].spec.settings_size() > 0 &&
           options.dedicated.count({j.case_index, j.column}) == 0;
  };
  std::copy_if(jobs.begin(), jobs.end(), std::back_inserter(alone), shared_settings);
  jobs.erase(std::remove_if(jobs.begin(), jobs.end(), shared_settings), jobs.end());
  // An agent that serves one case at a time (a board rebooted between
  // cases) has a lane of its own: the cases it plays in, as subject or as
  // another column's peer, run one after another, beside the others.
  auto one_at_a_time = [](const Job& j) -> AgentClient* {
    for (AgentClient* a : {j.agents.subject, j.agents.peer}) {
      if (a == nullptr) continue;
      const auto& f = a->info().features();
      if (std::find(f.begin(), f.end(), "one_case_at_a_time") != f.end()) return a;
    }
    return nullptr;
  };
  std::map<AgentClient*, std::vector<Job>> lanes;
  for (const Job& j : jobs) {
    if (AgentClient* a = one_at_a_time(j)) lanes[a].push_back(j);
  }
  jobs.erase(std::remove_if(jobs.begin(), jobs.end(),
                            [&](const Job& j) { return one_at_a_time(j) != nullptr; }),
             jobs.end());
  std::vector<v1::CaseResult> results(runs);
  std::atomic<size_t> next{0};
  size_t in_lanes = 0;
  for (const auto& [subject, lane] : lanes) in_lanes += lane.size();
  Progress progress(options.progress, options.progress_is_tty,
                    static_cast<int>(jobs.size() + alone.size() + in_lanes),
                    options.expected_seconds);
  absl::Mutex report_mu;
  auto run_job = [&](const Job& job) {
    const LoadedCase& row = cases[job.case_index];
    const std::string label = absl::StrCat(row.spec.name(), " on ", columns[job.column].name);
    progress.Started(label, row.spec.name());
    const absl::Time start = absl::Now();
    for (size_t run = 0; run < job.first_ports.size(); ++run) {
      auto done = options.finished.find({row.spec.name(), columns[job.column].name,
                                         static_cast<int>(run)});
      if (done != options.finished.end()) {
        results[job.first_slot + run] = done->second;
        continue;
      }
      CaseRunOptions run_options{options.lease, job.first_ports[run], options.pcap_dir,
                                 static_cast<int>(run)};
      v1::CaseResult r = job.unpaired.ok() ? RunCase(row, job.agents, run_options)
                                           : NotRun(row, job.agents, job.unpaired);
      r.set_iteration(static_cast<int>(run));
      if (options.on_result) {
        absl::MutexLock lock(&report_mu);
        options.on_result(row, &r);
      }
      results[job.first_slot + run] = std::move(r);
    }
    progress.Finished(label, static_cast<int>(job.first_ports.size()),
                      absl::ToDoubleSeconds(absl::Now() - start));
  };
  auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) run_job(jobs[i]);
  };
  std::vector<std::thread> threads;
  const int n =
      std::max(1, std::min<int>(options.jobs, static_cast<int>(jobs.size())));
  for (int i = 0; i < n; ++i) threads.emplace_back(worker);
  for (const auto& [subject, lane] : lanes) {
    threads.emplace_back([&run_job, &lane = lane] {
      for (const Job& job : lane) run_job(job);
    });
  }
  for (auto& t : threads) t.join();
  for (const Job& job : alone) run_job(job);
  progress.End();
  return results;
}

}  // namespace closeprobe::controller
