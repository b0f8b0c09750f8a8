// aigc-imagegen-eval: evaluates a served version of the class-conditional
// generator (a model-repository version, drawn as the service draws it)
// against Fashion-MNIST, on the evaluation classifier's 128-d features:
// FID against the 10,000 test images next to its floor (as many training
// images against the same test images), class consistency, per-class
// diversity against that of real test images, and the share of images that
// copy a training image. Prints one Markdown table (overall and per class)
// and the command that reproduces it, and writes a 10 x 10 sample grid. With
// --distortions, a second table calibrates the FID: the floor's training
// images after small, controlled changes.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/catalog/vocabulary.h"
#include "common/cli/cli.h"
#include "common/runtime/device.h"
#include "common/runtime/inference_metrics.h"
#include "common/runtime/model_repository.h"
#include "prometheus/registry.h"
#include "services/imagegen/classifier/fmnist_classifier.h"
#include "services/imagegen/data/fashion_mnist.h"
#include "services/imagegen/eval/frechet_distance.h"
#include "services/imagegen/eval/generator_metrics.h"
#include "services/imagegen/eval/sample_grid.h"
#include "services/imagegen/gan/generator_model.h"
#include "services/imagegen/novelty/near_duplicate.h"
#include "services/imagegen/png/png_codec.h"

ABSL_FLAG(std::string, model_repository, "models", "Model repository holding the generator.");
ABSL_FLAG(std::string, model_name, aigc::imagegen::kGeneratorModelName,
          "Name of the generator in the repository.");
ABSL_FLAG(int64_t, model_version, 0, "Version to evaluate (0 = the highest present).");
ABSL_FLAG(std::string, data_dir, aigc::imagegen::kFashionMnistDir,
          "Directory with the Fashion-MNIST IDX files (Debian's dataset-fashion-mnist).");
ABSL_FLAG(std::string, classifier, "models/fmnist-classifier/classifier.pt",
          "Evaluation classifier (its features, its class decisions).");
ABSL_FLAG(int, per_class, 1000,
          "Images drawn per class (2..6000); the FID floor uses as many training images.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the first image; image i (class-major order) uses seed + i.");
ABSL_FLAG(double, truncation, 2.0, "Noise truncation, (0, 4].");
ABSL_FLAG(int, threads, 2, "LibTorch intra-op threads and near-duplicate search threads.");
ABSL_FLAG(bool, distortions, false,
          "Also print the FID of the floor's training images after small, controlled "
          "distortions (noise, blur, contrast, a one-pixel shift, fewer grey levels), against "
          "the same test images: how far from the floor nearly real images land.");
ABSL_FLAG(std::string, grid, "docs/images/imagegen_eval_grid.png",
          "Where the sample grid PNG goes (one row per class, its first 10 images); empty = none.");

namespace aigc::imagegen {
namespace {

constexpr int kGridColumns = 10;
constexpr int kTrainPerClass = 6000;

class Stopwatch {
 public:
  double Seconds() const { return absl::ToDoubleSeconds(absl::Now() - start_); }

 private:
  const absl::Time start_ = absl::Now();
};

void Progress(const Stopwatch& clock, const std::string& line) {
  std::printf("[%6.1f s] %s\n", clock.Seconds(), line.c_str());
  std::fflush(stdout);
}

// Feature rows of one class.
struct ClassFeatures {
  std::array<std::vector<float>, kClasses> rows;
};

ClassFeatures SplitByClass(std::span<const float> features, std::span<const int> labels) {
  ClassFeatures split;
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto row = features.subspan(i * kClassifierFeatures, kClassifierFeatures);
    split.rows[labels[i]].insert(split.rows[labels[i]].end(), row.begin(), row.end());
  }
  return split;
}

// The first `per_class` training images of each class, class-major.
FashionMnist TrainSubset(const FashionMnist& train, int per_class) {
  FashionMnist subset;
  for (int label = 0; label < kClasses; ++label) {
    int taken = 0;
    for (int i = 0; i < train.count() && taken < per_class; ++i) {
      if (train.labels[i] != label) continue;
      const std::span<const uint8_t> image = train.Image(i);
      subset.pixels.insert(subset.pixels.end(), image.begin(), image.end());
      subset.labels.push_back(static_cast<uint8_t>(label));
      ++taken;
    }
  }
  return subset;
}

std::vector<int> Labels(const FashionMnist& data) {
  return std::vector<int>(data.labels.begin(), data.labels.end());
}

double Fid(std::span<const float> a, std::span<const float> b) {
  return cli::ValueOrExit(FrechetDistance(a, b, kClassifierFeatures));
}

double Mean(const std::array<double, kClasses>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return sum / kClasses;
}

// One row of the table.
struct Row {
  std::string name;
  double fid = 0;
  double fid_floor = 0;
  double consistency = 0;
  double test_accuracy = 0;
  double diversity = 0;
  double test_diversity = 0;
  double near_duplicates = 0;
  double median_rms = 0;
};

void PrintRow(const Row& row) {
  std::printf("| %s | %.2f | %.2f | %.1f | %.3f | %.3f | %.2f | %.2f | %.2f | %.4f | %.1f |\n",
              row.name.c_str(), row.fid, row.fid_floor, row.fid / row.fid_floor, row.consistency,
              row.test_accuracy, row.diversity, row.test_diversity,
              row.diversity / row.test_diversity, row.near_duplicates, row.median_rms);
}

// Every image of `pixels` with each pixel replaced by pixel(image, x, y),
// rounded and clamped to 0..255.
std::vector<uint8_t> Distorted(std::span<const uint8_t> pixels,
                               const std::function<double(const uint8_t*, int, int)>& pixel) {
  std::vector<uint8_t> out(pixels.size());
  for (size_t first = 0; first < pixels.size(); first += kImagePixels) {
    for (int y = 0; y < kImageSide; ++y) {
      for (int x = 0; x < kImageSide; ++x) {
        const double level = std::round(pixel(pixels.data() + first, x, y));
        out[first + y * kImageSide + x] = static_cast<uint8_t>(std::clamp(level, 0.0, 255.0));
      }
    }
  }
  return out;
}

// The mean of the 3 x 3 neighbourhood of (x, y) inside the image.
double BoxMean(const uint8_t* image, int x, int y) {
  double sum = 0;
  int count = 0;
  for (int dy = -1; dy <= 1; ++dy) {
    for (int dx = -1; dx <= 1; ++dx) {
      const int u = x + dx, v = y + dy;
      if (u < 0 || u >= kImageSide || v < 0 || v >= kImageSide) continue;
      sum += image[v * kImageSide + u];
      ++count;
    }
  }
  return sum / count;
}

// FID of `reference` after each distortion, against the test features.
void PrintDistortions(const FashionClassifier& classifier, std::span<const uint8_t> reference,
                      std::span<const float> test_features, double floor) {
  std::mt19937_64 random(1);
  std::normal_distribution<double> normal;
  const auto at = [](const uint8_t* image, int x, int y) -> double {
    return image[y * kImageSide + x];
  };
  std::vector<std::pair<std::string, std::function<double(const uint8_t*, int, int)>>> kinds;
  for (const double sigma : {2.0, 5.0, 10.0}) {
    kinds.emplace_back(absl::StrFormat("Gaussian noise, sigma %g grey levels", sigma),
                       [&, sigma](const uint8_t* image, int x, int y) {
                         return at(image, x, y) + sigma * normal(random);
                       });
  }
  for (const double share : {0.1, 0.25}) {
    kinds.emplace_back(absl::StrFormat("%g %% of a 3 x 3 box blur", share * 100),
                       [&, share](const uint8_t* image, int x, int y) {
                         return (1 - share) * at(image, x, y) + share * BoxMean(image, x, y);
                       });
  }
  kinds.emplace_back("contrast x 0.9",
                     [&](const uint8_t* image, int x, int y) { return 0.9 * at(image, x, y); });
  kinds.emplace_back("shifted right by one pixel", [&](const uint8_t* image, int x, int y) {
    return x == 0 ? 0.0 : at(image, x - 1, y);
  });
  kinds.emplace_back("16 grey levels", [&](const uint8_t* image, int x, int y) {
    return std::floor(at(image, x, y) / 16) * 16 + 8;
  });
  std::printf("\n| training images (the floor's) | FID | FID / floor |\n|---|---:|---:|\n");
  std::printf("| unchanged | %.2f | 1.0 |\n", floor);
  for (const auto& [name, pixel] : kinds) {
    const std::vector<float> features =
        cli::ValueOrExit(classifier.Features(Distorted(reference, pixel)));
    const double fid = Fid(features, test_features);
    std::printf("| %s | %.2f | %.1f |\n", name.c_str(), fid, fid / floor);
  }
}

std::string Command() {
  return absl::StrCat(
      "aigc-imagegen-eval --model_repository=", absl::GetFlag(FLAGS_model_repository),
      " --model_name=", absl::GetFlag(FLAGS_model_name),
      absl::GetFlag(FLAGS_model_version) > 0
          ? absl::StrCat(" --model_version=", absl::GetFlag(FLAGS_model_version))
          : "",
      " --data_dir=", absl::GetFlag(FLAGS_data_dir),
      " --classifier=", absl::GetFlag(FLAGS_classifier),
      " --per_class=", absl::GetFlag(FLAGS_per_class), " --seed=", absl::GetFlag(FLAGS_seed),
      " --truncation=", absl::GetFlag(FLAGS_truncation),
      " --threads=", absl::GetFlag(FLAGS_threads), " --grid=", absl::GetFlag(FLAGS_grid),
      absl::GetFlag(FLAGS_distortions) ? " --distortions" : "");
}

int Main() {
  const int per_class = absl::GetFlag(FLAGS_per_class);
  if (per_class < 2 || per_class > kTrainPerClass) {
    cli::ExitWithReason(
        absl::StrCat("--per_class must be in [2, ", kTrainPerClass, "], got ", per_class));
  }
  const double truncation = absl::GetFlag(FLAGS_truncation);
  if (!(truncation > 0 && truncation <= kMaxTruncation)) {
    cli::ExitWithReason(absl::StrCat("--truncation must be in (0, 4], got ", truncation));
  }
  const int threads = absl::GetFlag(FLAGS_threads);
  if (threads < 1) cli::ExitWithReason(absl::StrCat("--threads must be >= 1, got ", threads));
  if (absl::Status configured = runtime::ConfigureThreads(threads, 1); !configured.ok()) {
    cli::ExitWithReason(configured.ToString());
  }
  const Stopwatch clock;

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const FashionMnist train = cli::ValueOrExit(LoadFashionMnist(data_dir, Split::kTrain));
  const FashionMnist test = cli::ValueOrExit(LoadFashionMnist(data_dir, Split::kTest));
  const auto classifier =
      cli::ValueOrExit(FashionClassifier::Load(absl::GetFlag(FLAGS_classifier)));
  Progress(clock, absl::StrFormat("loaded %d training and %d test images and the classifier",
                                  train.count(), test.count()));

  RegisterGeneratorArchitecture();
  prometheus::Registry registry;
  runtime::InferenceMetrics metrics(registry);
  const auto repository = cli::ValueOrExit(
      runtime::ModelRepository::Create({.root = absl::GetFlag(FLAGS_model_repository)}, &metrics));
  const std::string model_name = absl::GetFlag(FLAGS_model_name);
  if (absl::Status added = repository->AddModel(model_name, absl::GetFlag(FLAGS_model_version));
      !added.ok()) {
    cli::ExitWithReason(added.ToString());
  }
  const std::shared_ptr<const runtime::LoadedModel> generator = repository->Get(model_name);
  if (generator == nullptr) cli::ExitWithReason(absl::StrCat(model_name, ": no version loaded"));
  Progress(clock, absl::StrFormat("serving %s version %d", model_name, generator->version()));

  // Class-major, image i from seed + i, drawn one class at a time for progress.
  const std::vector<int> labels = ClassMajorLabels(per_class);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  std::vector<uint8_t> generated;
  generated.reserve(labels.size() * kImagePixels);
  for (int label = 0; label < kClasses; ++label) {
    const std::span<const int> class_labels =
        std::span<const int>(labels).subspan(static_cast<size_t>(label) * per_class, per_class);
    const std::vector<uint8_t> images = cli::ValueOrExit(
        DrawImages(*generator->model, class_labels, seed + static_cast<uint64_t>(label) * per_class,
                   static_cast<float>(truncation)));
    generated.insert(generated.end(), images.begin(), images.end());
    Progress(clock, absl::StrFormat("drew %d images of class %d", per_class, label));
  }

  if (const std::string grid_path = absl::GetFlag(FLAGS_grid); !grid_path.empty()) {
    const int columns = std::min(kGridColumns, per_class);
    std::vector<uint8_t> firsts;
    for (int label = 0; label < kClasses; ++label) {
      const auto first =
          generated.begin() + static_cast<std::ptrdiff_t>(label) * per_class * kImagePixels;
      firsts.insert(firsts.end(), first, first + columns * kImagePixels);
    }
    const PixelImage grid = cli::ValueOrExit(SampleGrid(firsts, kClasses, columns));
    const std::string png = cli::ValueOrExit(EncodePng(grid, {}));
    if (absl::Status written = WriteFile(grid_path, png); !written.ok()) {
      cli::ExitWithReason(written.ToString());
    }
    Progress(clock, absl::StrCat("wrote the sample grid ", grid_path));
  }

  const FashionMnist reference = TrainSubset(train, per_class);
  const std::vector<int> test_labels = Labels(test);
  const std::vector<int> reference_labels = Labels(reference);
  const std::vector<float> generated_features = cli::ValueOrExit(classifier->Features(generated));
  const std::vector<float> test_features = cli::ValueOrExit(classifier->Features(test.pixels));
  const std::vector<float> reference_features =
      cli::ValueOrExit(classifier->Features(reference.pixels));
  Progress(clock,
           absl::StrFormat("features of %d generated, %d test and %d training images",
                           static_cast<int>(labels.size()), test.count(), reference.count()));

  const ClassFeatures generated_by_class = SplitByClass(generated_features, labels);
  const ClassFeatures test_by_class = SplitByClass(test_features, test_labels);
  const ClassFeatures reference_by_class = SplitByClass(reference_features, reference_labels);
  const ClassShares consistency =
      cli::ValueOrExit(ClassConsistency(*classifier, generated, labels));
  const ClassShares test_accuracy =
      cli::ValueOrExit(ClassConsistency(*classifier, test.pixels, test_labels));
  const std::array<double, kClasses> diversity =
      cli::ValueOrExit(MeanPairwiseDistance(generated_features, labels, kClassifierFeatures));
  const std::array<double, kClasses> test_diversity =
      cli::ValueOrExit(MeanPairwiseDistance(test_features, test_labels, kClassifierFeatures));
  Progress(clock, "FID, class consistency and diversity done; searching for near-duplicates");

  const NearDuplicateIndex index(train);
  const int every = std::max<int>(1, static_cast<int>(labels.size()) / 10);
  const NoveltyReport novelty =
      cli::ValueOrExit(MeasureNovelty(index, generated, labels, threads, [&](int done) {
        if (done % every == 0) {
          Progress(clock, absl::StrFormat("near-duplicate search: %d/%d images", done,
                                          static_cast<int>(labels.size())));
        }
      }));

  std::vector<Row> rows;
  rows.push_back({.name = "all",
                  .fid = Fid(generated_features, test_features),
                  .fid_floor = Fid(reference_features, test_features),
                  .consistency = consistency.overall,
                  .test_accuracy = test_accuracy.overall,
                  .diversity = Mean(diversity),
                  .test_diversity = Mean(test_diversity),
                  .near_duplicates = novelty.near_duplicates.overall,
                  .median_rms = novelty.median_rms});
  for (int c = 0; c < kClasses; ++c) {
    rows.push_back({.name = absl::StrCat(c, " ", catalog::Categories()[c].name.en),
                    .fid = Fid(generated_by_class.rows[c], test_by_class.rows[c]),
                    .fid_floor = Fid(reference_by_class.rows[c], test_by_class.rows[c]),
                    .consistency = consistency.per_class[c],
                    .test_accuracy = test_accuracy.per_class[c],
                    .diversity = diversity[c],
                    .test_diversity = test_diversity[c],
                    .near_duplicates = novelty.near_duplicates.per_class[c],
                    .median_rms = novelty.median_rms_per_class[c]});
  }
  const double seconds = clock.Seconds();

  absl::PrintF(
      "\n%s version %d, %d images per class (seed %d, truncation %g); features of the "
      "evaluation classifier (%d-d); FID against the %d test images, its floor from %d "
      "training images per class; \"all\" diversity is the mean of the classes'; "
      "near-duplicate: nearest training image of the class at rms < %g.\n\n",
      model_name, generator->version(), per_class, seed, truncation, kClassifierFeatures,
      test.count(), per_class, kNearDuplicateRms);
  absl::PrintF(
      "| class | FID | FID floor (train) | FID / floor | class consistency | classifier accuracy "
      "(test) | diversity | diversity (test) | diversity ratio | near-duplicates (rms < %g) | "
      "median nearest rms |\n",
      kNearDuplicateRms);
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& row : rows) PrintRow(row);
  if (absl::GetFlag(FLAGS_distortions)) {
    PrintDistortions(*classifier, reference.pixels, test_features, rows.front().fid_floor);
  }
  absl::PrintF("\n%.0f s on %d threads: %s\n", seconds, threads, Command());
  return 0;
}

}  // namespace
}  // namespace aigc::imagegen

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Evaluates a served version of the Fashion-MNIST image generator: FID on the evaluation "
      "classifier's features (with the floor of real training images), class consistency, "
      "per-class diversity against real images and the near-duplicate rate against the "
      "training set, as a Markdown table; writes a 10 x 10 sample grid.\n"
      "Usage: aigc-imagegen-eval [--model_repository=models] [--model_name=imagegen-generator] "
      "[--per_class=1000] [--seed=1] [--truncation=2.0] [--grid=FILE] [--distortions]");
  return aigc::imagegen::Main();
}
