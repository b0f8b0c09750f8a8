#include "services/recommender/core/training_set_builder.h"

#include <algorithm>
#include <utility>

namespace aigc::recommender {

namespace v1 = aigc::recommender::v1;

int32_t TrainingSetBuilder::ItemIndex(const std::string& id) {
  const int32_t index = set_.items.Add(id);
  if (index == static_cast<int32_t>(set_.item_tokens.size())) {
    set_.item_tokens.emplace_back();
    set_.item_categories.push_back(0);
  }
  return index;
}

void TrainingSetBuilder::AddItem(const aigc::common::v1::Product& item) {
  const int32_t index = ItemIndex(item.id());
  set_.item_tokens[index] = ItemTokens(item);
  set_.item_categories[index] = item.category();
}

void TrainingSetBuilder::AddEvent(const v1::Event& event) {
  const float weight = ImplicitWeight(event.type());
  if (weight <= 0) return;
  Interaction interaction;
  interaction.user = set_.users.Add(event.user_id());
  interaction.item = ItemIndex(event.item_id());
  interaction.weight = weight;
  if (event.type() == v1::EVENT_TYPE_RATING && event.has_rating()) {
    interaction.rating = event.rating();
  }
  interaction.time = event.event_time().seconds();
  set_.now = std::max(set_.now, interaction.time);
  set_.interactions.push_back(interaction);
}

TrainingSet TrainingSetBuilder::Build() { return std::exchange(set_, TrainingSet{}); }

}  // namespace aigc::recommender
