// The gate alone: constant-time comparison (functionally), refusals and
// the failure bound with its window.
#include "agent/auth_gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"

namespace closeprobe::agent {
namespace {

TEST(ConstantTimeEquals, EqualOnlyForTheSameBytes) {
  EXPECT_TRUE(ConstantTimeEquals("Bearer s3cret", "Bearer s3cret"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("Bearer s3cre", "Bearer s3cret"));   // a prefix
  EXPECT_FALSE(ConstantTimeEquals("Bearer s3crets", "Bearer s3cret"));  // longer
  EXPECT_FALSE(ConstantTimeEquals("Bearer t3cret", "Bearer s3cret"));   // first byte after
  EXPECT_FALSE(ConstantTimeEquals("Bearer s3creT", "Bearer s3cret"));   // last byte
  EXPECT_FALSE(ConstantTimeEquals(std::string("Bearer s3cret\0", 14), "Bearer s3cret"));
}

TEST(AuthGate, WithoutATokenEveryCallPasses) {
  AuthGate gate(AuthOptions{});
  EXPECT_TRUE(gate.Admit(nullptr, "ipv4:198.18.0.2:4000").ok());
  EXPECT_FALSE(gate.requires_token());
}

TEST(AuthGate, MissingAndWrongTokensAreRefusedThenTheHostIsHeldOff) {
  AuthGate gate(AuthOptions{"s3cret", 2, absl::Milliseconds(200)});
  const std::string right = "Bearer s3cret", wrong = "Bearer guess";
  EXPECT_TRUE(gate.Admit(&right, "ipv4:198.18.0.2:4000").ok());
  EXPECT_EQ(gate.Admit(nullptr, "ipv4:198.18.0.2:4001").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(gate.Admit(&wrong, "ipv4:198.18.0.2:4002").code(), absl::StatusCode::kUnauthenticated);
  // Two failures from the host, from any of its ports: held off, right token or not.
  EXPECT_EQ(gate.Admit(&right, "ipv4:198.18.0.2:4003").code(),
            absl::StatusCode::kResourceExhausted);
  // Another host is not.
  EXPECT_TRUE(gate.Admit(&right, "ipv4:198.18.0.3:4000").ok());
  // Once the window has passed, the host is heard again.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(gate.Admit(&right, "ipv4:198.18.0.2:4004").ok());
}

}  // namespace
}  // namespace closeprobe::agent
