#include "services/recommender/service/batch_error.h"

#include <string>

#include "common/rpc/request_context.h"

namespace aigc::recommender {

absl::string_view FieldPathOf(absl::string_view message) {
  int depth = 0;
  for (size_t i = 0; i + 1 < message.size(); ++i) {
    if (message[i] == '[') {
      ++depth;
    } else if (message[i] == ']' && depth > 0) {
      --depth;
    } else if (depth == 0 && message[i] == ':' && message[i + 1] == ' ') {
      return message.substr(0, i);
    }
  }
  return message;
}

v1::BatchError MakeBatchError(int64_t index, absl::string_view id, const absl::Status& status) {
  v1::BatchError error;
  error.set_index(index);
  error.set_field(std::string(FieldPathOf(status.message())));
  *error.mutable_status() = rpc::ToPartStatus(status);
  error.set_id(std::string(id));
  return error;
}

}  // namespace aigc::recommender
