// Matrix: the case × column table of a judged report, laid out once and
// handed to every writer (terminal, HTML, Markdown, JUnit, findings): the
// columns in the report's order, the cases in the matrix's order (cases
// that test a claim first, in claim order; then the questions, in the order
// they ran), each cell, and the claim × column table beside it. Writers
// draw it; none of them lays it out again or decides anything.
//
// A Matrix points into the report and rows it was made from, which must
// outlive it unchanged.
#ifndef CLOSEPROBE_CONTROLLER_REPORT_MATRIX_H_
#define CLOSEPROBE_CONTROLLER_REPORT_MATRIX_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "closeprobe/v1/report.pb.h"
#include "controller/judge/verdicts.h"

namespace closeprobe::controller {

struct MatrixCase {
  std::string name;
  std::string claim;  // "" for a question
};

class Matrix {
 public:
  Matrix(const v1::Report& report, const MatrixRows& rows);

  const v1::Report& report() const { return *report_; }
  const MatrixRows& rows() const { return *rows_; }
  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<MatrixCase>& cases() const { return cases_; }
  // The row of `case_name` on `column`; nullptr when it has none.
  const MatrixRow* Cell(const std::string& case_name, const std::string& column) const;

  // The claims judged, in claim order, and a claim's verdict on a column
  // (nullptr: not tested there).
  const std::vector<std::string>& claims() const { return claims_; }
  const v1::ClaimVerdict* ClaimCell(const std::string& claim, const std::string& column) const;

 private:
  const v1::Report* report_;
  const MatrixRows* rows_;
  std::vector<std::string> columns_;
  std::vector<MatrixCase> cases_;
  std::map<std::pair<std::string, std::string>, const MatrixRow*> cells_;
  std::vector<std::string> claims_;
  std::map<std::pair<std::string, std::string>, const v1::ClaimVerdict*> claim_cells_;
};

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_REPORT_MATRIX_H_
