// aigc-rec-eval: trains every recommendation algorithm on a seeded per-user
// hold-out split of MovieLens and prints one table comparing them.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cli/cli.h"
#include "services/recommender/algorithms/hybrid.h"
#include "services/recommender/algorithms/model.h"
#include "services/recommender/eval/offline_evaluation.h"
#include "services/recommender/tools/tool_flags.h"
#include "services/recommender/training/trainer.h"

ABSL_FLAG(std::string, ratings, "data/movielens/ratings.csv",
          "MovieLens ratings CSV written by scripts/data/movielens.sh.");
ABSL_FLAG(std::string, algorithms, "popularity,item_knn,user_knn,ease,als,bpr,content,hybrid",
          "Algorithms to compare, comma-separated (names or ALGORITHM_* enum names).");
ABSL_FLAG(std::string, k, "10,20", "Cut-offs K, comma-separated.");
ABSL_FLAG(double, test_fraction, 0.2, "Share of each user's items held out for testing.");
ABSL_FLAG(uint64_t, seed, 42, "Seed of the per-user hold-out split.");
ABSL_FLAG(int, min_interactions, 5, "Users with fewer items stay wholly in train.");
ABSL_FLAG(int, threads, 2, "Threads for training and scoring.");
ABSL_FLAG(std::string, hyperparameters, "",
          "Overrides \"<algorithm>.<param>=<value>\", comma-separated, e.g. "
          "\"ease.lambda=250,item_knn.neighbours=50\".");
ABSL_FLAG(std::string, output_json, "", "Also write the results here as JSON.");

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using Clock = std::chrono::steady_clock;

struct Row {
  std::string name;
  eval::RankingReport report;
  double rmse = -1;  // < 0: the algorithm does not predict ratings
  double train_seconds = 0;
  double eval_seconds = 0;
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void PrintTable(const std::vector<Row>& rows, const std::vector<int>& ks) {
  std::string header = "| algorithm |";
  std::string rule = "|---|";
  const std::vector<std::string> metrics = {"precision", "recall", "ndcg", "map", "hit_rate"};
  const std::vector<std::string> beyond = {"coverage", "novelty", "diversity", "arp"};
  for (int k : ks) {
    for (const std::string& m : metrics) absl::StrAppend(&header, " ", m, "@", k, " |");
  }
  for (const std::string& m : beyond) absl::StrAppend(&header, " ", m, "@", ks.front(), " |");
  absl::StrAppend(&header, " RMSE | train s |");
  for (size_t n = 0; n < metrics.size() * ks.size() + beyond.size() + 2; ++n) rule += "---:|";
  std::cout << header << "\n" << rule << "\n";
  for (const Row& row : rows) {
    std::string line = absl::StrCat("| ", row.name, " |");
    const auto value = [&](const std::string& key) {
      auto it = row.report.metrics.find(key);
      return it == row.report.metrics.end() ? std::string("–")
                                            : absl::StrFormat("%.4f", it->second);
    };
    for (int k : ks) {
      for (const std::string& m : metrics)
        absl::StrAppend(&line, " ", value(absl::StrCat(m, "@", k)), " |");
    }
    for (const std::string& m : beyond) {
      absl::StrAppend(&line, " ", value(absl::StrCat(m, "@", ks.front())), " |");
    }
    absl::StrAppend(&line, " ", row.rmse < 0 ? "–" : absl::StrFormat("%.4f", row.rmse), " |",
                    absl::StrFormat(" %.1f |", row.train_seconds));
    std::cout << line << "\n";
  }
}

void WriteJson(const std::string& path, const std::vector<Row>& rows) {
  std::ofstream out(path);
  out << "{\"tool\":\"aigc-rec-eval\",\"results\":[";
  for (size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    out << (r ? "," : "") << "{\"algorithm\":\"" << row.name
        << "\",\"users\":" << row.report.num_users << ",\"train_seconds\":" << row.train_seconds
        << ",\"eval_seconds\":" << row.eval_seconds;
    if (row.rmse >= 0) out << ",\"rmse\":" << row.rmse;
    out << ",\"metrics\":{";
    bool first = true;
    for (const auto& [key, value] : row.report.metrics) {
      out << (first ? "" : ",") << "\"" << key << "\":" << value;
      first = false;
    }
    out << "}}";
  }
  out << "]}\n";
  if (!out) cli::ExitWithReason(absl::StrCat("--output_json: cannot write ", path));
}

int Main() {
  const std::vector<int> ks = cli::ValueOrExit(ParseCutoffs(absl::GetFlag(FLAGS_k), "--k"));
  const Hyperparameters params = cli::ValueOrExit(
      ParseHyperparameterList(absl::GetFlag(FLAGS_hyperparameters), "--hyperparameters"));
  const std::vector<v1::Algorithm> algorithms =
      cli::ValueOrExit(ParseAlgorithmList(absl::GetFlag(FLAGS_algorithms), "--algorithms"));
  const int threads = std::max(1, absl::GetFlag(FLAGS_threads));

  const auto load_start = Clock::now();
  const TrainingSet set = cli::ValueOrExit(TrainingSetFromMovieLens(absl::GetFlag(FLAGS_ratings)));
  eval::SplitOptions split_options;
  split_options.test_fraction = absl::GetFlag(FLAGS_test_fraction);
  split_options.seed = absl::GetFlag(FLAGS_seed);
  split_options.min_interactions = absl::GetFlag(FLAGS_min_interactions);
  const eval::TrainTestSets sets = cli::ValueOrExit(eval::MakeTrainTestSets(set, split_options));
  std::fprintf(stderr,
               "aigc-rec-eval: %d users, %d items, %zu interactions; %zu train, %zu test users "
               "(seed %llu, test fraction %.2f), loaded in %.1fs\n",
               set.users.size(), set.items.size(), set.interactions.size(),
               sets.train.interactions.size(), sets.split.test.size(),
               static_cast<unsigned long long>(split_options.seed), split_options.test_fraction,
               SecondsSince(load_start));

  // Trained models by algorithm, so the hybrid reuses its components.
  std::map<v1::Algorithm, std::pair<std::unique_ptr<RecModel>, double>> trained;
  const auto train = [&](v1::Algorithm algorithm) -> const RecModel& {
    auto it = trained.find(algorithm);
    if (it != trained.end()) return *it->second.first;
    const std::string name = AlgorithmName(algorithm);
    TrainContext context;
    context.threads = threads;
    context.progress = [&name](double fraction, absl::string_view message) {
      std::fprintf(stderr, "  [%s %3.0f%%] %.*s\n", name.c_str(), fraction * 100,
                   static_cast<int>(message.size()), message.data());
    };
    const auto start = Clock::now();
    auto model = cli::ValueOrExit(TrainModel(algorithm, sets.train, params, context));
    const double seconds = SecondsSince(start);
    return *trained.emplace(algorithm, std::make_pair(std::move(model), seconds))
                .first->second.first;
  };

  std::vector<Row> rows;
  for (v1::Algorithm algorithm : algorithms) {
    Row row{.name = AlgorithmName(algorithm)};
    eval::ScoreFunction score;
    const RecModel* model = nullptr;
    if (algorithm == v1::ALGORITHM_HYBRID) {
      std::vector<std::pair<const RecModel*, double>> components;
      for (const auto& [component, weight] : HybridWeights(params)) {
        components.emplace_back(&train(component), weight);
        row.train_seconds += trained.at(component).second;
      }
      if (components.empty()) cli::ExitWithReason("hybrid: every hybrid.* weight is 0");
      score = [components](const UserProfile& profile, absl::Span<float> scores) {
        std::fill(scores.begin(), scores.end(), 0.0f);
        std::vector<float> component_scores(scores.size());
        for (const auto& [component, weight] : components) {
          component->Score(profile, absl::MakeSpan(component_scores));
          AddStandardised(component_scores, weight, scores);
        }
      };
    } else {
      model = &train(algorithm);
      row.train_seconds = trained.at(algorithm).second;
      score = [model](const UserProfile& profile, absl::Span<float> scores) {
        model->Score(profile, scores);
      };
    }
    const auto eval_start = Clock::now();
    row.report = cli::ValueOrExit(
        eval::EvaluateRanking(score, sets, eval::OfflineOptions{.ks = ks, .threads = threads}));
    if (model != nullptr) {
      if (auto rmse = eval::EvaluateRmse(*model, sets); rmse.ok()) row.rmse = *rmse;
    }
    row.eval_seconds = SecondsSince(eval_start);
    std::fprintf(stderr, "%s: ndcg@%d %.4f (trained in %.1fs, evaluated in %.1fs)\n",
                 row.name.c_str(), ks.front(),
                 row.report.metrics[absl::StrCat("ndcg@", ks.front())], row.train_seconds,
                 row.eval_seconds);
    rows.push_back(std::move(row));
  }
  PrintTable(rows, ks);
  if (!absl::GetFlag(FLAGS_output_json).empty()) WriteJson(absl::GetFlag(FLAGS_output_json), rows);
  return 0;
}

}  // namespace
}  // namespace aigc::recommender

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Offline evaluation of every recommendation algorithm on MovieLens: a seeded per-user "
      "hold-out split, ranking metrics at each K, catalogue coverage, novelty, diversity, "
      "popularity bias and RMSE.\n"
      "Usage: scripts/data/movielens.sh && aigc-rec-eval [--algorithms=ease,item_knn] [--k=10,20]");
  return aigc::recommender::Main();
}
