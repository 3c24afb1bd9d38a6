#include "controller/report/report_merge.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/judge/expectation_matcher.h"

namespace closeprobe::controller {
namespace {

// A column name not yet taken: the platform, else "platform@host", else
// "platform@host/topology", else with a number.
std::string FreeName(const v1::PlatformColumn& column,
                     const std::string& topology,
                     const std::set<std::string>& taken) {
  const std::string host = column.subject().info().hostname();
  for (const std::string& name :
       {column.name(), absl::StrCat(column.name(), "@", host),
        absl::StrCat(column.name(), "@", host, "/", topology)}) {
    if (taken.count(name) == 0) return name;
  }
  for (int i = 2;; ++i) {
    const std::string name = absl::StrCat(column.name(), "#", i);
    if (taken.count(name) == 0) return name;
  }
}

// A documented expectation as a cell's text: "close: error=EWOULDBLOCK".
std::string Documented(const v1::Expectation& e) {
  return absl::StrCat(e.step().empty() ? "" : e.step() + ": ", DescribeExpectation(e));
}

}  // namespace

v1::Report MergeReports(
    const std::vector<std::pair<std::string, v1::Report>>& reports) {
  v1::Report merged;
  std::set<std::string> taken;
  for (const auto& [file, report] : reports) {
    if (merged.tool_version().empty())
      merged.set_tool_version(report.tool_version());
    if (merged.started_at().empty() ||
        report.started_at() < merged.started_at()) {
      merged.set_started_at(report.started_at());
    }
    merged.set_wall_seconds(merged.wall_seconds() + report.wall_seconds());
    std::map<std::string, std::string> renamed;
    for (const v1::PlatformColumn& column : report.platforms()) {
      v1::PlatformColumn* c = merged.add_platforms();
      *c = column;
      c->set_name(FreeName(column, report.topology(), taken));
      taken.insert(c->name());
      renamed[column.name()] = c->name();
      if (c->observed_at().empty()) c->set_observed_at(report.started_at());
      if (c->topology().empty()) c->set_topology(report.topology());
      if (c->from_report().empty()) c->set_from_report(file);
    }
    for (const v1::CaseResult& r : report.results()) {
      v1::CaseResult* out = merged.add_results();
      *out = r;
      auto it = renamed.find(r.platform());
      if (it != renamed.end()) out->set_platform(it->second);
    }
    for (const std::string& w : report.warnings()) {
      merged.add_warnings(absl::StrCat(file, ": ", w));
    }
    // Columns that ran different versions of a case are not comparable
    // without saying so.
    for (const auto& [name, hash] : report.case_file_hashes()) {
      auto [it, fresh] = merged.mutable_case_file_hashes()->insert({name, hash});
      if (!fresh && it->second != hash) {
        merged.add_warnings(absl::StrCat("case file ", name, " differs between the merged runs (",
                                         it->second, ", ", hash, " in ", file,
                                         "): its columns ran different versions of the case"));
      }
    }
  }
  merged.set_topology("merged");
  return merged;
}

void AddDocumentedColumns(const std::vector<LoadedCase>& rows, v1::Report* report) {
  std::map<std::string, const LoadedCase*> by_row;
  std::set<std::string> platforms;
  for (const LoadedCase& it : rows) {
    by_row[it.spec.name()] = &it;
    for (const auto& e : it.spec.expect()) {
      if (!e.platform().empty()) platforms.insert(e.platform());
    }
  }
  std::set<std::pair<std::string, std::string>> cells;  // (row, column)
  for (const auto& r : report->results())
    cells.insert({r.case_name(), r.platform()});
  for (const std::string& platform : platforms) {
    // The column that observed this platform, or a new documented one.
    std::string column;
    for (const auto& c : report->platforms()) {
      if (c.subject().info().platform() == platform && column.empty())
        column = c.name();
    }
    if (column.empty()) {
      v1::PlatformColumn* c = report->add_platforms();
      c->set_name(platform);
      c->set_documented(true);
      c->mutable_subject()->mutable_info()->set_platform(platform);
      column = platform;
    }
    const int existing = report->results_size();
    for (int i = 0; i < existing; ++i) {
      const v1::CaseResult& r = report->results(i);
      auto it = by_row.find(r.case_name());
      if (it == by_row.end() || !cells.insert({r.case_name(), column}).second)
        continue;
      std::vector<std::string> said;
      v1::CaseResult doc;
      for (const auto& e : it->second->spec.expect()) {
        if (e.platform() != platform) continue;
        said.push_back(Documented(e));
        v1::ExpectationResult* x = doc.add_expectations();
        *x->mutable_expectation() = e;
        x->set_expected(DescribeExpectation(e));
        x->set_observed("not observed");
        x->set_applies(true);
      }
      if (said.empty()) continue;
      doc.set_case_name(r.case_name());
      doc.set_base_case(r.base_case());
      *doc.mutable_parameters() = r.parameters();
      doc.set_claim(r.claim());
      doc.set_summary(r.summary());
      doc.set_file(r.file());
      doc.set_platform(column);
      doc.set_documented(true);
      doc.set_key_observation(
          absl::StrCat("documented: ", absl::StrJoin(said, "; ")));
      *report->add_results() = std::move(doc);
    }
  }
}

}  // namespace closeprobe::controller
