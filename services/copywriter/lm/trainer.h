// Trains a LanguageModel on prompt → completion examples: AdamW (betas 0.9
// and 0.95), linear warm-up then cosine decay, gradient clipping, checkpoints
// that resume exactly. Training runs on the model's device.
//
// All randomness of step s (which examples form the batch, the dropout
// masks) is drawn from generators seeded by (seed, s). A run is therefore
// reproducible from the seed, and a resumed run continues exactly like the
// uninterrupted one (on the CPU; CUDA kernels may differ in the last bits).
#ifndef AIGC_SERVICES_COPYWRITER_LM_TRAINER_H_
#define AIGC_SERVICES_COPYWRITER_LM_TRAINER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/copywriter/lm/language_model.h"

namespace aigc::copy_lm {

// One training sequence: the prompt followed by its completion. The model
// reads tokens[0 .. n-2] and learns to predict tokens[loss_start .. n-1]:
// loss_start is the index of the first completion token, so prompt tokens
// are context only. Valid when 2 <= n <= context_length + 1 (the last token
// is only a target; longer examples are rejected, not truncated, since
// cutting a completion would teach the model to stop mid-sentence), every
// token is in [0, vocab_size) and 1 <= loss_start <= n - 1.
struct TrainingExample {
  std::vector<int32_t> tokens;
  int32_t loss_start = 1;
};

struct TrainProgress {
  // Steps completed so far (counting those before a resume).
  int step = 0;
  // Mean training loss (nats per completion token) of the steps since the
  // previous report; NaN when none ran (a resume of a finished run).
  float train_loss = 0;
  // Loss on the validation examples now; unset without validation examples.
  std::optional<float> validation_loss;
  // Non-padding input tokens processed per second in this run.
  double tokens_per_second = 0;
  // Seconds since this run started.
  double elapsed_seconds = 0;
};

struct TrainOptions {
  // Total optimiser steps, counting those a resumed checkpoint already made.
  int steps = 1000;
  // Examples per step, drawn uniformly with replacement.
  int batch_size = 16;
  // Peak learning rate, reached after warmup_steps (linear warm-up), then
  // decayed along a cosine to min_learning_rate at the last step.
  float learning_rate = 1e-3f;
  int warmup_steps = 100;
  float min_learning_rate = 1e-4f;
  // AdamW weight decay, applied to weight matrices and embeddings only (not
  // to biases and LayerNorm parameters).
  float weight_decay = 0.01f;
  // Maximum global gradient norm; 0 = no clipping.
  float grad_clip = 1.0f;
  uint64_t seed = 1;
  // Fills batches after each sequence's end (never a target).
  int32_t pad_id = 0;
  // Where checkpoints go (model, optimiser state, step); empty = none.
  std::string checkpoint_path;
  // Write a checkpoint every this many steps (0 = only at the end or when
  // stopped); needs checkpoint_path.
  int checkpoint_every = 0;
  // Continue from checkpoint_path when that file exists (start afresh when it
  // does not). The model given is overwritten with the checkpoint's weights;
  // its config must match.
  bool resume = false;
  // Report progress (and compute the validation loss) every this many steps
  // and after the last; 0 = only after the last.
  int eval_every = 100;
  // Called with each report, on the training thread.
  std::function<void(const TrainProgress&)> progress;
  // Polled before every step; returning true stops training (after writing a
  // checkpoint when checkpoint_path is set) with CANCELLED.
  std::function<bool()> should_stop;
};

struct TrainResult {
  // Step the run started from (> 0 after a resume) and the last step done.
  int start_step = 0;
  int final_step = 0;
  // The last report (see TrainProgress).
  TrainProgress last;
};

// Trains `model` in place. INVALID_ARGUMENT for bad options or an invalid
// example (the message names it, e.g. "train[3].loss_start: ..."), or an
// empty training set; FAILED_PRECONDITION when a checkpoint does not fit the
// model; NOT_FOUND/DATA_LOSS for an unreadable checkpoint; INTERNAL naming the
// step when the loss becomes NaN or infinite; CANCELLED when should_stop says
// so. On error the model holds the weights of the last completed step.
absl::StatusOr<TrainResult> TrainLanguageModel(LanguageModel& model,
                                               const std::vector<TrainingExample>& train,
                                               const std::vector<TrainingExample>& validation,
                                               const TrainOptions& options);

// Mean cross-entropy (nats per completion token) of `model` on `examples`,
// the loss training minimises, without dropout. INVALID_ARGUMENT for an
// empty set or an invalid example, or a bad pad_id/batch_size.
absl::StatusOr<float> EvaluateLoss(const LanguageModel& model,
                                   const std::vector<TrainingExample>& examples, int32_t pad_id,
                                   int batch_size = 32);

}  // namespace aigc::copy_lm

#endif  // AIGC_SERVICES_COPYWRITER_LM_TRAINER_H_
