// CaseSet: case files turned, once, into the rows every command works on.
// Each file is read, validated and its grid expanded in one pass, with every
// name (errors, states, options) and version range resolved into typed values
// (case_validator.h); a run then adds its pairings, once, for the platforms
// its topology offers. Nothing downstream parses a case file's strings again.
#ifndef CLOSEPROBE_CONTROLLER_CASES_CASE_SET_H_
#define CLOSEPROBE_CONTROLLER_CASES_CASE_SET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/cases/case_loader.h"
#include "controller/cases/claims.h"

namespace closeprobe::controller {

struct CaseSet {
  std::vector<LoadedCase> rows;  // grid iterations (and pairings), files in order
  int files = 0;                 // case files read
};

// The case files under `paths` (files or folders of *.textproto) as rows,
// their claims checked against `claims`.
// InvalidArgument listing every problem ("FILE:LINE:COL: what", one per
// line) when any file is invalid or two files name the same case; NotFound
// for a missing path or no case file at all.
absl::StatusOr<CaseSet> LoadCaseSet(const std::vector<std::string>& paths,
                                    const ClaimSet& claims = ProjectClaims());

// The same for one case file's text already in memory (tests, the fuzzer).
absl::StatusOr<CaseSet> ParseCaseSet(const std::string& file, const std::string& text,
                                     const ClaimSet& claims = ProjectClaims());

// Every row of a case with `pairings` becomes one row per platform in
// `peer_platforms` ("name[...,peer=P]"); other rows stay as they are.
void ExpandPairings(const std::vector<std::string>& peer_platforms, CaseSet* set);

// The indices of the rows that change stack settings (they run on hosts of
// their own).
std::vector<int> SettingsRows(const CaseSet& set);

// Whether a row places a role in an agent process of its own (the local
// topology then starts companion agents).
bool NeedsCompanions(const CaseSet& set);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASES_CASE_SET_H_
