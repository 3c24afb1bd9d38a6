// gMock matchers for absl::Status and absl::StatusOr (Debian's abseil ships
// no status_matchers.h): EXPECT_THAT(s, IsOk()); EXPECT_THAT(s,
// StatusIs(absl::StatusCode::kNotFound, HasSubstr("handle"))).
#ifndef CLOSEPROBE_TESTS_TESTUTIL_STATUS_MATCHERS_H_
#define CLOSEPROBE_TESTS_TESTUTIL_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace closeprobe::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status: " << s;
  return s.ok();
}

MATCHER_P2(StatusIs, code, message_matcher, "has the code and message") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status: " << s;
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(s.message()),
                                       result_listener);
}

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_TESTS_TESTUTIL_STATUS_MATCHERS_H_
