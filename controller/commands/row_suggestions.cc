#include "controller/commands/row_suggestions.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "closeprobe/v1/report.pb.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

// "case[a=x,b=y]" -> "case" and {"a=x", "b=y"}.
std::pair<std::string, std::set<std::string>> SplitRowName(const std::string& name) {
  const size_t bracket = name.find('[');
  if (bracket == std::string::npos) return {name, {}};
  absl::string_view params = absl::string_view(name).substr(bracket + 1);
  absl::ConsumeSuffix(&params, "]");
  std::set<std::string> parts;
  for (absl::string_view p : absl::StrSplit(params, ',', absl::SkipWhitespace())) {
    parts.insert(std::string(absl::StripAsciiWhitespace(p)));
  }
  return {name.substr(0, bracket), parts};
}

// An iteration of the case `asked` names, with every parameter it gives.
bool IterationOf(const std::string& asked, const std::string& name) {
  const auto [asked_case, asked_params] = SplitRowName(asked);
  const auto [name_case, name_params] = SplitRowName(name);
  return asked_case == name_case &&
         std::includes(name_params.begin(), name_params.end(), asked_params.begin(),
                       asked_params.end());
}

// Slips a name may hold and still be the one meant: two, or one in four
// characters for longer names.
size_t SlipsAllowed(const std::string& name) { return std::max<size_t>(2, name.size() / 4); }

// Whether the file's text has `name` as the start of a JSON string.
bool Mentions(const std::filesystem::path& file, const std::string& name) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str().find("\"" + name) != std::string::npos;
}

}  // namespace

int EditDistance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int replaced = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, replaced});
    }
  }
  return row[b.size()];
}

std::vector<std::string> NearRowNames(const std::string& asked,
                                      const std::vector<std::string>& names, size_t limit) {
  std::vector<std::string> out;
  std::set<std::string> taken;
  const auto take = [&](const std::string& name) {
    if (out.size() < limit && taken.insert(name).second) out.push_back(name);
  };
  for (const std::string& name : names) {
    if (IterationOf(asked, name)) take(name);
  }
  for (const std::string& name : names) {
    if (absl::StartsWith(name, asked)) take(name);
  }
  const std::string asked_case = SplitRowName(asked).first;
  std::vector<std::pair<int, std::string>> nearby;
  for (const std::string& name : names) {
    const int d = EditDistance(asked_case, SplitRowName(name).first);
    // The same case (d == 0) was suggested above, if its parameters fit.
    if (d > 0 && static_cast<size_t>(d) <= SlipsAllowed(asked_case)) nearby.emplace_back(d, name);
  }
  std::stable_sort(nearby.begin(), nearby.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [d, name] : nearby) take(name);
  return out;
}

std::vector<std::string> ReportsWithRow(const std::string& asked, const std::string& searched) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::set<fs::path> folders = {"closeprobe-report"};
  const fs::path searched_folder = absl::EndsWith(searched, ".json")
                                       ? fs::path(searched).parent_path()
                                       : fs::path(searched);
  for (const fs::path& parent : {searched_folder.parent_path(), fs::path("reports")}) {
    if (parent.empty() || !fs::is_directory(parent, ec)) continue;
    for (const fs::directory_entry& e : fs::directory_iterator(parent, ec)) {
      if (e.is_directory(ec)) folders.insert(e.path());
    }
  }
  std::vector<std::string> out;
  for (const fs::path& folder : folders) {
    if (fs::equivalent(folder, searched_folder, ec)) continue;
    // Only a report that names the case is read whole (folders beside a
    // report may be many, and reports large).
    const fs::path path = folder / "report.json";
    v1::Report report;
    if (!fs::exists(path, ec) || !Mentions(path, SplitRowName(asked).first) ||
        !ReadJsonReport(path.string(), &report).ok()) {
      continue;
    }
    for (const v1::CaseResult& r : report.results()) {
      if (IterationOf(asked, r.case_name())) {
        out.push_back(folder.lexically_normal().string());
        break;
      }
    }
  }
  return out;
}

}  // namespace closeprobe::controller
