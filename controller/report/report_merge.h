// ReportMerge: one matrix from runs made on different hosts (a Linux and an
// lwIP run here, a Windows run on a Windows machine), and documented columns
// for platforms that no run observed.
//
// Each column keeps where and when it was observed: the agent's own Info
// (host, OS, stack version) and the run's start time, topology and file. Two
// columns of the same platform are told apart by host (or topology).
#ifndef CLOSEPROBE_CONTROLLER_REPORT_MERGE_H_
#define CLOSEPROBE_CONTROLLER_REPORT_MERGE_H_

#include <string>
#include <utility>
#include <vector>

#include "closeprobe/v1/report.pb.h"
#include "controller/cases/case_loader.h"

namespace closeprobe::controller {

// The reports' columns and results in one report, with provenance on each
// column; their warnings are kept, prefixed with the file. Judge the result
// (JudgeReport). `reports`: (file name, report).
v1::Report MergeReports(
    const std::vector<std::pair<std::string, v1::Report>>& reports);

// Documented cells: for every platform the cases' expectations name, each
// row that its column did not observe gets a DOCUMENTED cell listing the
// platform's expectations with their sources; a platform no run observed
// gets a documented column. `rows`: the case set's rows, pairings expanded
// at the reference peer (linux).
void AddDocumentedColumns(const std::vector<LoadedCase>& rows, v1::Report* report);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_REPORT_MERGE_H_
