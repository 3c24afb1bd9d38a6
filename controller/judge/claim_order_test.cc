// The order claims are listed in, and that distinct ids never compare equal.
#include "controller/judge/claim_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace closeprobe::controller {
namespace {

TEST(ClaimOrder, ArticlesByNumberThenOtherIdsByText) {
  std::vector<std::string> ids = {"acme.S2", "C10", "acme.S1", "C3", "zeta.X", "C1"};
  std::sort(ids.begin(), ids.end(), ClaimLess());
  EXPECT_EQ(ids, (std::vector<std::string>{"C1", "C3", "C10", "acme.S1", "acme.S2", "zeta.X"}));
}

TEST(ClaimOrder, DistinctUserIdsAreNeverEquivalent) {
  // Two ids of a user's file: neither is before the other only if they are one id.
  EXPECT_TRUE(ClaimBefore("acme.S1", "acme.S2") || ClaimBefore("acme.S2", "acme.S1"));
  EXPECT_FALSE(ClaimBefore("acme.S1", "acme.S1"));
  EXPECT_TRUE(ClaimBefore("C2", "C2x"));  // not an article's id: after every one
}

}  // namespace
}  // namespace closeprobe::controller
