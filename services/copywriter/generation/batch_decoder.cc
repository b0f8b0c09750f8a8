#include "services/copywriter/generation/batch_decoder.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/copywriter/sampling/stop_matcher.h"
#include "services/copywriter/tokenizer/tokenizer.h"

namespace aigc::copywriter {
namespace {

// One candidate being decoded.
struct Decoding {
  GeneratedText result;
  std::unique_ptr<copy_lm::DecodeState> state;
  std::unique_ptr<Sampler> sampler;
  std::unique_ptr<StopMatcher> stop;
  std::unique_ptr<StreamingDecoder> decoder;
  std::vector<float> logits;    // for the next token
  std::vector<int32_t> tokens;  // sampled, <|eos|> excluded
  double logprob_sum = 0;
  int sampled = 0;  // tokens drawn, <|eos|> included
  int unreported = 0;  // tokens sampled since the last delta
  bool done = false;
};

// Prompts the prefix cache keeps (each costs one decode state: 0.8 MB for the
// committed model), and the shortest prefix worth copying.
constexpr int kPrefixCacheEntries = 32;
constexpr int kMinSharedPrefixTokens = 8;

absl::Status ValidateRequest(const GenerationRequest& request, int context_length) {
  AIGC_RETURN_IF_ERROR(ValidateSamplingConfig(request.sampling));
  if (request.max_tokens < 1 || request.max_tokens > kMaxGeneratedTokens) {
    return status::InvalidField("max_tokens", absl::StrCat("must be in [1, ", kMaxGeneratedTokens,
                                                           "], got ", request.max_tokens));
  }
  if (request.n < 1 || request.n > kMaxCandidates) {
    return status::InvalidField(
        "n", absl::StrCat("must be in [1, ", kMaxCandidates, "], got ", request.n));
  }
  if (request.prompt.empty()) return status::InvalidField("prompt", "must not be empty");
  if (static_cast<int>(request.prompt.size()) >= context_length) {
    return absl::OutOfRangeError(absl::StrCat("prompt: ", request.prompt.size(),
                                              " tokens leave no room in the context of ",
                                              context_length));
  }
  return absl::OkStatus();
}

}  // namespace

struct BatchDecoder::Job {
  GenerationJob spec;
  std::vector<Decoding> candidates;
  // The prompt's tokens candidates[0] has still to compute (after the
  // prefix it copied from the cache); empty once the prompt is in.
  std::vector<int32_t> unread_prompt;

  // Ends `candidate`, releasing the text its decoder and stop matcher held.
  void Finish(Decoding& candidate, FinishReason reason) {
    std::string tail;
    if (reason != FinishReason::kStopSequence) {
      const StopMatcher::Update update = candidate.stop->Push(candidate.decoder->Flush());
      tail = update.text;
      if (update.stopped) {
        reason = FinishReason::kStopSequence;
      } else {
        tail += candidate.stop->Flush();
      }
    }
    Emit(candidate, tail);
    candidate.result.finish = reason;
    candidate.result.token_count = static_cast<int>(candidate.tokens.size());
    candidate.result.score = candidate.sampled == 0 ? 0 : candidate.logprob_sum / candidate.sampled;
    candidate.done = true;
  }

  void Emit(Decoding& candidate, const std::string& text) {
    if (text.empty()) return;
    candidate.result.text += text;
    if (spec.on_delta) spec.on_delta(candidate.result.index, text, candidate.unreported);
    candidate.unreported = 0;
  }

  // Samples the next token of `candidate`; false when the candidate ended.
  absl::StatusOr<bool> Sample(Decoding& candidate) {
    AIGC_ASSIGN_OR_RETURN(const SampledToken token,
                          candidate.sampler->Pick(candidate.logits, candidate.tokens));
    candidate.logprob_sum += token.logprob;
    ++candidate.sampled;
    if (token.id == spec.model->specials().end) {
      Finish(candidate, FinishReason::kEnd);
      return false;
    }
    candidate.tokens.push_back(token.id);
    ++candidate.unreported;
    AIGC_ASSIGN_OR_RETURN(const std::string delta, candidate.decoder->Push(token.id));
    const StopMatcher::Update update = candidate.stop->Push(delta);
    Emit(candidate, update.text);
    if (update.stopped) {
      Finish(candidate, FinishReason::kStopSequence);
      return false;
    }
    const int context_length = spec.model->lm().config().context_length;
    if (static_cast<int>(candidate.tokens.size()) >= spec.request.max_tokens ||
        candidate.state->length() >= context_length) {
      Finish(candidate, FinishReason::kLength);
      return false;
    }
    return true;
  }

  bool AllDone() const {
    for (const Decoding& candidate : candidates) {
      if (!candidate.done) return false;
    }
    return true;
  }

  std::vector<GeneratedText> Results() {
    std::vector<GeneratedText> results;
    for (Decoding& candidate : candidates) results.push_back(std::move(candidate.result));
    return results;
  }
};

BatchDecoder::BatchDecoder() : prefix_cache_(kPrefixCacheEntries, kMinSharedPrefixTokens) {}
BatchDecoder::~BatchDecoder() = default;

absl::Status BatchDecoder::Add(GenerationJob spec) {
  const copy_lm::LanguageModel& lm = spec.model->lm();
  AIGC_RETURN_IF_ERROR(ValidateRequest(spec.request, lm.config().context_length));
  auto job = std::make_unique<Job>();
  const GenerationRequest& request = spec.request;
  job->candidates.resize(request.n);
  for (int i = 0; i < request.n; ++i) {
    Decoding& candidate = job->candidates[i];
    candidate.result.index = i;
    candidate.result.seed = request.seed + static_cast<uint64_t>(i);
    candidate.state = lm.NewDecodeState();
    AIGC_ASSIGN_OR_RETURN(candidate.sampler,
                          Sampler::Create(request.sampling, candidate.result.seed));
    AIGC_ASSIGN_OR_RETURN(candidate.stop, StopMatcher::Create(request.stop));
    candidate.decoder = std::make_unique<StreamingDecoder>(spec.model->tokenizer());
  }
  // The prompt is computed once, in the next Step together with the other
  // jobs' tokens, from the longest cached prefix when there is one; the
  // other candidates then copy the result.
  int cached = 0;
  if (const std::optional<PrefixCache::Hit> hit = prefix_cache_.Find(lm, request.prompt)) {
    AIGC_RETURN_IF_ERROR(lm.CopyState(*hit->state, hit->length, *job->candidates[0].state));
    cached = hit->length;
  }
  job->unread_prompt.assign(request.prompt.begin() + cached, request.prompt.end());
  job->spec = std::move(spec);
  jobs_.push_back(std::move(job));
  return absl::OkStatus();
}

absl::Status BatchDecoder::FinishPrompt(Job& job, std::vector<float> logits) {
  const copy_lm::LanguageModel& lm = job.spec.model->lm();
  const copy_lm::DecodeState& first = *job.candidates[0].state;
  job.unread_prompt.clear();
  AIGC_RETURN_IF_ERROR(
      prefix_cache_.Insert(lm, job.spec.model_owner, job.spec.request.prompt, first));
  for (size_t i = 1; i < job.candidates.size(); ++i) {
    AIGC_RETURN_IF_ERROR(lm.CopyState(first, first.length(), *job.candidates[i].state));
    job.candidates[i].logits = logits;
  }
  job.candidates[0].logits = std::move(logits);
  return absl::OkStatus();
}

void BatchDecoder::Step() {
  // Sample every unfinished candidate; those that go on need a model step,
  // and so do the prompts of new jobs: one step per model (a hot reload may
  // leave two versions decoding) computes both.
  struct Pending {
    Job* job;
    Decoding* candidate;
  };
  std::map<const copy_lm::LanguageModel*, std::vector<Pending>> by_model;
  std::map<Job*, absl::Status> errors;
  for (auto& job : jobs_) {
    const bool stop = job->spec.should_stop && job->spec.should_stop();
    const bool prompt_due = !job->unread_prompt.empty();
    for (Decoding& candidate : job->candidates) {
      if (candidate.done) continue;
      if (stop) {
        job->Finish(candidate, FinishReason::kCancelled);
        continue;
      }
      if (prompt_due) {
        by_model[&job->spec.model->lm()].push_back({job.get(), &job->candidates[0]});
        break;
      }
      absl::StatusOr<bool> going = job->Sample(candidate);
      if (!going.ok()) {
        errors.emplace(job.get(), going.status());
        break;
      }
      if (*going) by_model[&job->spec.model->lm()].push_back({job.get(), &candidate});
    }
  }
  for (auto& [lm, pending] : by_model) {
    std::vector<copy_lm::DecodeState*> states;
    std::vector<std::vector<int32_t>> chunks;
    for (const Pending& p : pending) {
      states.push_back(p.candidate->state.get());
      chunks.push_back(p.job->unread_prompt.empty()
                           ? std::vector<int32_t>{p.candidate->tokens.back()}
                           : p.job->unread_prompt);
    }
    absl::StatusOr<copy_lm::LogitsBatch> logits = lm->Extend(states, chunks);
    for (size_t k = 0; k < pending.size(); ++k) {
      Job& job = *pending[k].job;
      if (!logits.ok()) {
        errors.emplace(&job, logits.status());
      } else if (!job.unread_prompt.empty()) {
        if (absl::Status done = FinishPrompt(job, std::move((*logits)[k])); !done.ok()) {
          errors.emplace(&job, done);
        }
      } else {
        pending[k].candidate->logits = std::move((*logits)[k]);
      }
    }
  }
  // Hand over finished and failed jobs.
  std::vector<std::unique_ptr<Job>> remaining;
  for (auto& job : jobs_) {
    if (auto error = errors.find(job.get()); error != errors.end()) {
      job->spec.on_done(error->second);
    } else if (job->AllDone()) {
      job->spec.on_done(job->Results());
    } else {
      remaining.push_back(std::move(job));
    }
  }
  jobs_ = std::move(remaining);
}

void BatchDecoder::CancelAll(const absl::Status& status) {
  for (auto& job : jobs_) job->spec.on_done(status);
  jobs_.clear();
}

int BatchDecoder::active_candidates() const {
  int active = 0;
  for (const auto& job : jobs_) {
    for (const Decoding& candidate : job->candidates) active += candidate.done ? 0 : 1;
  }
  return active;
}

}  // namespace aigc::copywriter
