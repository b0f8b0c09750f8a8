// A running mean, for averaging per-example scores (per-pair ROUGE-L, per
// category breakdowns) in the copywriter's offline evaluation.
#ifndef AIGC_SERVICES_COPYWRITER_EVAL_MEAN_AND_COUNT_H_
#define AIGC_SERVICES_COPYWRITER_EVAL_MEAN_AND_COUNT_H_

#include <cstdint>

namespace aigc::copy_eval {

// The mean of the values added so far and their number. Not thread-safe: use
// one per thread or guard it.
class MeanAndCount {
 public:
  void Add(double value) {
    sum_ += value;
    ++count_;
  }

  // The number of values added.
  int64_t count() const { return count_; }

  // The arithmetic mean of the values added; 0 when none was added.
  double mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }

 private:
  double sum_ = 0.0;
  int64_t count_ = 0;
};

}  // namespace aigc::copy_eval

#endif  // AIGC_SERVICES_COPYWRITER_EVAL_MEAN_AND_COUNT_H_
