#include "controller/run/background_returns.h"

namespace closeprobe::controller {

void MarkBackgroundReturns(const v1::Case& spec, const std::vector<std::string>& clock_of,
                           google::protobuf::RepeatedPtrField<v1::StepRecord>* records) {
  auto comparable = [&](int i) {
    return i < static_cast<int>(clock_of.size()) && !clock_of[i].empty() &&
           (*records)[i].has_result() && (*records)[i].result().start_mono_ns() > 0;
  };
  for (int i = 0; i < records->size(); ++i) {
    const int step = (*records)[i].index();
    if (step >= spec.step_size() || !spec.step(step).background() || !comparable(i)) continue;
    v1::StepRecord& record = (*records)[i];
    const int64_t began = record.result().start_mono_ns();
    const int64_t returned = record.result().end_mono_ns();
    int latest = -1;
    for (int j = 0; j < records->size(); ++j) {
      if (j == i || !comparable(j) || clock_of[j] != clock_of[i]) continue;
      const int64_t started = (*records)[j].result().start_mono_ns();
      if (started >= began && started <= returned &&
          (latest < 0 || started > (*records)[latest].result().start_mono_ns())) {
        latest = j;
      }
    }
    if (latest < 0) continue;
    record.set_returned_after_step((*records)[latest].index());
    record.set_returned_after_ns(returned - (*records)[latest].result().start_mono_ns());
  }
}

}  // namespace closeprobe::controller
