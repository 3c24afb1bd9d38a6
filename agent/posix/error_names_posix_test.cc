#include <gtest/gtest.h>

#include <cerrno>

#include "agent/error_names.h"

namespace closeprobe::agent {
namespace {

TEST(PosixErrorName, MapsTheErrorsOfCloseScenarios) {
  struct Row {
    int code;
    v1::ErrorName name;
    const char* native;
  };
  const Row rows[] = {
      {0, v1::ERROR_NAME_OK, ""},
      {ECONNRESET, v1::ERROR_NAME_ECONNRESET, "ECONNRESET"},
      {EPIPE, v1::ERROR_NAME_EPIPE, "EPIPE"},
      {EADDRINUSE, v1::ERROR_NAME_EADDRINUSE, "EADDRINUSE"},
      {EADDRNOTAVAIL, v1::ERROR_NAME_EADDRNOTAVAIL, "EADDRNOTAVAIL"},
      {EAGAIN, v1::ERROR_NAME_EWOULDBLOCK, "EAGAIN"},
      {ETIMEDOUT, v1::ERROR_NAME_ETIMEDOUT, "ETIMEDOUT"},
      {EHOSTUNREACH, v1::ERROR_NAME_EHOSTUNREACH, "EHOSTUNREACH"},
      {ECONNREFUSED, v1::ERROR_NAME_ECONNREFUSED, "ECONNREFUSED"},
      {ENOTCONN, v1::ERROR_NAME_ENOTCONN, "ENOTCONN"},
      {EINPROGRESS, v1::ERROR_NAME_EINPROGRESS, "EINPROGRESS"},
      {ENOPROTOOPT, v1::ERROR_NAME_ENOPROTOOPT, "ENOPROTOOPT"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.native);
    const ErrorInfo info = PosixErrorName(row.code);
    EXPECT_EQ(info.name, row.name);
    EXPECT_EQ(info.native_name, row.native);
    EXPECT_EQ(info.native_code, row.code);
  }
}

TEST(PosixErrorName, LinuxNumbersAreTheOnesTheArticlesQuote) {
  EXPECT_EQ(PosixErrorName(104).name, v1::ERROR_NAME_ECONNRESET);  // "errno 104"
  EXPECT_EQ(PosixErrorName(32).name, v1::ERROR_NAME_EPIPE);        // "errno 32"
}

TEST(PosixErrorName, UnknownNumbersKeepTheirNumber) {
  const ErrorInfo info = PosixErrorName(4242);
  EXPECT_EQ(info.name, v1::ERROR_NAME_OTHER);
  EXPECT_EQ(info.native_name, "errno 4242");
  EXPECT_EQ(info.native_code, 4242);
}

}  // namespace
}  // namespace closeprobe::agent
