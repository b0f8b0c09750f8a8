#include "services/imagegen/eval/generator_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status/status.h"

namespace aigc::imagegen {
namespace {

absl::Status CheckLabels(std::span<const int> labels, size_t expected) {
  if (labels.size() != expected) {
    return status::InvalidField("labels", absl::StrCat("must hold one label per image (", expected,
                                                       "), got ", labels.size()));
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= kClasses) {
      return status::InvalidField(
          "labels", absl::StrCat("[", i, "] must be in [0, ", kClasses, "), got ", labels[i]));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPixels(std::span<const uint8_t> pixels) {
  if (pixels.empty() || pixels.size() % kImagePixels != 0) {
    return status::InvalidField("pixels",
                                absl::StrCat("must hold a positive number of ", kImagePixels,
                                             "-byte images, got ", pixels.size(), " bytes"));
  }
  return absl::OkStatus();
}

// hits[c] of count[c] per class, and overall.
ClassShares Shares(const std::array<int, kClasses>& hits, const std::array<int, kClasses>& count) {
  ClassShares shares;
  shares.count = count;
  int all_hits = 0, all = 0;
  for (int c = 0; c < kClasses; ++c) {
    if (count[c] > 0) shares.per_class[c] = static_cast<double>(hits[c]) / count[c];
    all_hits += hits[c];
    all += count[c];
  }
  if (all > 0) shares.overall = static_cast<double>(all_hits) / all;
  return shares;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + middle, values.end());
  if (values.size() % 2 == 1) return values[middle];
  const double upper = values[middle];
  return 0.5 * (upper + *std::max_element(values.begin(), values.begin() + middle));
}

}  // namespace

std::vector<int> ClassMajorLabels(int per_class) {
  std::vector<int> labels;
  labels.reserve(static_cast<size_t>(std::max(per_class, 0)) * kClasses);
  for (int label = 0; label < kClasses; ++label) labels.insert(labels.end(), per_class, label);
  return labels;
}

absl::StatusOr<ClassShares> ClassConsistency(const FashionClassifier& classifier,
                                             std::span<const uint8_t> pixels,
                                             std::span<const int> labels) {
  AIGC_RETURN_IF_ERROR(CheckPixels(pixels));
  AIGC_RETURN_IF_ERROR(CheckLabels(labels, pixels.size() / kImagePixels));
  AIGC_ASSIGN_OR_RETURN(const std::vector<int> predicted, classifier.Classify(pixels));
  std::array<int, kClasses> hits{}, count{};
  for (size_t i = 0; i < labels.size(); ++i) {
    ++count[labels[i]];
    hits[labels[i]] += predicted[i] == labels[i];
  }
  return Shares(hits, count);
}

absl::StatusOr<std::array<double, kClasses>> MeanPairwiseDistance(std::span<const float> features,
                                                                  std::span<const int> labels,
                                                                  int dim) {
  if (dim < 1) return status::InvalidField("dim", absl::StrCat("must be >= 1, got ", dim));
  if (features.size() != labels.size() * dim) {
    return status::InvalidField(
        "features", absl::StrCat("must hold ", dim, " values per label (", labels.size() * dim,
                                 "), got ", features.size()));
  }
  AIGC_RETURN_IF_ERROR(CheckLabels(labels, labels.size()));
  std::array<std::vector<const float*>, kClasses> rows;
  for (size_t i = 0; i < labels.size(); ++i) rows[labels[i]].push_back(&features[i * dim]);
  std::array<double, kClasses> mean;
  for (int c = 0; c < kClasses; ++c) {
    const std::vector<const float*>& members = rows[c];
    if (members.size() < 2) {
      mean[c] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    double sum = 0;
    for (size_t i = 0; i < members.size(); ++i) {
      for (size_t j = i + 1; j < members.size(); ++j) {
        double squared = 0;
        for (int k = 0; k < dim; ++k) {
          const double difference = static_cast<double>(members[i][k]) - members[j][k];
          squared += difference * difference;
        }
        sum += std::sqrt(squared);
      }
    }
    mean[c] = sum / (static_cast<double>(members.size()) * (members.size() - 1) / 2);
  }
  return mean;
}

absl::StatusOr<NoveltyReport> MeasureNovelty(const NearDuplicateIndex& index,
                                             std::span<const uint8_t> pixels,
                                             std::span<const int> labels, int threads,
                                             const std::function<void(int done)>& on_progress) {
  AIGC_RETURN_IF_ERROR(CheckPixels(pixels));
  const size_t count = pixels.size() / kImagePixels;
  AIGC_RETURN_IF_ERROR(CheckLabels(labels, count));
  if (threads < 1)
    return status::InvalidField("threads", absl::StrCat("must be >= 1, got ", threads));

  std::vector<double> rms(count);
  absl::Mutex mu;
  size_t next = 0;  // the next image to look up
  int done = 0;
  absl::Status failure;
  const auto work = [&] {
    while (true) {
      size_t i;
      {
        absl::MutexLock lock(&mu);
        if (next == count || !failure.ok()) return;
        i = next++;
      }
      absl::StatusOr<NearestImage> nearest =
          index.Nearest(pixels.subspan(i * kImagePixels, kImagePixels), labels[i]);
      absl::MutexLock lock(&mu);
      if (!nearest.ok()) {
        failure.Update(nearest.status());
        return;
      }
      rms[i] = nearest->rms;
      ++done;
      if (on_progress) on_progress(done);
    }
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  AIGC_RETURN_IF_ERROR(failure);

  std::array<int, kClasses> hits{}, per_class{};
  std::array<std::vector<double>, kClasses> class_rms;
  for (size_t i = 0; i < count; ++i) {
    ++per_class[labels[i]];
    hits[labels[i]] += rms[i] < kNearDuplicateRms;
    class_rms[labels[i]].push_back(rms[i]);
  }
  NoveltyReport report;
  report.near_duplicates = Shares(hits, per_class);
  report.median_rms = Median(rms);
  for (int c = 0; c < kClasses; ++c) report.median_rms_per_class[c] = Median(class_rms[c]);
  return report;
}

}  // namespace aigc::imagegen
