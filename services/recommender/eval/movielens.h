// MovieLens ratings as exported by scripts/data/movielens.sh (Harper & Konstan, 2015), and their
// conversion into the recommender's catalogue items and events.
//
// Id conventions (other tools rely on them; keep them stable):
//   * catalogue item id of a movie:  "m<movieId>"             e.g. "m31"
//   * user id of a MovieLens user:   "u<userId>"              e.g. "u1"
//   * event id of a rating:          "ml-<userId>-<movieId>"  e.g. "ml-1-31"
// MovieLens holds at most one rating per (user, movie), so the event id is unique, and since the
// recommender de-duplicates events by event_id, importing the same file twice stores every rating
// once (the second import reports duplicates).
#ifndef AIGC_SERVICES_RECOMMENDER_EVAL_MOVIELENS_H_
#define AIGC_SERVICES_RECOMMENDER_EVAL_MOVIELENS_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aigc/common/v1/common.pb.h"
#include "aigc/recommender/v1/recommender.pb.h"

namespace aigc::recommender::eval {

// One movie of the MovieLens catalogue.
struct Movie {
  // MovieLens movieId as written in the file: a positive decimal integer without leading zeros.
  std::string id;
  // Title without the year, e.g. "Toy Story". Empty when the file has none (NA); five movies of
  // the dslabs export have no title.
  std::string title;
  // Release year; unset when the file has NA.
  std::optional<int32_t> year;
  // Genres in file order, e.g. {"Adventure", "Animation"}; a movie without genres has the single
  // entry "(no genres listed)", as in MovieLens.
  std::vector<std::string> genres;
};

// One explicit rating.
struct Rating {
  // MovieLens userId: a positive decimal integer without leading zeros.
  std::string user_id;
  // MovieLens movieId of the rated movie (the id of one of MovieLensData::movies).
  std::string movie_id;
  // Stars, 0.5..5.0 in half-star steps.
  float rating = 0.0f;
  // Seconds since the Unix epoch, >= 0.
  int64_t timestamp = 0;
};

// The contents of a MovieLens ratings CSV.
struct MovieLensData {
  // Every rating, in file order.
  std::vector<Rating> ratings;
  // Every distinct movie, in order of first appearance in the file.
  std::vector<Movie> movies;
};

// Reads the CSV written by scripts/data/movielens.sh (R's write.csv): RFC 4180 quoting (a quoted
// field may hold commas, line breaks and doubled quotes ""), LF or CRLF line ends, and the exact
// header
//   "movieId","title","year","genres","userId","rating","timestamp"
// (quoted or not). An unquoted NA in the title or year column means "missing"; genres are split
// on '|'. Every row of one movieId must repeat the same title, year and genres.
//
// Returns the ratings and movies. Fails with NOT_FOUND when the file does not exist, with the
// errno-derived code when it cannot be read, and with INVALID_ARGUMENT "<path>:<line>: column
// <name>: <problem>" (line numbers 1-based, the header is line 1) for a wrong header, a row
// without exactly 7 fields, a malformed quoted field, an id that is not a positive integer, a
// year that is not an integer, a rating that is not a number in [0.5, 5], a negative or
// non-integer timestamp, or a movie whose title, year or genres differ from its first row.
// Thread-safe (no shared state).
absl::StatusOr<MovieLensData> ReadMovieLensCsv(const std::filesystem::path& path);

// Returns the catalogue item of a movie: id "m<movieId>", title "<title> (<year>)" ("<title>"
// without a year; "MovieLens movie <movieId>" when the title is missing, since a catalogue
// title is required), kind ITEM_KIND_MOVIE, tags = the genres except "(no genres listed)",
// attributes {"year": "<year>"} when the year is known, category unspecified, no price and no
// stock. Never fails; thread-safe.
aigc::common::v1::Product MovieToProduct(const Movie& movie);

// Returns the event of a rating: event_id "ml-<userId>-<movieId>", user_id "u<userId>", item_id
// "m<movieId>", type EVENT_TYPE_RATING, rating in stars, event_time = timestamp seconds (nanos
// 0). Never fails; thread-safe.
aigc::recommender::v1::Event RatingToEvent(const Rating& rating);

}  // namespace aigc::recommender::eval

#endif  // AIGC_SERVICES_RECOMMENDER_EVAL_MOVIELENS_H_
