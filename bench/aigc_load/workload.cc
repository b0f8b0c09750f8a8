#include "bench/aigc_load/workload.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace aigc::load {

Worker::Worker(int index, uint64_t seed) : index_(index) {
  // seed_seq mixes both numbers, so workers of one run draw unrelated streams.
  std::seed_seq sequence{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                         static_cast<uint32_t>(index)};
  random_.seed(sequence);
}

void Worker::Count(absl::string_view name, int64_t amount) { counts_[name] += amount; }

absl::Status Workload::Prepare(const std::shared_ptr<grpc::Channel>& /*channel*/,
                               absl::Duration /*rpc_deadline*/) {
  return absl::OkStatus();
}

WorkloadRegistry& WorkloadRegistry::Global() {
  static WorkloadRegistry* const registry = new WorkloadRegistry();
  return *registry;
}

absl::Status WorkloadRegistry::Register(std::string name, std::string description,
                                        WorkloadFactory factory) {
  absl::MutexLock lock(&mu_);
  if (entries_.contains(name)) {
    return absl::AlreadyExistsError(absl::StrCat("workload \"", name, "\" is already registered"));
  }
  entries_.emplace(std::move(name), Entry{std::move(description), std::move(factory)});
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Workload>> WorkloadRegistry::Create(absl::string_view name) const {
  WorkloadFactory factory;
  {
    absl::MutexLock lock(&mu_);
    const auto it = entries_.find(std::string(name));
    if (it == entries_.end()) {
      std::vector<std::string> names;
      for (const auto& [known, entry] : entries_) names.push_back(known);
      return absl::NotFoundError(absl::StrCat("unknown workload \"", name,
                                              "\" (known: ", absl::StrJoin(names, ", "), ")"));
    }
    factory = it->second.factory;
  }
  // Called outside the lock, so a slow factory blocks no other caller.
  return factory();
}

std::string WorkloadRegistry::Describe() const {
  absl::MutexLock lock(&mu_);
  std::string text;
  for (const auto& [name, entry] : entries_) {
    absl::StrAppend(&text, "  ", name, ": ", entry.description, "\n");
  }
  return text;
}

namespace internal {

bool RegisterWorkloadOrDie(const char* name, const char* description, WorkloadFactory factory) {
  const absl::Status status =
      WorkloadRegistry::Global().Register(name, description, std::move(factory));
  if (!status.ok()) {
    std::cerr << "aigc-load: " << status.message() << std::endl;
    std::abort();
  }
  return true;
}

}  // namespace internal
}  // namespace aigc::load
