// aigc-train-imagegen: trains the class-conditional generator (conditional
// DCGAN, services/imagegen/gan) on the Fashion-MNIST training split, with
// progress lines, the weights written after every epoch (a checkpoint that
// --resume_from continues from; the optimisers restart), a 10 x 10 sample
// grid PNG per epoch (one row per class) and, with the evaluation
// classifier, the share of 1,000 generated images it assigns to the
// requested class and the FID of 5,000 generated images to as many training
// images (the test split is left to aigc-imagegen-eval).
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/cli/cli.h"
#include "common/runtime/device.h"
#include "common/status/status.h"
#include "services/imagegen/classifier/fmnist_classifier.h"
#include "services/imagegen/data/fashion_mnist.h"
#include "services/imagegen/eval/frechet_distance.h"
#include "services/imagegen/eval/generator_metrics.h"
#include "services/imagegen/eval/sample_grid.h"
#include "services/imagegen/gan/conditional_gan.h"
#include "services/imagegen/gan/generator_model.h"
#include "services/imagegen/png/png_codec.h"

ABSL_FLAG(std::string, data_dir, aigc::imagegen::kFashionMnistDir,
          "Directory with the Fashion-MNIST IDX files (Debian's dataset-fashion-mnist).");
ABSL_FLAG(std::string, out, "models/imagegen/generator.pt",
          "Where the weights are written after every epoch (directories are created).");
ABSL_FLAG(std::string, resume_from, "", "Start from these weights instead of fresh ones.");
ABSL_FLAG(std::string, samples_dir, "data/imagegen/samples",
          "Where the per-epoch sample grids go (epoch_NN.png); empty = none.");
ABSL_FLAG(std::string, classifier, "models/fmnist-classifier/classifier.pt",
          "Evaluation classifier for the per-epoch class consistency and FID; empty = skip.");
ABSL_FLAG(std::string, model_repository, "models",
          "Model repository the trained generator is published to as a new version of "
          "--model_name (what aigc-imagegen serves); empty = do not publish.");
ABSL_FLAG(std::string, model_name, aigc::imagegen::kGeneratorModelName,
          "Name of the generator in --model_repository.");
ABSL_FLAG(int, epochs, 15,
          "Passes over the 60,000 training images; 0 with --resume_from publishes those "
          "weights without training.");
ABSL_FLAG(int, batch_size, 64, "Images per step.");
ABSL_FLAG(double, learning_rate, 2e-4, "Adam learning rate of both networks.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the weights, the shuffling and the noise.");
ABSL_FLAG(int, threads, 2, "LibTorch intra-op threads.");
ABSL_FLAG(int, progress_every, 200, "Print the losses every N steps (0 = per epoch only).");

namespace aigc::imagegen {
namespace {

constexpr int kGridSeeds = 10;
constexpr int kConsistencyPerClass = 100;

// One row per class, kGridSeeds images each (seeds 1000 + column).
absl::Status WriteGrid(const ConditionalGan& gan, const std::filesystem::path& path) {
  std::vector<uint8_t> images;
  for (int label = 0; label < kClasses; ++label) {
    const std::vector<int> labels(kGridSeeds, label);
    AIGC_ASSIGN_OR_RETURN(const std::vector<uint8_t> row, gan.Generate(labels, /*seed=*/1000));
    images.insert(images.end(), row.begin(), row.end());
  }
  AIGC_ASSIGN_OR_RETURN(const PixelImage grid, SampleGrid(images, kClasses, kGridSeeds));
  AIGC_ASSIGN_OR_RETURN(const std::string png, EncodePng(grid, {}));
  return WriteFile(path, png);
}

// Share of generated images the classifier assigns to the requested class.
absl::StatusOr<double> GeneratedClassConsistency(const ConditionalGan& gan,
                                                 const FashionClassifier& classifier) {
  const std::vector<int> labels = ClassMajorLabels(kConsistencyPerClass);
  AIGC_ASSIGN_OR_RETURN(const std::vector<uint8_t> images, gan.Generate(labels, /*seed=*/5000));
  AIGC_ASSIGN_OR_RETURN(const ClassShares consistency,
                        ClassConsistency(classifier, images, labels));
  return consistency.overall;
}

// Watches training without touching the test split: the Fréchet distance of
// kMonitorPerClass generated images per class to as many training images, on
// the evaluation classifier's features.
class FidMonitor {
 public:
  static absl::StatusOr<FidMonitor> Create(const FashionClassifier& classifier,
                                           const FashionMnist& train) {
    std::vector<uint8_t> reference;
    std::array<int, kClasses> taken{};
    for (int i = 0; i < train.count(); ++i) {
      if (taken[train.labels[i]]++ >= kMonitorPerClass) continue;
      const auto image = std::span(train.pixels).subspan(i * kImagePixels, kImagePixels);
      reference.insert(reference.end(), image.begin(), image.end());
    }
    AIGC_ASSIGN_OR_RETURN(std::vector<float> features, classifier.Features(reference));
    return FidMonitor(classifier, std::move(features));
  }

  absl::StatusOr<double> Distance(const ConditionalGan& gan) const {
    AIGC_ASSIGN_OR_RETURN(const std::vector<uint8_t> images,
                          gan.Generate(ClassMajorLabels(kMonitorPerClass), /*seed=*/9000));
    AIGC_ASSIGN_OR_RETURN(const std::vector<float> features, classifier_->Features(images));
    return FrechetDistance(features, reference_, kClassifierFeatures);
  }

 private:
  static constexpr int kMonitorPerClass = 500;

  FidMonitor(const FashionClassifier& classifier, std::vector<float> reference)
      : classifier_(&classifier), reference_(std::move(reference)) {}

  const FashionClassifier* classifier_;
  std::vector<float> reference_;
};

// Trains `gan` for --epochs, writing the checkpoint, a sample grid and the
// class consistency and FID after every epoch. Exits on failure.
void Train(ConditionalGan& gan, const FashionMnist& train, const FashionClassifier* classifier,
           const std::filesystem::path& out, const std::filesystem::path& samples) {
  std::printf("training on %d images\n", train.count());
  std::optional<FidMonitor> monitor;
  if (classifier != nullptr) monitor = cli::ValueOrExit(FidMonitor::Create(*classifier, train));
  const int every = absl::GetFlag(FLAGS_progress_every);
  const absl::Time start = absl::Now();
  const absl::Status trained = gan.Train(
      train,
      {.epochs = absl::GetFlag(FLAGS_epochs),
       .batch_size = absl::GetFlag(FLAGS_batch_size),
       .learning_rate = absl::GetFlag(FLAGS_learning_rate),
       .seed = absl::GetFlag(FLAGS_seed),
       .on_step =
           [&](const GanProgress& p) {
             if (every > 0 && p.step % every == 0) {
               std::printf("epoch %d step %d/%d  D loss %.3f  G loss %.3f  (%.0f s)\n", p.epoch,
                           p.step, p.steps_per_epoch, p.discriminator_loss, p.generator_loss,
                           absl::ToDoubleSeconds(absl::Now() - start));
               std::fflush(stdout);
             }
           },
       .on_epoch = [&](int epoch) -> absl::Status {
         AIGC_RETURN_IF_ERROR(gan.Save(out));
         std::string line = absl::StrFormat("epoch %d done (%.0f s): wrote %s", epoch,
                                            absl::ToDoubleSeconds(absl::Now() - start),
                                            out.string());
         if (!samples.empty()) {
           const std::filesystem::path grid = samples / absl::StrFormat("epoch_%02d.png", epoch);
           AIGC_RETURN_IF_ERROR(WriteGrid(gan, grid));
           absl::StrAppend(&line, ", ", grid.string());
         }
         if (classifier != nullptr) {
           AIGC_ASSIGN_OR_RETURN(const double consistency,
                                 GeneratedClassConsistency(gan, *classifier));
           AIGC_ASSIGN_OR_RETURN(const double distance, monitor->Distance(gan));
           absl::StrAppend(&line, absl::StrFormat("; class consistency %.3f, FID to training "
                                                  "images %.2f",
                                                  consistency, distance));
         }
         std::printf("%s\n", line.c_str());
         std::fflush(stdout);
         return absl::OkStatus();
       }});
  if (!trained.ok()) cli::ExitWithReason(trained.ToString());
}

// Publishes the generator as the next version of --model_name, with the
// command that trained it and its class consistency in the manifest.
void Publish(const ConditionalGan& gan, const FashionClassifier* classifier,
             const std::string& command) {
  const std::string repository = absl::GetFlag(FLAGS_model_repository);
  if (repository.empty()) return;
  runtime::ModelManifest manifest;
  manifest.set_name(absl::GetFlag(FLAGS_model_name));
  manifest.set_description(
      "Class-conditional Fashion-MNIST generator (conditional DCGAN), 28 x 28 grey images.");
  manifest.set_created_by(command);
  if (classifier != nullptr) {
    const double consistency = cli::ValueOrExit(GeneratedClassConsistency(gan, *classifier));
    (*(*manifest.mutable_config()->mutable_fields())["metrics"]
          .mutable_struct_value()
          ->mutable_fields())["class_consistency"]
        .set_number_value(consistency);
  }
  std::error_code error;
  std::filesystem::create_directories(repository, error);
  const runtime::ModelManifest published = cli::ValueOrExit(gan.Publish(repository, manifest));
  std::printf("published %s version %lld to %s\n", published.name().c_str(),
              static_cast<long long>(published.version()), repository.c_str());
}

// The training command as the manifest records it.
std::string TrainingCommand() {
  return absl::StrFormat(
      "aigc-train-imagegen --epochs=%d --batch_size=%d --learning_rate=%g --seed=%d%s",
      absl::GetFlag(FLAGS_epochs), absl::GetFlag(FLAGS_batch_size),
      absl::GetFlag(FLAGS_learning_rate), absl::GetFlag(FLAGS_seed),
      absl::GetFlag(FLAGS_resume_from).empty()
          ? ""
          : absl::StrCat(" --resume_from=", absl::GetFlag(FLAGS_resume_from)));
}

int Main() {
  if (absl::Status threads = runtime::ConfigureThreads(absl::GetFlag(FLAGS_threads), 1);
      !threads.ok()) {
    cli::ExitWithReason(threads.ToString());
  }
  const std::string resume = absl::GetFlag(FLAGS_resume_from);
  const int epochs = absl::GetFlag(FLAGS_epochs);
  if (epochs < 0 || (epochs == 0 && resume.empty())) {
    cli::ExitWithReason("--epochs must be >= 1, or 0 with --resume_from (publish only)");
  }
  std::unique_ptr<ConditionalGan> gan = resume.empty()
                                            ? ConditionalGan::Create(absl::GetFlag(FLAGS_seed))
                                            : cli::ValueOrExit(ConditionalGan::Load(resume));
  std::unique_ptr<FashionClassifier> classifier;
  if (const std::string path = absl::GetFlag(FLAGS_classifier); !path.empty()) {
    classifier = cli::ValueOrExit(FashionClassifier::Load(path));
  }
  if (epochs > 0) {
    const FashionMnist train =
        cli::ValueOrExit(LoadFashionMnist(absl::GetFlag(FLAGS_data_dir), Split::kTrain));
    const std::filesystem::path out = absl::GetFlag(FLAGS_out);
    const std::filesystem::path samples = absl::GetFlag(FLAGS_samples_dir);
    std::error_code error;
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), error);
    if (!samples.empty()) std::filesystem::create_directories(samples, error);
    Train(*gan, train, classifier.get(), out, samples);
  }
  Publish(*gan, classifier.get(), TrainingCommand());
  return 0;
}

}  // namespace
}  // namespace aigc::imagegen

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Trains the class-conditional Fashion-MNIST generator (conditional "
                        "DCGAN) with per-epoch checkpoints, sample grids and class "
                        "consistency.\nUsage: aigc-train-imagegen [--epochs=15] "
                        "[--out=models/imagegen/generator.pt] [--resume_from=FILE] [--model_repository=models]");
  return aigc::imagegen::Main();
}
