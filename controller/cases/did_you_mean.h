// DidYouMean: the hint an error message gives when a name is not known.
#ifndef CLOSEPROBE_CONTROLLER_CASES_DID_YOU_MEAN_H_
#define CLOSEPROBE_CONTROLLER_CASES_DID_YOU_MEAN_H_

#include <string>
#include <vector>

namespace closeprobe::controller {

// " (did you mean X?)" when `text` is close to one of `names` (case and
// underscores aside, or a few letters off), else " (one of A, B, ...)".
std::string DidYouMean(const std::string& text, const std::vector<std::string>& names);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASES_DID_YOU_MEAN_H_
