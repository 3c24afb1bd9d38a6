// Verdicts: the one place where a verdict is decided, from what was recorded:
//   - a run: ERROR or NOT_SUPPORTED when it stopped early (CaseResult.stop)
//     or an expectation needs what the platform cannot observe; INCONCLUSIVE
//     when a premise did not hold (the claim was not tested: the peer's RST
//     never arrived, the FINs did not cross); else MATCHED when every
//     expectation that applies to the platform held, DEVIATED otherwise. Its
//     claim status: HELD or REFUTED by the claim-level expectations,
//     INCONCLUSIVE with a failed premise, NOT_APPLICABLE without either.
//   - a row (a case on a platform, all of its runs): judged on outcome
//     frequencies. INCONCLUSIVE when fewer of its runs were conclusive than
//     the case's min_conclusive_runs (default: half the runs, at most 5);
//     else MATCHED only when at least the required number of its
//     conclusive runs matched (every run; a race: one, or the case's
//     min_matching_runs). Its claim status comes from its conclusive runs
//     only, and is INCONCLUSIVE whenever the row is.
//   - a claim on a platform: REFUTED by any row that refuted it, else HELD
//     by any that held it, else INCONCLUSIVE when rows tested it only
//     inconclusively. An inconclusive row never counts for or against it.
//     Each claim id is its own entry (claim_order.h gives their order).
// The rows are computed once per report and handed to every writer.
#ifndef CLOSEPROBE_CONTROLLER_JUDGE_VERDICTS_H_
#define CLOSEPROBE_CONTROLLER_JUDGE_VERDICTS_H_

#include <string>
#include <utility>
#include <vector>

#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// One row of the matrix: a case on a platform, with all of its runs.
struct MatrixRow {
  std::string case_name;
  std::string claim;
  std::string platform;
  std::vector<const v1::CaseResult*> runs;    // into the report
  const v1::RepeatSummary* repeat = nullptr;  // when run more than once
  v1::Verdict verdict = v1::VERDICT_UNSPECIFIED;
  v1::ClaimStatus claim_status = v1::CLAIM_STATUS_UNSPECIFIED;
  std::string key_observation;
  std::string evidence;      // why the claim was refuted, if it was
  std::string inconclusive;  // which premise did not hold, if none did
};

using MatrixRows = std::vector<MatrixRow>;

// A not-supported row whose platform can do the steps but cannot see what an
// expectation asks of them (runsc: a closed socket's state; the wire, with no
// capture or one that lost packets): shown as "n/o".
bool NotObservable(const MatrixRow& row);

// A deviated row whose every miss is of the claim's expectations, on steps
// the platform has no expectation of its own for: the stack did not do what
// the claim says, and the case documents nothing of its own behaviour there.
// Its verdict stays DEVIATED (and calls for exit status 1: a behaviour no
// expectation of the stack's explains), but its cells say "judged on the
// claim", so that DEV always means a stack missed its own documented
// behaviour.
bool JudgedOnClaimOnly(const MatrixRow& row);

// A row's verdict in words, as the HTML and Markdown cells spell it ("ok",
// "DEVIATED", "judged on the claim", "not observable", ...), and in three
// letters for the terminal's matrix ("ok ", "DEV", "clm", "n/o", ...).
const char* VerdictWords(const MatrixRow& row);
const char* VerdictMark(const MatrixRow& row);

// The verdict and claim status of one run, from its stop reason and
// recorded expectation results (sets verdict, claim_status, inconclusive,
// and error when the platform cannot observe a check).
void JudgeRun(v1::CaseResult* run);

// Judges a report: every run, then every row (report->repeats for rows of
// several runs), every claim per platform (report->claims) and the counts
// (report->summary). Returns the rows in the order of the results; they
// point into *report, which must not change while they are used.
MatrixRows JudgeReport(v1::Report* report);

// A report and its rows, judged once. The rows point into `record`, so it is
// neither copied nor moved.
struct JudgedReport {
  JudgedReport() = default;
  explicit JudgedReport(v1::Report report) : record(std::move(report)) {
    rows = JudgeReport(&record);
  }
  JudgedReport(const JudgedReport&) = delete;
  JudgedReport& operator=(const JudgedReport&) = delete;
  v1::Report record;
  MatrixRows rows;
};

// Adds report->baseline_differences to the summary's counts.
void CountBaselineDifferences(v1::Report* report);

// The process exit status a report calls for: 3 if an agent failed
// (infrastructure: STOP_AGENT_FAULT), else 2 if an agent refused a request
// as the case made it (STOP_CASE_ERROR), else 1 if any row is DEVIATED,
// else 0.
int ExitStatusFor(const v1::Report& report);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_JUDGE_VERDICTS_H_
