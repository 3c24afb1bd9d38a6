// What a test checks is left as it found it on the host.
#ifndef CLOSEPROBE_TESTS_TESTUTIL_HOST_STATE_H_
#define CLOSEPROBE_TESTS_TESTUTIL_HOST_STATE_H_

#include <filesystem>
#include <set>
#include <string>

namespace closeprobe::testing {

// The host's network interfaces (veth, TAP, bridges a test may leave behind).
inline std::set<std::string> NetworkInterfaces() {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator("/sys/class/net")) {
    names.insert(e.path().filename().string());
  }
  return names;
}

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_TESTS_TESTUTIL_HOST_STATE_H_
