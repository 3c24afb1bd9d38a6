// DIR/report.html: one self-contained file (no fetches): the matrix grouped
// by claim, the claims table, and per case and platform a ladder diagram in
// SVG: one vertical line per role, one arrow per captured segment, the
// socket calls and state changes on their host's side.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "controller/judge/expectation_matcher.h"
#include "controller/report/ladder.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

std::string Esc(const std::string& s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

const char* CellClass(const MatrixRow& r) {
  switch (r.verdict) {
    case v1::VERDICT_MATCHED: return "matched";
    case v1::VERDICT_DEVIATED: return "deviated";
    case v1::VERDICT_NOT_SUPPORTED: return "unsupported";
    case v1::VERDICT_ERROR: return "error";
    case v1::VERDICT_INCONCLUSIVE: return "inconclusive";
    default: return "documented";
  }
}

const char* ClaimText(v1::ClaimStatus c) {
  switch (c) {
    case v1::CLAIM_STATUS_HELD: return "claim held";
    case v1::CLAIM_STATUS_REFUTED: return "claim refuted";
    case v1::CLAIM_STATUS_INCONCLUSIVE: return "claim not tested";
    default: return "claim n/a";
  }
}

constexpr char kStyle[] = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
td.cell{font-family:ui-monospace,monospace;font-size:12px;max-width:38em}
.matched{background:#e3f5e1}.deviated{background:#fbe0df}.documented{background:#e4ecfa}
.unsupported{background:#eee;color:#666}.error{background:#f3e0f7}
.inconclusive{background:#fdf3d0}
.arrow.dropped{stroke-dasharray:4 3}.drop{fill:#a33;font-weight:bold}
.arrow.injected{stroke-width:3;stroke-dasharray:9 2}
tr.claim-group td{background:#f6f6f6;font-weight:bold}
.refuted{color:#a33;font-weight:bold}.held{color:#282}
.ladder text{font:11px ui-monospace,monospace}
.ladder .lane{stroke:#555;stroke-width:2}.ladder .arrow{stroke:#246;stroke-width:1.3}
.ladder .rst{stroke:#c22}.ladder .fin{stroke:#c70}
.ladder .call{fill:#333}.ladder .state{fill:#282}
section.case{border-top:1px solid #ddd;margin-top:1.5em}
.hidden{display:none}
)";

constexpr char kScript[] = R"(
function applyFilters(){
  var diff=document.getElementById('only-diff').checked;
  var dev=document.getElementById('only-dev').checked;
  document.querySelectorAll('tr.case-row').forEach(function(r){
    var show=(!diff||r.dataset.differs==='1')&&(!dev||r.dataset.deviates==='1');
    r.classList.toggle('hidden',!show);
  });
}
document.getElementById('only-diff').addEventListener('change',applyFilters);
document.getElementById('only-dev').addEventListener('change',applyFilters);
)";

void Ladder(const v1::CaseResult& r, std::ostream& out) {
  const LadderDiagram d = BuildLadder(r);
  const int lane_gap = 300, left = 330, row = 18, top = 40;
  constexpr size_t kLabel = 52;  // characters of a call's text beside its lane
  const int width = left * 2 + lane_gap * static_cast<int>(d.lanes.size() - 1) + 40;
  const int height = top + row * static_cast<int>(d.events.size()) + 30;
  out << absl::StrFormat(
      "<svg class=\"ladder\" data-segments=\"%d\" width=\"%d\" height=\"%d\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n",
      r.segments_size(), width, height);
  auto x_of = [&](int lane) { return left + lane * lane_gap; };
  for (size_t i = 0; i < d.lanes.size(); ++i) {
    out << absl::StrFormat(
        "<text x=\"%d\" y=\"20\" text-anchor=\"middle\">%s</text>"
        "<line class=\"lane\" x1=\"%d\" y1=\"28\" x2=\"%d\" y2=\"%d\"/>\n",
        x_of(i), Esc(d.lanes[i]), x_of(i), x_of(i), height - 10);
  }
  for (size_t i = 0; i < d.events.size(); ++i) {
    const LadderEvent& e = d.events[i];
    const int y = top + row * static_cast<int>(i);
    if (e.kind == LadderEvent::kSegment) {
      // A dropped segment stops halfway, with a cross and no head.
      const int x1 = x_of(e.lane);
      const int x2 = e.dropped ? (x_of(e.lane) + x_of(e.to_lane)) / 2 : x_of(e.to_lane);
      const char* cls = e.dropped                                ? "arrow dropped"
                        : e.injected                             ? "arrow injected"
                        : e.flags.find('R') != std::string::npos ? "arrow rst"
                        : e.flags.find('F') != std::string::npos ? "arrow fin"
                                                                 : "arrow";
      if (e.dropped) {
        out << absl::StrFormat(
            "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
            "<text class=\"drop\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">x</text>"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
            cls, x1, y, x2, y + 6, x2, y + 10, (x_of(e.lane) + x_of(e.to_lane)) / 2, y + 3,
            Esc(e.text));
        continue;
      }
      out << absl::StrFormat(
          "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
          "<polygon class=\"head\" points=\"%d,%d %d,%d %d,%d\"/>"
          "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
          cls, x1, y, x2, y + 12, x2, y + 12, x2 + (x2 > x1 ? -7 : 7), y + 8,
          x2 + (x2 > x1 ? -7 : 7), y + 15, (x1 + x2) / 2, y + 3, Esc(e.text));
    } else {
      const bool right = e.lane == static_cast<int>(d.lanes.size()) - 1 && d.lanes.size() > 1;
      out << absl::StrFormat(
          "<text class=\"%s\" x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
          e.kind == LadderEvent::kState ? "state" : "call",
          x_of(e.lane) + (right ? 8 : -8), y + 10, right ? "start" : "end",
          Esc(e.text.size() > kLabel ? e.text.substr(0, kLabel - 3) + "..." : e.text));
    }
  }
  out << "</svg>\n";
}

void CaseSection(const MatrixRow& row, std::ostream& out) {
  const v1::CaseResult& r = *row.runs.front();
  out << absl::StrFormat("<div class=\"platform-result\" data-platform=\"%s\">\n",
                         Esc(row.platform));
  out << absl::StrFormat("<h4>%s: <span class=\"%s\">%s</span>, <span class=\"%s\">%s</span>%s</h4>\n",
                         Esc(row.platform), CellClass(row), VerdictWords(row),
                         row.claim_status == v1::CLAIM_STATUS_REFUTED ? "refuted"
                         : row.claim_status == v1::CLAIM_STATUS_HELD  ? "held"
                                                         : "",
                         ClaimText(row.claim_status),
                         row.runs.size() > 1
                             ? absl::StrCat(" (", row.runs.size(), " runs; ladder of run 1)")
                             : "");
  std::vector<std::string> sides;
  for (const auto& [role, platform] : r.role_platforms()) {
    sides.push_back(absl::StrCat(role, " on ", platform));
  }
  out << "<p class=\"sides\">Sides: " << Esc(absl::StrJoin(sides, ", ")) << "</p>\n";
  if (!r.error().empty()) out << "<p>" << Esc(r.error()) << "</p>\n";
  if (!row.inconclusive.empty()) {
    out << "<p class=\"inconclusive\">Inconclusive: " << Esc(row.inconclusive) << "</p>\n";
  }
  if (row.repeat != nullptr) {
    out << "<ul>";
    for (const auto& o : row.repeat->outcomes()) {
      out << "<li>" << o.count() << "/" << row.runs.size() << ": " << Esc(o.outcome()) << "</li>";
    }
    out << "</ul>\n<p class=\"timings\">Timings over the runs (median, min–max ms): ";
    std::vector<std::string> figures;
    for (const auto& t : row.repeat->timings()) {
      figures.push_back(absl::StrFormat("%s %.2f (%.2f–%.2f)", t.step(), t.median_ms(),
                                        t.min_ms(), t.max_ms()));
    }
    out << Esc(absl::StrJoin(figures, "; ")) << "</p>\n";
  }
  out << "<table class=\"expectations\"><tr><th>expectation</th><th>source</th><th>observed</th>"
         "<th>met</th></tr>\n";
  for (const auto& e : r.expectations()) {
    out << absl::StrFormat(
        "<tr class=\"%s\"><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
        e.met() ? "matched" : (e.applies() ? "deviated" : "documented"),
        e.expectation().premise() ? "premise: "
        : e.from_claim()          ? "claim: "
                                  : absl::StrCat(e.expectation().platform(), ": "),
        Esc(absl::StrCat(e.expectation().step().empty() ? "" : e.expectation().step() + " ",
                         e.expected())),
        Esc(e.expectation().source()), Esc(e.observed()), e.met() ? "yes" : "no");
  }
  out << "</table>\n";
  Ladder(r, out);
  if (!r.pcap_file().empty()) {
    out << "<p>Capture: <code>" << Esc(r.pcap_file()) << "</code></p>\n";
  }
  out << "</div>\n";
}

}  // namespace

absl::Status WriteHtmlReport(const Matrix& matrix, const std::string& dir) {
  const v1::Report& report = matrix.report();
  const std::vector<std::string>& platforms = matrix.columns();
  std::ostringstream out;
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<title>closeprobe conformance matrix</title><style>"
      << kStyle << "</style></head><body>\n<h1>closeprobe conformance matrix</h1>\n";
  out << absl::StrFormat(
      "<p class=\"meta\">Run %s, topology %s, %d cases (%d runs), wall %.1f s.</p>\n",
      Esc(report.started_at()), Esc(report.topology()), report.summary().cases(),
      report.summary().runs(), report.wall_seconds());
  for (const auto& p : report.platforms()) {
    if (p.documented()) {
      out << absl::StrFormat(
          "<p class=\"meta\">%s: not observed; its cells are the cases' documented "
          "expectations, with their sources</p>\n",
          Esc(p.name()));
      continue;
    }
    out << absl::StrFormat("<p class=\"meta\">%s: %s on %s (peer: %s)%s%s</p>\n", Esc(p.name()),
                           Esc(p.subject().info().os()), Esc(p.subject().info().hostname()),
                           Esc(p.peer().info().os()),
                           p.observed_at().empty()
                               ? ""
                               : Esc(absl::StrCat(", observed ", p.observed_at(), " (",
                                                  p.topology(), ", ", p.from_report(), ")")),
                           p.emulation().empty() ? "" : Esc(", under " + p.emulation()));
  }
  out << "<p><label><input type=\"checkbox\" id=\"only-diff\"> only differences between "
         "platforms</label> <label><input type=\"checkbox\" id=\"only-dev\"> only "
         "deviations</label></p>\n";
  out << "<table id=\"matrix\"><thead><tr><th>case</th><th>claim</th>";
  for (const auto& p : platforms) out << "<th class=\"platform\">" << Esc(p) << "</th>";
  out << "</tr></thead><tbody>\n";
  std::string group = "\n";  // no group yet (a question's group is "")
  for (const MatrixCase& c : matrix.cases()) {
    const std::string& name = c.name;
    if (c.claim != group) {
      group = c.claim;
      out << absl::StrFormat("<tr class=\"claim-group\"><td colspan=\"%d\">%s</td></tr>\n",
                             platforms.size() + 2,
                             group.empty() ? "Questions (no claim)" : Esc(group));
    }
    std::set<std::string> observations;
    bool deviates = false;
    std::string cells;
    for (const auto& p : platforms) {
      const MatrixRow* cell = matrix.Cell(name, p);
      if (cell == nullptr) {
        cells += "<td class=\"cell documented\">no observation</td>";
        continue;
      }
      const MatrixRow& r = *cell;
      observations.insert(r.key_observation);
      deviates |= r.verdict == v1::VERDICT_DEVIATED || r.verdict == v1::VERDICT_ERROR;
      cells += absl::StrFormat("<td class=\"cell %s\">%s · %s<br>%s</td>", CellClass(r),
                               VerdictWords(r), ClaimText(r.claim_status),
                               Esc(r.key_observation));
    }
    out << absl::StrFormat(
        "<tr class=\"case-row\" data-differs=\"%d\" data-deviates=\"%d\"><td><a "
        "href=\"#case-%s\">%s</a></td><td>%s</td>%s</tr>\n",
        observations.size() > 1 ? 1 : 0, deviates ? 1 : 0, Esc(name), Esc(name),
        c.claim.empty() ? "question" : Esc(c.claim), cells);
  }
  out << "</tbody></table>\n<h2>Claims</h2>\n<table id=\"claims\"><tr><th>claim</th>";
  for (const auto& p : platforms) out << "<th>" << Esc(p) << "</th>";
  out << "<th>evidence (refuted) or why not tested (inconclusive)</th></tr>\n";
  for (const std::string& claim : matrix.claims()) {
    out << "<tr><td>" << Esc(claim) << "</td>";
    std::string evidence;
    for (const auto& p : platforms) {
      const v1::ClaimVerdict* verdict = matrix.ClaimCell(claim, p);
      const v1::ClaimStatus s = verdict == nullptr ? v1::CLAIM_STATUS_NOT_APPLICABLE : verdict->status();
      if (verdict != nullptr && !verdict->evidence().empty()) {
        evidence = verdict->evidence();
      } else if (verdict != nullptr && evidence.empty() && !verdict->inconclusive().empty()) {
        evidence = verdict->inconclusive(0);
      }
      // Only a held claim is painted as held; n/a is no colour.
      out << absl::StrFormat("<td class=\"%s\">%s</td>",
                             s == v1::CLAIM_STATUS_REFUTED        ? "refuted"
                             : s == v1::CLAIM_STATUS_INCONCLUSIVE ? "inconclusive"
                             : s == v1::CLAIM_STATUS_HELD         ? "held"
                                                                  : "not-applicable",
                             s == v1::CLAIM_STATUS_HELD           ? "held"
                             : s == v1::CLAIM_STATUS_REFUTED      ? "refuted"
                             : s == v1::CLAIM_STATUS_INCONCLUSIVE ? "not tested"
                                                                  : "n/a");
    }
    out << "<td>" << Esc(evidence) << "</td></tr>\n";
  }
  out << "</table>\n";
  if (!report.baselines().empty()) {
    out << "<h2>Baseline</h2>\n<p>Compared with " << Esc(absl::StrJoin(report.baselines(), ", "))
        << ": " << report.summary().baseline_regressions() << " regressions, "
        << report.summary().baseline_changes() << " changes.</p>\n";
    if (!report.baseline_differences().empty()) {
      out << "<table id=\"baseline\"><tr><th>kind</th><th>case</th><th>platform</th>"
             "<th>what</th><th>baseline</th><th>now</th></tr>\n";
      for (const auto& d : report.baseline_differences()) {
        out << absl::StrFormat(
            "<tr class=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
            d.kind() == v1::BaselineDifference::KIND_REGRESSION ? "deviated" : "documented",
            d.kind() == v1::BaselineDifference::KIND_REGRESSION ? "regression" : "change",
            Esc(d.case_name()), Esc(d.platform()), Esc(d.what()), Esc(d.baseline()),
            Esc(d.observed()));
      }
      out << "</table>\n";
    }
  }
  out << "<h2>Cases</h2>\n";
  for (const MatrixCase& c : matrix.cases()) {
    const std::string& name = c.name;
    const MatrixRow* first = nullptr;
    for (const auto& p : platforms) {
      if (first == nullptr) first = matrix.Cell(name, p);
    }
    if (first == nullptr) continue;
    out << absl::StrFormat("<section class=\"case\" id=\"case-%s\"><h3>%s (%s)</h3><p>%s</p>\n",
                           Esc(name), Esc(name), c.claim.empty() ? "question" : Esc(c.claim),
                           Esc(first->runs.front()->summary()));
    for (const auto& p : platforms) {
      if (const MatrixRow* cell = matrix.Cell(name, p)) CaseSection(*cell, out);
    }
    out << "</section>\n";
  }
  out << "<script>" << kScript << "</script>\n</body></html>\n";
  std::ofstream file(absl::StrCat(dir, "/report.html"));
  file << out.str();
  if (!file) return absl::UnavailableError(absl::StrCat("cannot write ", dir, "/report.html"));
  return absl::OkStatus();
}

}  // namespace closeprobe::controller
