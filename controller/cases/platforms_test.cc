#include "controller/cases/platforms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace closeprobe::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Names(const std::vector<Platform>& rows) {
  std::vector<std::string> names;
  for (const Platform& p : rows) names.push_back(p.name);
  return names;
}

TEST(Platforms, ParsedInTheUsersOrderOnceEach) {
  absl::StatusOr<std::vector<Platform>> rows =
      ParsePlatformList(" lwip, linux,lwip ,linux-6.1,gvisor-netstack");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Names(*rows), ElementsAre("lwip", "linux", "linux-6.1", "gvisor-netstack"));
  EXPECT_EQ((*rows)[2].host, HostKind::kQemuGuest);
  EXPECT_EQ((*rows)[2].falls_back, "linux");
  EXPECT_EQ((*rows)[3].falls_back, "gvisor");
}

TEST(Platforms, AnUnknownNameIsAnErrorWithADidYouMean) {
  absl::StatusOr<std::vector<Platform>> rows = ParsePlatformList("linux,gvisor,gvisor-netstak");
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.status().message(), HasSubstr("'gvisor-netstak'"));
  EXPECT_THAT(rows.status().message(), HasSubstr("did you mean gvisor-netstack?"));
  rows = ParsePlatformList("solaris");
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.status().message(), HasSubstr("one of linux, lwip, gvisor"));
}

TEST(Platforms, ADocumentedPlatformIsNoColumnToRun) {
  absl::StatusOr<std::vector<Platform>> rows = ParsePlatformList("windows");
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.status().message(), HasSubstr("documentation only"));
  EXPECT_FALSE(ParsePlatformList(" , ").ok());
}

TEST(Platforms, ExpectationsMayNameEveryRowButTheGuestPattern) {
  const std::vector<std::string> names = ExpectationPlatformNames();
  EXPECT_THAT(names, ::testing::Contains("windows"));
  EXPECT_THAT(names, ::testing::Contains("lwip-firmware"));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("linux-X.Y")));
  EXPECT_EQ(FindPlatform("linux-6.1")->name, "linux-6.1");
  EXPECT_FALSE(FindPlatform("linux-next").has_value());
}

}  // namespace
}  // namespace closeprobe::controller
