// aigc-train-imagegen: trains the class-conditional generator (conditional
// DCGAN, services/imagegen/gan) on the Fashion-MNIST training split, with
// progress lines, the weights written after every epoch (a checkpoint that
// --resume_from continues from; the optimisers restart), a 10 x 10 sample
// grid PNG per epoch (one row per class) and, with the evaluation
// classifier, the share of 1,000 generated images it assigns to the
// requested class.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/cli/cli.h"
#include "common/runtime/device.h"
#include "services/imagegen/classifier/fmnist_classifier.h"
#include "services/imagegen/data/fashion_mnist.h"
#include "services/imagegen/gan/conditional_gan.h"
#include "services/imagegen/png/png_codec.h"

ABSL_FLAG(std::string, data_dir, aigc::imagegen::kFashionMnistDir,
          "Directory with the Fashion-MNIST IDX files (Debian's dataset-fashion-mnist).");
ABSL_FLAG(std::string, out, "models/imagegen/generator.pt",
          "Where the weights are written after every epoch (directories are created).");
ABSL_FLAG(std::string, resume_from, "", "Start from these weights instead of fresh ones.");
ABSL_FLAG(std::string, samples_dir, "data/imagegen/samples",
          "Where the per-epoch sample grids go (epoch_NN.png); empty = none.");
ABSL_FLAG(std::string, classifier, "models/fmnist-classifier/classifier.pt",
          "Evaluation classifier for the per-epoch class consistency; empty = skip.");
ABSL_FLAG(int, epochs, 15, "Passes over the 60,000 training images.");
ABSL_FLAG(int, batch_size, 64, "Images per step.");
ABSL_FLAG(double, learning_rate, 2e-4, "Adam learning rate of both networks.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the weights, the shuffling and the noise.");
ABSL_FLAG(int, threads, 2, "LibTorch intra-op threads.");
ABSL_FLAG(int, progress_every, 200, "Print the losses every N steps (0 = per epoch only).");

namespace aigc::imagegen {
namespace {

constexpr int kGridSeeds = 10;
constexpr int kConsistencyPerClass = 100;

// One row per class, kGridSeeds images each.
absl::Status WriteGrid(const ConditionalGan& gan, const std::filesystem::path& path) {
  PixelImage grid{kGridSeeds * kImageSide, kClasses * kImageSide, 1, {}};
  grid.pixels.resize(static_cast<size_t>(grid.width) * grid.height);
  for (int label = 0; label < kClasses; ++label) {
    const std::vector<int> labels(kGridSeeds, label);
    absl::StatusOr<std::vector<uint8_t>> images = gan.Generate(labels, /*seed=*/1000);
    if (!images.ok()) return images.status();
    for (int n = 0; n < kGridSeeds; ++n) {
      for (int y = 0; y < kImageSide; ++y) {
        for (int x = 0; x < kImageSide; ++x) {
          grid.pixels[static_cast<size_t>(label * kImageSide + y) * grid.width + n * kImageSide + x] =
              (*images)[static_cast<size_t>(n) * kImagePixels + y * kImageSide + x];
        }
      }
    }
  }
  absl::StatusOr<std::string> png = EncodePng(grid, {});
  if (!png.ok()) return png.status();
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return absl::InternalError(absl::StrCat(path.string(), ": cannot write"));
  const bool written = std::fwrite(png->data(), 1, png->size(), file) == png->size();
  std::fclose(file);
  if (!written) return absl::InternalError(absl::StrCat(path.string(), ": short write"));
  return absl::OkStatus();
}

// Share of generated images the classifier assigns to the requested class.
absl::StatusOr<double> ClassConsistency(const ConditionalGan& gan,
                                        const FashionClassifier& classifier) {
  std::vector<int> labels;
  for (int label = 0; label < kClasses; ++label) {
    labels.insert(labels.end(), kConsistencyPerClass, label);
  }
  absl::StatusOr<std::vector<uint8_t>> images = gan.Generate(labels, /*seed=*/5000);
  if (!images.ok()) return images.status();
  absl::StatusOr<std::vector<int>> predicted = classifier.Classify(*images);
  if (!predicted.ok()) return predicted.status();
  int agree = 0;
  for (size_t i = 0; i < labels.size(); ++i) agree += (*predicted)[i] == labels[i];
  return static_cast<double>(agree) / labels.size();
}

int Main() {
  if (absl::Status threads = runtime::ConfigureThreads(absl::GetFlag(FLAGS_threads), 1);
      !threads.ok()) {
    cli::ExitWithReason(threads.ToString());
  }
  const FashionMnist train =
      cli::ValueOrExit(LoadFashionMnist(absl::GetFlag(FLAGS_data_dir), Split::kTrain));
  const std::string resume = absl::GetFlag(FLAGS_resume_from);
  std::unique_ptr<ConditionalGan> gan = resume.empty()
                                            ? ConditionalGan::Create(absl::GetFlag(FLAGS_seed))
                                            : cli::ValueOrExit(ConditionalGan::Load(resume));
  std::unique_ptr<FashionClassifier> classifier;
  if (const std::string path = absl::GetFlag(FLAGS_classifier); !path.empty()) {
    classifier = cli::ValueOrExit(FashionClassifier::Load(path));
  }
  const std::filesystem::path out = absl::GetFlag(FLAGS_out);
  const std::filesystem::path samples = absl::GetFlag(FLAGS_samples_dir);
  std::error_code error;
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), error);
  if (!samples.empty()) std::filesystem::create_directories(samples, error);
  std::printf("training on %d images%s\n", train.count(),
              resume.empty() ? "" : absl::StrCat(" from ", resume).c_str());

  const int every = absl::GetFlag(FLAGS_progress_every);
  const absl::Time start = absl::Now();
  const absl::Status trained = gan->Train(
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
         if (absl::Status saved = gan->Save(out); !saved.ok()) return saved;
         std::string line = absl::StrFormat("epoch %d done (%.0f s): wrote %s", epoch,
                                            absl::ToDoubleSeconds(absl::Now() - start),
                                            out.string());
         if (!samples.empty()) {
           const std::filesystem::path grid = samples / absl::StrFormat("epoch_%02d.png", epoch);
           if (absl::Status written = WriteGrid(*gan, grid); !written.ok()) return written;
           absl::StrAppend(&line, ", ", grid.string());
         }
         if (classifier != nullptr) {
           absl::StatusOr<double> consistency = ClassConsistency(*gan, *classifier);
           if (!consistency.ok()) return consistency.status();
           absl::StrAppend(&line, absl::StrFormat("; class consistency %.3f", *consistency));
         }
         std::printf("%s\n", line.c_str());
         std::fflush(stdout);
         return absl::OkStatus();
       }});
  if (!trained.ok()) cli::ExitWithReason(trained.ToString());
  return 0;
}

}  // namespace
}  // namespace aigc::imagegen

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Trains the class-conditional Fashion-MNIST generator (conditional "
                        "DCGAN) with per-epoch checkpoints, sample grids and class "
                        "consistency.\nUsage: aigc-train-imagegen [--epochs=15] "
                        "[--out=models/imagegen/generator.pt] [--resume_from=FILE]");
  return aigc::imagegen::Main();
}
