#include "services/recommender/eval/movielens.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/status/status.h"

namespace aigc::recommender::eval {
namespace {

constexpr std::array<absl::string_view, 7> kColumns = {"movieId", "title",  "year",     "genres",
                                                       "userId",  "rating", "timestamp"};
enum Column { kMovieId, kTitle, kYear, kGenres, kUserId, kRating, kTimestamp };

constexpr absl::string_view kNoGenres = "(no genres listed)";
// R's write.csv writes a missing value as an unquoted NA and quotes every string, so a quoted
// "NA" would be a real title.
constexpr absl::string_view kMissing = "NA";

struct CsvField {
  std::string value;
  bool quoted = false;
};

// Returns the name of the column at `index` for error messages ("#8" past the expected ones).
std::string ColumnName(size_t index) {
  return index < kColumns.size() ? std::string(kColumns[index]) : absl::StrCat("#", index + 1);
}

// Splits RFC 4180 text into records. Errors name the file, the line where the record starts
// and the column.
class CsvReader {
 public:
  CsvReader(std::string path, absl::string_view text) : path_(std::move(path)), text_(text) {}

  // Reads the next record into `fields`. Returns false at the end of the text.
  absl::StatusOr<bool> Next(std::vector<CsvField>& fields) {
    fields.clear();
    if (pos_ >= text_.size()) return false;
    record_line_ = line_;
    while (true) {
      CsvField field;
      if (text_[pos_] == '"') {
        AIGC_RETURN_IF_ERROR(ReadQuoted(fields.size(), field));
      } else {
        AIGC_RETURN_IF_ERROR(ReadUnquoted(fields.size(), field));
      }
      fields.push_back(std::move(field));
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] == ',') {
        ++pos_;
        // A trailing comma ends the text with one more, empty field.
        if (pos_ >= text_.size()) {
          fields.emplace_back();
          return true;
        }
        continue;
      }
      // Only a line end can follow a field here: skip "\n" or "\r\n".
      pos_ += text_[pos_] == '\r' ? 2 : 1;
      ++line_;
      return true;
    }
  }

  // Line (1-based) where the record last returned by Next() starts.
  int64_t record_line() const { return record_line_; }

  // Returns INVALID_ARGUMENT "<path>:<line>: column <name>: <problem>" for the current record.
  absl::Status Error(size_t column, absl::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ":", record_line_, ": column ", ColumnName(column), ": ", problem));
  }

 private:
  bool AtLineEnd() const {
    return text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n');
  }

  absl::Status ReadQuoted(size_t column, CsvField& field) {
    field.quoted = true;
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= text_.size()) return Error(column, "unterminated quoted field");
      const char c = text_[pos_++];
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field.value += '"';
          ++pos_;
          continue;
        }
        break;
      }
      if (c == '\n') ++line_;
      field.value += c;
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) {
      return Error(column, "unexpected character after the closing quote");
    }
    return absl::OkStatus();
  }

  absl::Status ReadUnquoted(size_t column, CsvField& field) {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) {
      if (text_[pos_] == '"') return Error(column, "quote inside an unquoted field");
      ++pos_;
    }
    field.value = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  const std::string path_;
  const absl::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  int64_t record_line_ = 1;
};

// Returns the whole file, NOT_FOUND when it does not exist, or the errno-derived status.
absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (file == nullptr)
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path.string()));
  std::string text;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", path.string()));
  }
  return text;
}

// Accepts a positive decimal integer without sign or leading zeros, so that each MovieLens id
// has exactly one spelling and the derived catalogue ids ("m31") are valid and unique.
absl::Status CheckId(const CsvReader& reader, size_t column, absl::string_view value) {
  const bool digits_only = !value.empty() && value.size() <= 18 &&
                           value.find_first_not_of("0123456789") == absl::string_view::npos &&
                           value[0] != '0';
  if (!digits_only) {
    return reader.Error(column, absl::StrCat("not a positive integer id: \"", value, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<Movie> ParseMovie(const CsvReader& reader, const std::vector<CsvField>& fields) {
  Movie movie;
  movie.id = fields[kMovieId].value;
  AIGC_RETURN_IF_ERROR(CheckId(reader, kMovieId, movie.id));

  const CsvField& title = fields[kTitle];
  if (title.quoted || title.value != kMissing) movie.title = title.value;

  const CsvField& year = fields[kYear];
  if (year.quoted || year.value != kMissing) {
    int32_t value = 0;
    if (!absl::SimpleAtoi(year.value, &value)) {
      return reader.Error(kYear, absl::StrCat("not an integer year: \"", year.value, "\""));
    }
    movie.year = value;
  }

  movie.genres = absl::StrSplit(fields[kGenres].value, '|');
  for (const std::string& genre : movie.genres) {
    if (genre.empty()) {
      return reader.Error(kGenres, absl::StrCat("empty genre in \"", fields[kGenres].value, "\""));
    }
  }
  return movie;
}

absl::StatusOr<Rating> ParseRating(const CsvReader& reader, const std::vector<CsvField>& fields) {
  Rating rating;
  rating.movie_id = fields[kMovieId].value;
  rating.user_id = fields[kUserId].value;
  AIGC_RETURN_IF_ERROR(CheckId(reader, kUserId, rating.user_id));

  const std::string& stars = fields[kRating].value;
  // SimpleAtof also accepts "nan" and "inf"; the range check rejects them.
  if (!absl::SimpleAtof(stars, &rating.rating) ||
      !(rating.rating >= 0.5f && rating.rating <= 5.0f)) {
    return reader.Error(kRating, absl::StrCat("not a number in [0.5, 5]: \"", stars, "\""));
  }

  const std::string& timestamp = fields[kTimestamp].value;
  if (!absl::SimpleAtoi(timestamp, &rating.timestamp) || rating.timestamp < 0) {
    return reader.Error(kTimestamp,
                        absl::StrCat("not a non-negative integer of seconds: \"", timestamp, "\""));
  }
  return rating;
}

bool SameMovie(const Movie& a, const Movie& b) {
  return a.title == b.title && a.year == b.year && a.genres == b.genres;
}

}  // namespace

absl::StatusOr<MovieLensData> ReadMovieLensCsv(const std::filesystem::path& path) {
  AIGC_ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  CsvReader reader(path.string(), text);
  std::vector<CsvField> fields;

  AIGC_ASSIGN_OR_RETURN(const bool has_header, reader.Next(fields));
  if (!has_header) return reader.Error(0, "empty file, expected the header");
  for (size_t i = 0; i < std::max(fields.size(), kColumns.size()); ++i) {
    if (i >= fields.size() || i >= kColumns.size() || fields[i].value != kColumns[i]) {
      std::vector<absl::string_view> names;
      for (const CsvField& field : fields) names.push_back(field.value);
      return reader.Error(i, absl::StrCat("header must be ", absl::StrJoin(kColumns, ","), ", got ",
                                          absl::StrJoin(names, ",")));
    }
  }

  MovieLensData data;
  // movieId -> (index in data.movies, line of its first row).
  absl::flat_hash_map<std::string, std::pair<size_t, int64_t>> movie_index;
  while (true) {
    AIGC_ASSIGN_OR_RETURN(const bool has_record, reader.Next(fields));
    if (!has_record) break;
    if (fields.size() != kColumns.size()) {
      return reader.Error(
          std::min(fields.size(), kColumns.size()),
          absl::StrCat("expected ", kColumns.size(), " fields, got ", fields.size()));
    }
    AIGC_ASSIGN_OR_RETURN(Movie movie, ParseMovie(reader, fields));
    AIGC_ASSIGN_OR_RETURN(Rating rating, ParseRating(reader, fields));
    const auto [it, inserted] =
        movie_index.try_emplace(movie.id, data.movies.size(), reader.record_line());
    if (inserted) {
      data.movies.push_back(std::move(movie));
    } else if (!SameMovie(data.movies[it->second.first], movie)) {
      return reader.Error(
          kTitle, absl::StrCat("movie ", movie.id, " differs in title, year or genres from line ",
                               it->second.second));
    }
    data.ratings.push_back(std::move(rating));
  }
  return data;
}

aigc::common::v1::Product MovieToProduct(const Movie& movie) {
  aigc::common::v1::Product product;
  product.set_id(absl::StrCat("m", movie.id));
  if (movie.title.empty()) {
    product.set_title(absl::StrCat("MovieLens movie ", movie.id));
  } else if (movie.year.has_value()) {
    product.set_title(absl::StrCat(movie.title, " (", *movie.year, ")"));
  } else {
    product.set_title(movie.title);
  }
  product.set_kind(aigc::common::v1::ITEM_KIND_MOVIE);
  for (const std::string& genre : movie.genres) {
    if (genre != kNoGenres) product.add_tags(genre);
  }
  if (movie.year.has_value()) {
    (*product.mutable_attributes())["year"] = absl::StrCat(*movie.year);
  }
  return product;
}

aigc::recommender::v1::Event RatingToEvent(const Rating& rating) {
  aigc::recommender::v1::Event event;
  event.set_event_id(absl::StrCat("ml-", rating.user_id, "-", rating.movie_id));
  event.set_user_id(absl::StrCat("u", rating.user_id));
  event.set_item_id(absl::StrCat("m", rating.movie_id));
  event.set_type(aigc::recommender::v1::EVENT_TYPE_RATING);
  event.set_rating(rating.rating);
  event.mutable_event_time()->set_seconds(rating.timestamp);
  return event;
}

}  // namespace aigc::recommender::eval
