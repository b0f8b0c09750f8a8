// The architectures every binary can load without registering anything.
#ifndef AIGC_COMMON_RUNTIME_INTERNAL_BUILTIN_ARCHITECTURES_H_
#define AIGC_COMMON_RUNTIME_INTERNAL_BUILTIN_ARCHITECTURES_H_

#include <string>
#include <utility>
#include <vector>

#include "common/runtime/torch_module.h"

namespace aigc::runtime::internal {

std::vector<std::pair<std::string, ArchitectureFactory>> BuiltinArchitectures();

}  // namespace aigc::runtime::internal

#endif  // AIGC_COMMON_RUNTIME_INTERNAL_BUILTIN_ARCHITECTURES_H_
