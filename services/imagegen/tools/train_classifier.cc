// aigc-train-fmnist-classifier: trains the Fashion-MNIST CNN that evaluates
// the image generator (class consistency, FID features) on the training
// split, reports its test accuracy and writes the weights.
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/cli/cli.h"
#include "common/runtime/device.h"
#include "services/imagegen/classifier/fmnist_classifier.h"
#include "services/imagegen/data/fashion_mnist.h"

ABSL_FLAG(std::string, data_dir, aigc::imagegen::kFashionMnistDir,
          "Directory with the Fashion-MNIST IDX files (Debian's dataset-fashion-mnist).");
ABSL_FLAG(std::string, out, "models/fmnist-classifier/classifier.pt",
          "Where to write the weights (directories are created).");
ABSL_FLAG(int, epochs, 3, "Passes over the 60,000 training images.");
ABSL_FLAG(int, batch_size, 128, "Images per training step.");
ABSL_FLAG(double, learning_rate, 1e-3, "Adam learning rate.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the weights and the shuffling.");
ABSL_FLAG(int, threads, 2, "LibTorch intra-op threads.");
ABSL_FLAG(int, progress_every, 100, "Print the loss every N steps (0 = only per epoch).");

namespace aigc::imagegen {
namespace {

int Main() {
  if (absl::Status threads = runtime::ConfigureThreads(absl::GetFlag(FLAGS_threads), 1);
      !threads.ok()) {
    cli::ExitWithReason(threads.ToString());
  }
  const std::string dir = absl::GetFlag(FLAGS_data_dir);
  const FashionMnist train = cli::ValueOrExit(LoadFashionMnist(dir, Split::kTrain));
  const FashionMnist test = cli::ValueOrExit(LoadFashionMnist(dir, Split::kTest));
  std::printf("Fashion-MNIST: %d training and %d test images\n", train.count(), test.count());

  auto classifier = FashionClassifier::Create(absl::GetFlag(FLAGS_seed));
  const int every = absl::GetFlag(FLAGS_progress_every);
  const absl::Time start = absl::Now();
  double epoch_loss = 0;
  const absl::Status trained = classifier->Train(
      train, {.epochs = absl::GetFlag(FLAGS_epochs),
              .batch_size = absl::GetFlag(FLAGS_batch_size),
              .learning_rate = absl::GetFlag(FLAGS_learning_rate),
              .seed = absl::GetFlag(FLAGS_seed),
              .on_step = [&](const ClassifierProgress& p) {
                epoch_loss += p.loss;
                if (every > 0 && p.step % every == 0) {
                  std::printf("epoch %d step %d/%d loss %.4f (%.0f s)\n", p.epoch, p.step,
                              p.steps_per_epoch, p.loss,
                              absl::ToDoubleSeconds(absl::Now() - start));
                  std::fflush(stdout);
                }
                if (p.step == p.steps_per_epoch) {
                  std::printf("epoch %d done: mean loss %.4f\n", p.epoch,
                              epoch_loss / p.steps_per_epoch);
                  epoch_loss = 0;
                }
              }});
  if (!trained.ok()) cli::ExitWithReason(trained.ToString());
  const double accuracy = cli::ValueOrExit(classifier->Accuracy(test));
  const double train_accuracy = cli::ValueOrExit(classifier->Accuracy(train));
  std::printf("test accuracy %.4f (train %.4f) after %.0f s\n", accuracy, train_accuracy,
              absl::ToDoubleSeconds(absl::Now() - start));

  const std::filesystem::path out = absl::GetFlag(FLAGS_out);
  std::error_code error;
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), error);
  if (absl::Status saved = classifier->Save(out); !saved.ok()) cli::ExitWithReason(saved.ToString());
  std::printf("wrote %s\n", out.c_str());
  return 0;
}

}  // namespace
}  // namespace aigc::imagegen

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Trains the Fashion-MNIST CNN used to evaluate the image generator and "
                        "reports its test accuracy.\nUsage: aigc-train-fmnist-classifier "
                        "[--epochs=3] [--out=models/fmnist-classifier/classifier.pt]");
  return aigc::imagegen::Main();
}
