// Claims: the claims files cases may cite (claims/*.textproto, schema
// ClaimsFile in case.proto), read and checked once. The articles' claims
// ship in claims/articles.textproto (ids C1..C20); a user's file sets a
// prefix and its claims are cited as "PREFIX.ID", so they never collide.
// Problems are "FILE:LINE:COLUMN: what", like a case file's.
#ifndef CLOSEPROBE_CONTROLLER_CASES_CLAIMS_H_
#define CLOSEPROBE_CONTROLLER_CASES_CLAIMS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "closeprobe/v1/case.pb.h"

namespace closeprobe::controller {

class ClaimSet {
 public:
  // The claim cited as `id` ("C12", "acme.S1"), or nullptr.
  const v1::Claim* Find(const std::string& id) const;
  // "C1..C20, acme.S1, acme.S2": what a case may cite.
  std::string Known() const;
  const std::vector<std::string>& files() const { return files_; }

 private:
  friend absl::StatusOr<ClaimSet> LoadClaims(const std::vector<std::string>& paths);
  std::map<std::string, v1::Claim> by_id_;  // full id -> the claim (id made full)
  std::vector<std::string> order_;          // full ids, files in order
  std::vector<std::string> files_;
};

// Every *.textproto under the folders (or the files) named. InvalidArgument
// listing every problem; NotFound for a missing path.
absl::StatusOr<ClaimSet> LoadClaims(const std::vector<std::string>& paths);

// The project's claims folder ("claims", relative to the working folder),
// loaded once; an empty set if it cannot be read (tests, fuzzers elsewhere).
const ClaimSet& ProjectClaims();

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASES_CLAIMS_H_
