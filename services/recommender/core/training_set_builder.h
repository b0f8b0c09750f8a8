// TrainingSetBuilder: turns catalogue records and behaviour events (from the
// store, or from a MovieLens import) into a TrainingSet.
#ifndef AIGC_SERVICES_RECOMMENDER_CORE_TRAINING_SET_BUILDER_H_
#define AIGC_SERVICES_RECOMMENDER_CORE_TRAINING_SET_BUILDER_H_

#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "services/recommender/core/training_set.h"

namespace aigc::recommender {

// Not thread-safe.
class TrainingSetBuilder {
 public:
  // Registers a catalogue item: its index, content tokens and category. A
  // later record of the same id replaces the attributes.
  void AddItem(const aigc::common::v1::Product& item);

  // Adds one interaction: weight ImplicitWeight(type), the rating for
  // EVENT_TYPE_RATING, the event time (seconds). Items not registered by
  // AddItem get an index without attributes. Events of type UNSPECIFIED are
  // ignored (validation never lets them in).
  void AddEvent(const aigc::recommender::v1::Event& event);

  // The set; `now` is the newest event time. Leaves the builder empty.
  TrainingSet Build();

 private:
  int32_t ItemIndex(const std::string& id);

  TrainingSet set_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_CORE_TRAINING_SET_BUILDER_H_
