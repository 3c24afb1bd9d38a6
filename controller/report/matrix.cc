// The matrix laid out once (see matrix.h).
#include "controller/report/matrix.h"

#include <algorithm>
#include <set>

#include "controller/judge/claim_order.h"

namespace closeprobe::controller {

Matrix::Matrix(const v1::Report& report, const MatrixRows& rows)
    : report_(&report), rows_(&rows) {
  for (const auto& p : report.platforms()) columns_.push_back(p.name());
  std::set<std::string> seen;
  for (const MatrixRow& r : rows) {
    if (seen.insert(r.case_name).second) cases_.push_back({r.case_name, r.claim});
    cells_[{r.case_name, r.platform}] = &r;
  }
  std::stable_sort(cases_.begin(), cases_.end(), [](const MatrixCase& a, const MatrixCase& b) {
    if (a.claim.empty() != b.claim.empty()) return b.claim.empty();
    return !a.claim.empty() && ClaimBefore(a.claim, b.claim);
  });
  for (const v1::ClaimVerdict& c : report.claims()) {
    if (claim_cells_.emplace(std::make_pair(c.claim(), c.platform()), &c).second &&
        std::find(claims_.begin(), claims_.end(), c.claim()) == claims_.end()) {
      claims_.push_back(c.claim());
    }
  }
}

const MatrixRow* Matrix::Cell(const std::string& case_name, const std::string& column) const {
  auto it = cells_.find({case_name, column});
  return it == cells_.end() ? nullptr : it->second;
}

const v1::ClaimVerdict* Matrix::ClaimCell(const std::string& claim,
                                          const std::string& column) const {
  auto it = claim_cells_.find({claim, column});
  return it == claim_cells_.end() ? nullptr : it->second;
}

}  // namespace closeprobe::controller
