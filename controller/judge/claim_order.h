// ClaimOrder: the one order in which claims are listed, in the record and
// every writer: the articles' claims by number ("C3" before "C10"), then
// every other id (a user's "acme.S1", "acme.S2") by its text. Each claim id
// is its own entry: ids are never reduced to a number, so two claims of a
// user's file never share one.
#ifndef CLOSEPROBE_CONTROLLER_JUDGE_CLAIM_ORDER_H_
#define CLOSEPROBE_CONTROLLER_JUDGE_CLAIM_ORDER_H_

#include <string>

namespace closeprobe::controller {

// True when claim `a` is listed before claim `b`. A strict weak order on
// ids: equal only for the same id.
bool ClaimBefore(const std::string& a, const std::string& b);

struct ClaimLess {
  bool operator()(const std::string& a, const std::string& b) const { return ClaimBefore(a, b); }
};

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_JUDGE_CLAIM_ORDER_H_
