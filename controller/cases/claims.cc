#include "controller/cases/claims.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/cases/case_loader.h"

namespace closeprobe::controller {
namespace {

bool IsPrefix(const std::string& p) {
  if (p.empty() || !absl::ascii_islower(p[0])) return false;
  for (char c : p) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

std::string Where(const std::string& file, const google::protobuf::TextFormat::ParseInfoTree& tree,
                  const char* field, int index) {
  const auto* f = v1::ClaimsFile::descriptor()->FindFieldByName(field);
  const auto loc = tree.GetLocation(f, f->is_repeated() ? index : -1);
  return loc.line < 0 ? absl::StrCat(file, ":1:1")
                      : absl::StrCat(file, ":", loc.line + 1, ":", loc.column + 1);
}

}  // namespace

const v1::Claim* ClaimSet::Find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

std::string ClaimSet::Known() const {
  // "C1", "C2", ... "C20" reads better as "C1..C20".
  auto next = [](const std::string& id) -> std::string {
    int n = 0;
    if (id.size() < 2 || id[0] != 'C' || !absl::SimpleAtoi(id.substr(1), &n)) return "";
    return absl::StrCat("C", n + 1);
  };
  std::vector<std::string> shown;
  for (size_t i = 0; i < order_.size();) {
    size_t j = i;
    while (j + 1 < order_.size() && next(order_[j]) == order_[j + 1]) ++j;
    shown.push_back(j >= i + 2 ? absl::StrCat(order_[i], "..", order_[j]) : order_[i]);
    if (j == i + 1) shown.push_back(order_[j]);
    i = j + 1;
  }
  return shown.empty() ? "none" : absl::StrJoin(shown, ", ");
}

absl::StatusOr<ClaimSet> LoadClaims(const std::vector<std::string>& paths) {
  absl::StatusOr<std::vector<std::string>> files = ExpandCasePaths(paths);
  if (!files.ok()) return files.status();
  ClaimSet set;
  std::vector<std::string> errors;
  std::string unprefixed;  // the one file without a prefix
  std::map<std::string, std::string> first_seen;  // full id -> where
  for (const std::string& file : *files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    v1::ClaimsFile parsed;
    google::protobuf::TextFormat::ParseInfoTree tree;
    absl::Status s = ParseTextProto(file, text.str(), &parsed, &tree);
    if (!s.ok()) {
      errors.push_back(std::string(s.message()));
      continue;
    }
    set.files_.push_back(file);
    if (parsed.prefix().empty()) {
      if (!unprefixed.empty()) {
        errors.push_back(absl::StrCat(
            Where(file, tree, "prefix", -1), ": only one claims file may go without a prefix (",
            unprefixed, " does); give this one `prefix: \"yours\"` and cite \"yours.ID\""));
      }
      unprefixed = file;
    } else if (!IsPrefix(parsed.prefix())) {
      errors.push_back(absl::StrCat(Where(file, tree, "prefix", -1), ": prefix '", parsed.prefix(),
                                    "' is not [a-z][a-z0-9_]*"));
    }
    for (int i = 0; i < parsed.claim_size(); ++i) {
      v1::Claim claim = parsed.claim(i);
      const std::string where = Where(file, tree, "claim", i);
      if (claim.id().empty() || claim.id().find_first_of(" .,|[]=") != std::string::npos) {
        errors.push_back(absl::StrCat(where, ": claim id '", claim.id(),
                                      "' is empty or has a space or one of . , | [ ] ="));
        continue;
      }
      if (claim.text().empty()) errors.push_back(absl::StrCat(where, ": claim has no text"));
      const std::string full =
          parsed.prefix().empty() ? claim.id() : absl::StrCat(parsed.prefix(), ".", claim.id());
      auto [seen, fresh] = first_seen.emplace(full, where);
      if (!fresh) {
        errors.push_back(absl::StrCat(where, ": claim '", full, "' is defined again (first at ",
                                      seen->second, ")"));
        continue;
      }
      claim.set_id(full);
      set.order_.push_back(full);
      set.by_id_.emplace(full, std::move(claim));
    }
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return set;
}

const ClaimSet& ProjectClaims() {
  static const auto* claims = [] {
    absl::StatusOr<ClaimSet> loaded = LoadClaims({"claims"});
    return new ClaimSet(loaded.ok() ? std::move(*loaded) : ClaimSet());
  }();
  return *claims;
}

}  // namespace closeprobe::controller
