#include "controller/judge/claim_order.h"

#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace closeprobe::controller {
namespace {

// "C12" -> 12; -1 for any id that is not "C" and digits only.
long long ArticleNumber(const std::string& id) {
  if (id.size() < 2 || id[0] != 'C') return -1;
  for (size_t i = 1; i < id.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) return -1;
  }
  long long n = 0;
  return absl::SimpleAtoi(absl::string_view(id).substr(1), &n) ? n : -1;
}

}  // namespace

bool ClaimBefore(const std::string& a, const std::string& b) {
  const long long na = ArticleNumber(a), nb = ArticleNumber(b);
  // Articles' claims first (by number), then the others by text.
  return std::make_tuple(na < 0, na, a) < std::make_tuple(nb < 0, nb, b);
}

}  // namespace closeprobe::controller
