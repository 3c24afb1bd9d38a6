#include "controller/cases/case_set.h"

#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/cases/case_grid.h"
#include "controller/cases/case_validator.h"

namespace closeprobe::controller {
namespace {

// Validates one parsed file and appends its rows; its problems go to `errors`.
void AddFile(absl::StatusOr<LoadedCase> parsed, const ClaimSet& claims,
             std::map<std::string, std::string>* names, CaseSet* set,
             std::vector<std::string>* errors) {
  ++set->files;
  absl::StatusOr<std::vector<LoadedCase>> rows =
      parsed.ok() ? ValidateAndExpand(*parsed, claims) : parsed.status();
  if (!rows.ok()) {
    errors->push_back(std::string(rows.status().message()));
    return;
  }
  auto [seen, fresh] = names->emplace(parsed->base_name, parsed->file);
  if (!fresh) {
    errors->push_back(absl::StrCat(parsed->file, ":1:1: case name '", parsed->base_name,
                                   "' also used by ", seen->second));
    return;
  }
  for (LoadedCase& row : *rows) set->rows.push_back(std::move(row));
}

absl::StatusOr<CaseSet> Finish(CaseSet set, const std::vector<std::string>& errors) {
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return set;
}

}  // namespace

absl::StatusOr<CaseSet> LoadCaseSet(const std::vector<std::string>& paths,
                                    const ClaimSet& claims) {
  absl::StatusOr<std::vector<std::string>> files = ExpandCasePaths(paths);
  if (!files.ok()) return files.status();
  if (files->empty()) {
    return absl::NotFoundError(
        absl::StrCat("no case files (*.textproto) in ", absl::StrJoin(paths, ", ")));
  }
  CaseSet set;
  std::map<std::string, std::string> names;
  std::vector<std::string> errors;
  for (const std::string& file : *files) {
    AddFile(LoadCaseFile(file), claims, &names, &set, &errors);
  }
  return Finish(std::move(set), errors);
}

absl::StatusOr<CaseSet> ParseCaseSet(const std::string& file, const std::string& text,
                                     const ClaimSet& claims) {
  CaseSet set;
  std::map<std::string, std::string> names;
  std::vector<std::string> errors;
  AddFile(ParseCase(file, text), claims, &names, &set, &errors);
  return Finish(std::move(set), errors);
}

void ExpandPairings(const std::vector<std::string>& peer_platforms, CaseSet* set) {
  std::vector<LoadedCase> rows;
  for (LoadedCase& row : set->rows) {
    if (!row.spec.pairings()) {
      rows.push_back(std::move(row));
      continue;
    }
    for (const std::string& peer : peer_platforms) rows.push_back(WithPeerPlatform(row, peer));
  }
  set->rows = std::move(rows);
}

std::vector<int> SettingsRows(const CaseSet& set) {
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(set.rows.size()); ++i) {
    if (set.rows[i].spec.settings_size() > 0) out.push_back(i);
  }
  return out;
}

bool NeedsCompanions(const CaseSet& set) {
  for (const LoadedCase& row : set.rows) {
    for (const v1::Placement& p : row.spec.placement()) {
      if (p.process() != v1::Placement::PROCESS_SAME) return true;
    }
  }
  return false;
}

}  // namespace closeprobe::controller
