// RowSuggestions: what `closeprobe show` offers when no row of the report has
// the name asked for: the report's row names near it (a grid case's
// iterations for its base name or some of its parameters, names it begins,
// names a few typing slips away), and other reports nearby that have it.
//
// Thread safety: NearRowNames is pure; ReportsWithRow reads the file system.
#ifndef CLOSEPROBE_CONTROLLER_COMMANDS_ROW_SUGGESTIONS_H_
#define CLOSEPROBE_CONTROLLER_COMMANDS_ROW_SUGGESTIONS_H_

#include <string>
#include <vector>

namespace closeprobe::controller {

// How many edits (insert, delete, replace a character) make `a` into `b`.
int EditDistance(const std::string& a, const std::string& b);

// Row names among `names` that `asked` likely meant, best first, at most
// `limit`: the iterations of the grid case `asked` names ("case" or
// "case[p=v]" with some of its parameters), then names that begin with
// `asked`, then names whose case part is a few edits from the one asked.
std::vector<std::string> NearRowNames(const std::string& asked,
                                      const std::vector<std::string>& names,
                                      size_t limit = 8);

// Report folders other than `searched` that have a row named `asked` (or an
// iteration of it): the run command's default output folder and the report
// folders beside `searched` and under ./reports.
std::vector<std::string> ReportsWithRow(const std::string& asked, const std::string& searched);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_COMMANDS_ROW_SUGGESTIONS_H_
