// The time source of the live Q&A components, injectable so tests drive time
// by hand instead of sleeping.
#ifndef AIGC_SERVICES_COPYWRITER_LIVE_CLOCK_H_
#define AIGC_SERVICES_COPYWRITER_LIVE_CLOCK_H_

#include <functional>

#include "absl/time/time.h"

namespace aigc::copy_live {

// Returns the current time. Must be callable from any thread.
using Clock = std::function<absl::Time()>;

}  // namespace aigc::copy_live

#endif  // AIGC_SERVICES_COPYWRITER_LIVE_CLOCK_H_
