#include "controller/judge/baseline.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "controller/cases/case_loader.h"
#include "controller/judge/verdicts.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

using Kind = v1::BaselineDifference::Kind;

const v1::PlatformColumn* ColumnOf(const v1::Report& report,
                                   const std::string& platform) {
  for (const auto& p : report.platforms()) {
    if (p.name() == platform) return &p;
  }
  return nullptr;
}

// A matrix row as the baseline records it: each step's (or wire check's)
// values over the runs, in the order first seen.
v1::BaselineRow RowOf(const MatrixRow& row) {
  v1::BaselineRow out;
  out.set_case_name(row.case_name);
  out.set_verdict(row.verdict);
  out.set_race(row.runs.front()->race());
  std::map<std::string, v1::BaselineObservation*> by_what;
  for (const v1::CaseResult* r : row.runs) {
    for (const v1::OutcomePart& part : r->outcome_parts()) {
      v1::BaselineObservation*& o = by_what[part.what()];
      if (o == nullptr) {
        o = out.add_observation();
        o->set_what(part.what());
      }
      if (std::find(o->value().begin(), o->value().end(), part.value()) ==
          o->value().end()) {
        o->add_value(part.value());
      }
    }
  }
  for (auto& o : *out.mutable_observation()) {
    std::sort(o.mutable_value()->begin(), o.mutable_value()->end());
  }
  return out;
}

// "MATCHED" for VERDICT_MATCHED.
std::string VerdictText(v1::Verdict v) {
  return std::string(absl::StripPrefix(v1::Verdict_Name(v), "VERDICT_"));
}

// Whether a step of that id ran in some run of the row: a step no
// expectation names any more is not recorded, though it ran.
bool StepRan(const MatrixRow& row, const std::string& id) {
  for (const v1::CaseResult* r : row.runs) {
    for (const v1::StepRecord& s : r->steps()) {
      if (s.id() == id && !s.skipped()) return true;
    }
  }
  return false;
}

// "send_after_rst[reset_by=linger_zero]" -> "send_after_rst".
std::string BaseOf(const std::string& row_name) {
  return row_name.substr(0, row_name.find('['));
}

}  // namespace

std::string BaselineFileName(const std::string& platform,
                             const std::string& version) {
  std::string v = version.empty() ? "unknown" : version;
  for (char& c : v) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return absl::StrCat(platform, "-", v, ".textproto");
}

absl::StatusOr<v1::Baseline> BaselineFrom(const v1::Report& report,
                                          const std::vector<MatrixRow>& rows,
                                          const std::string& platform) {
  const v1::PlatformColumn* column = ColumnOf(report, platform);
  if (column == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("the report has no '", platform, "' column"));
  }
  v1::Baseline b;
  b.set_platform(platform);
  b.set_version(column->subject().info().stack_version());
  b.set_os(column->subject().info().os());
  b.set_recorded_at(
      absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
  b.set_tool_version(report.tool_version());
  for (const MatrixRow& row : rows) {
    if (row.platform == platform) *b.add_row() = RowOf(row);
  }
  return b;
}

absl::Status WriteBaseline(const v1::Baseline& baseline,
                           const std::string& path) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(baseline, &text);
  std::ofstream out(path);
  out << "# proto-file: proto/closeprobe/v1/baseline.proto\n"
      << "# proto-message: closeprobe.v1.Baseline\n"
      << "# Recorded by `closeprobe accept`; edit only to correct a "
         "recording.\n"
      << text;
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<v1::Baseline> ReadBaseline(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read the baseline"));
  std::stringstream text;
  text << in.rdbuf();
  v1::Baseline b;
  absl::Status s = ParseTextProto(path, text.str(), &b);
  if (!s.ok()) return s;
  return b;
}

std::vector<v1::BaselineDifference> CompareWithBaseline(
    const v1::Baseline& baseline, const std::vector<MatrixRow>& rows,
    const std::string& file) {
  std::vector<v1::BaselineDifference> out;
  std::set<std::string> races;
  for (const v1::BaselineRow& row : baseline.row()) {
    if (row.race()) races.insert(row.case_name());
  }
  auto add = [&](const std::string& row, Kind kind, const std::string& what,
                 const std::string& was, const std::string& now) {
    v1::BaselineDifference d;
    d.set_case_name(row);
    d.set_platform(baseline.platform());
    d.set_kind(kind);
    d.set_what(what);
    d.set_baseline(was);
    d.set_observed(now);
    d.set_baseline_file(file);
    d.set_race(races.count(row) > 0);
    out.push_back(std::move(d));
  };
  std::map<std::string, v1::BaselineRow> observed;
  std::map<std::string, const MatrixRow*> observed_rows;
  std::vector<std::string> order;
  std::set<std::string> bases_run;
  for (const MatrixRow& row : rows) {
    if (row.platform != baseline.platform()) continue;
    observed[row.case_name] = RowOf(row);
    observed_rows[row.case_name] = &row;
    order.push_back(row.case_name);
    bases_run.insert(BaseOf(row.case_name));
  }
  std::set<std::string> recorded;
  for (const v1::BaselineRow& was : baseline.row()) {
    recorded.insert(was.case_name());
    auto it = observed.find(was.case_name());
    if (it == observed.end()) {
      // Only rows of cases this run included: a run of a few files is no
      // change.
      if (bases_run.count(BaseOf(was.case_name())) > 0) {
        add(was.case_name(), v1::BaselineDifference::KIND_CHANGE, "row",
            VerdictText(was.verdict()), "not run");
      }
      continue;
    }
    const v1::BaselineRow& now = it->second;
    const Kind kind =
        was.verdict() == v1::VERDICT_MATCHED && now.verdict() != v1::VERDICT_MATCHED
            ? v1::BaselineDifference::KIND_REGRESSION
            : v1::BaselineDifference::KIND_CHANGE;
    if (was.verdict() != now.verdict())
      add(now.case_name(), kind, "verdict", VerdictText(was.verdict()),
          VerdictText(now.verdict()));
    std::map<std::string, const v1::BaselineObservation*> then_by_what,
        now_by_what;
    for (const auto& o : was.observation()) then_by_what[o.what()] = &o;
    for (const auto& o : now.observation()) now_by_what[o.what()] = &o;
    std::vector<std::string> whats;
    for (const auto& o : was.observation()) whats.push_back(o.what());
    for (const auto& o : now.observation()) {
      if (then_by_what.count(o.what()) == 0) whats.push_back(o.what());
    }
    for (const std::string& what : whats) {
      const v1::BaselineObservation* a =
          then_by_what.count(what) ? then_by_what[what] : nullptr;
      const v1::BaselineObservation* b =
          now_by_what.count(what) ? now_by_what[what] : nullptr;
      const std::set<std::string> then =
          a ? std::set<std::string>(a->value().begin(), a->value().end())
            : std::set<std::string>{};
      const std::set<std::string> seen =
          b ? std::set<std::string>(b->value().begin(), b->value().end())
            : std::set<std::string>{};
      // A race may show any outcome it showed before, not necessarily all.
      bool differs = then != seen;
      if (was.race() && b != nullptr && a != nullptr) {
        differs =
            !std::includes(then.begin(), then.end(), seen.begin(), seen.end());
      }
      if (!differs) continue;
      add(now.case_name(), kind, what,
          a ? absl::StrJoin(then, " | ") : "not recorded",
          b                                           ? absl::StrJoin(seen, " | ")
          : StepRan(*observed_rows[now.case_name()], what) ? "expectation removed"
                                                      : "not observed");
    }
  }
  for (const std::string& name : order) {
    if (recorded.count(name) == 0) {
      add(name, v1::BaselineDifference::KIND_CHANGE, "row", "not recorded",
          VerdictText(observed[name].verdict()));
    }
  }
  return out;
}

absl::Status CompareWithBaselines(const std::string& dir, const std::vector<MatrixRow>& rows,
                                  v1::Report* report) {
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec))
    return absl::OkStatus();
  report->clear_baseline_differences();
  report->clear_baselines();
  for (const v1::PlatformColumn& column : report->platforms()) {
    const std::string name = BaselineFileName(
        column.name(), column.subject().info().stack_version());
    const std::string path = absl::StrCat(dir, "/", name);
    if (!std::filesystem::exists(path, ec)) {
      report->add_warnings(absl::StrCat("no baseline for ", column.name(), " ",
                                        column.subject().info().stack_version(),
                                        " (", path,
                                        "); `closeprobe accept` records one"));
      continue;
    }
    absl::StatusOr<v1::Baseline> b = ReadBaseline(path);
    if (!b.ok()) return b.status();
    report->add_baselines(path);
    for (v1::BaselineDifference& d : CompareWithBaseline(*b, rows, path)) {
      *report->add_baseline_differences() = std::move(d);
    }
  }
  return absl::OkStatus();
}

}  // namespace closeprobe::controller
