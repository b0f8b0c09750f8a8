// Merges near-identical questions of one LiveQA session into one reply
// (SessionStart.coalesce_similar, ReplyStarted.coalesced_question_ids).
//
// A question that is not the same as any waiting one opens a GROUP and will
// get a reply; a later question that is the same as a group's first question
// (its leader), asked within `window` of the leader and before the group's
// reply starts, joins that group: it gets no reply and no rejection of its
// own, and is listed in the reply's ReplyStarted.coalesced_question_ids. Once
// a group is taken (its reply starts) nothing more can join it, because its
// ReplyStarted has been sent.
//
// Groups are taken oldest first when the session has room for another reply
// (the LiveQA session bounds the replies it generates at once), so questions
// wait, and merge, only while the room's earlier replies are still being
// generated: an idle room answers at once.
//
// "The same": equal NormalizeQuestion forms, or a character-bigram Jaccard
// similarity of the normalised forms >= similarity_threshold. At the default
// 0.8, one extra trailing particle on a 5-character question still matches
// ("这件多少钱" / "这件多少钱啊": 4 shared bigrams of 5) while a different
// attribute does not ("有M码吗" / "有L码吗": 1 of 5).
//
// One instance per session (a room has one active session); thread-safe.
#ifndef AIGC_SERVICES_COPYWRITER_LIVE_COALESCER_H_
#define AIGC_SERVICES_COPYWRITER_LIVE_COALESCER_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/copywriter/live/clock.h"

namespace aigc::copy_live {

// `text` reduced to what makes a question: full-width ASCII forms (U+FF01..
// U+FF5E) folded to ASCII, ASCII upper case to lower case, and whitespace,
// punctuation (ASCII, CJK and general punctuation) and emoji/pictographic
// symbols removed. Invalid UTF-8 bytes are removed. E.g. "Ｍ码 还有吗？？😊" ->
// "m码还有吗".
std::u32string NormalizeQuestion(std::string_view text);

// |A ∩ B| / |A ∪ B| of the sets of adjacent character pairs of `a` and `b`.
// Texts shorter than two characters have no pairs: then 1 when a == b, else
// 0.
double BigramJaccard(std::u32string_view a, std::u32string_view b);

struct CoalescerOptions {
  // How long after its leader a question may still join a group. The
  // LiveQA contract's default is 2 s. Must be > 0.
  absl::Duration window = absl::Seconds(2);
  // Bigram Jaccard similarity from which two questions are the same, in
  // (0, 1]; 1 = only equal normalised forms.
  double similarity_threshold = 0.8;
  // Questions held at once (leaders and members of groups not yet taken), >= 1.
  // Bounds memory; when reached, Admit fails with RESOURCE_EXHAUSTED.
  int max_pending_questions = 256;
  // False: no question ever joins another (every one gets its own reply, in
  // arrival order); SessionStart.coalesce_similar = false.
  bool merge_similar = true;
  Clock clock = absl::Now;
};

class QuestionCoalescer {
 public:
  // INVALID_ARGUMENT naming the option ("window", "similarity_threshold",
  // "max_pending_questions") when out of range.
  static absl::StatusOr<std::unique_ptr<QuestionCoalescer>> Create(CoalescerOptions options);

  struct Admission {
    // True: the question joined a waiting group and needs nothing more.
    // False: it opened a new group and will get its own reply.
    bool joined = false;
    // The group's leader, i.e. the question_id of the reply that will answer
    // it (the question's own id when !joined).
    std::string reply_question_id;
  };

  // Admits a validated question (unique question_id, see ValidateQuestion).
  // It joins the most similar waiting group it is the same as (ties: the
  // oldest; never with merge_similar false), and otherwise opens a group, but only when
  // `may_start_new_reply` returns OK (e.g. the room's rate limit); its error
  // is then returned and nothing is held. A question whose normalised form is
  // empty (only emoji or punctuation) never joins. RESOURCE_EXHAUSTED when
  // max_pending_questions are held. `may_start_new_reply` runs under the
  // coalescer's lock: it must not call back into the coalescer.
  absl::StatusOr<Admission> Admit(absl::string_view question_id, std::string_view text,
                                  absl::FunctionRef<absl::Status()> may_start_new_reply);

  // A group whose reply starts now.
  struct Group {
    // Leader: the question the reply answers (ReplyStarted.question_id).
    std::string question_id;
    // Members, in arrival order (ReplyStarted.coalesced_question_ids).
    std::vector<std::string> coalesced_question_ids;
    // When the leader was admitted.
    absl::Time first_asked;
  };

  // Removes and returns the oldest waiting group (its reply starts now);
  // nullopt when none is waiting.
  std::optional<Group> TakeOldest();

  // Removes and returns every waiting group, oldest first (the session is
  // ending).
  std::vector<Group> TakeAll();

 private:
  struct PendingGroup {
    Group group;
    std::u32string normalized;
  };

  explicit QuestionCoalescer(CoalescerOptions options) : options_(std::move(options)) {}

  // Removes groups_[0..count) and returns their Groups.
  std::vector<Group> PopFront(size_t count) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const CoalescerOptions options_;
  mutable absl::Mutex mu_;
  // Waiting groups in admission order (so first_asked is non-decreasing for
  // a monotonic clock).
  std::deque<PendingGroup> groups_ ABSL_GUARDED_BY(mu_);
  int held_questions_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace aigc::copy_live

#endif  // AIGC_SERVICES_COPYWRITER_LIVE_COALESCER_H_
