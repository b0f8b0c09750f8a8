#include "services/recommender/eval/movielens.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender::eval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kHeader[] =
    "\"movieId\",\"title\",\"year\",\"genres\",\"userId\",\"rating\",\"timestamp\"\n";

// Writes `contents` to a fresh file in the test's temporary directory and returns its path.
std::filesystem::path WriteCsv(const std::string& name, const std::string& contents) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "rec_eval_movielens_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  EXPECT_TRUE(out) << "cannot write " << path;
  return path;
}

TEST(ReadMovieLensCsvTest, ParsesQuotedTitlesMissingValuesAndGenres) {
  // Lines as R's write.csv writes them: a title with a comma, one with doubled quotes, NA for a
  // missing title and year, the "(no genres listed)" genre, and a repeated movie.
  const std::string csv =
      std::string(kHeader) +
      "31,\"Dangerous Minds\",1995,\"Drama\",1,2.5,1260759144\n"
      "1,\"Lock, Stock & Two Smoking Barrels\",1998,\"Comedy|Crime|Thriller\",1,"
      "3,1260759179\n"
      "51372,\"\"\"Great Performances\"\" Cats\",1998,\"Musical\",207,0.5,"
      "1258440271\n"
      "108583,NA,NA,\"(no genres listed)\",73,5,1435472609\n"
      "31,\"Dangerous Minds\",1995,\"Drama\",2,4,1260759200\n";
  const absl::StatusOr<MovieLensData> data = ReadMovieLensCsv(WriteCsv("good.csv", csv));
  ASSERT_TRUE(data.ok()) << data.status();

  ASSERT_EQ(data->ratings.size(), 5u);
  const Rating& first = data->ratings[0];
  EXPECT_EQ(first.user_id, "1");
  EXPECT_EQ(first.movie_id, "31");
  EXPECT_EQ(first.rating, 2.5f);
  EXPECT_EQ(first.timestamp, 1260759144);
  EXPECT_EQ(data->ratings[2].user_id, "207");
  EXPECT_EQ(data->ratings[2].rating, 0.5f);
  EXPECT_EQ(data->ratings[4].user_id, "2");
  EXPECT_EQ(data->ratings[4].movie_id, "31");

  // Four distinct movies, in order of first appearance.
  ASSERT_EQ(data->movies.size(), 4u);
  EXPECT_EQ(data->movies[0].id, "31");
  EXPECT_EQ(data->movies[0].title, "Dangerous Minds");
  EXPECT_EQ(data->movies[0].year, 1995);
  EXPECT_THAT(data->movies[0].genres, ElementsAre("Drama"));
  EXPECT_EQ(data->movies[1].title, "Lock, Stock & Two Smoking Barrels");
  EXPECT_THAT(data->movies[1].genres, ElementsAre("Comedy", "Crime", "Thriller"));
  EXPECT_EQ(data->movies[2].title, "\"Great Performances\" Cats");
  EXPECT_EQ(data->movies[3].id, "108583");
  EXPECT_EQ(data->movies[3].title, "");
  EXPECT_FALSE(data->movies[3].year.has_value());
  EXPECT_THAT(data->movies[3].genres, ElementsAre("(no genres listed)"));
}

TEST(ReadMovieLensCsvTest, AcceptsCrlfUnquotedHeaderQuotedNaAndLineBreaksInTitles) {
  // A quoted "NA" is a real title (R quotes every string and leaves missing values bare).
  const std::string csv =
      "movieId,title,year,genres,userId,rating,timestamp\r\n"
      "7,\"NA\",2001,Drama,3,4.5,100\r\n"
      "8,\"Two\nLines\",2002,\"Comedy\",3,1,200\r\n"
      "9,Plain,2003,Horror,4,2,300";  // no final line end
  const absl::StatusOr<MovieLensData> data = ReadMovieLensCsv(WriteCsv("crlf.csv", csv));
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->movies.size(), 3u);
  EXPECT_EQ(data->movies[0].title, "NA");
  EXPECT_EQ(data->movies[0].year, 2001);
  EXPECT_EQ(data->movies[1].title, "Two\nLines");
  EXPECT_EQ(data->movies[2].title, "Plain");
  ASSERT_EQ(data->ratings.size(), 3u);
  EXPECT_EQ(data->ratings[2].timestamp, 300);
}

TEST(ReadMovieLensCsvTest, HeaderOnlyGivesNoRatings) {
  const absl::StatusOr<MovieLensData> data = ReadMovieLensCsv(WriteCsv("empty.csv", kHeader));
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_THAT(data->ratings, IsEmpty());
  EXPECT_THAT(data->movies, IsEmpty());
}

struct BadCsv {
  const char* name;
  std::string contents;
  // Expected after "<path>:" in the message.
  std::string message;
};

TEST(ReadMovieLensCsvTest, RejectsMalformedFilesNamingFileLineAndColumn) {
  const std::string h = kHeader;
  const std::string good = "31,\"Dangerous Minds\",1995,\"Drama\",1,2.5,1260759144\n";
  const BadCsv cases[] = {
      {"no_header.csv", "", "1: column movieId: empty file"},
      {"bad_header.csv",
       "\"movieId\",\"title\",\"year\",\"genres\",\"user\",\"rating\",\"timestamp\"\n",
       "1: column userId: header must be movieId,title,year,genres,userId,rating,timestamp, got "
       "movieId,title,year,genres,user,rating,timestamp"},
      {"short_header.csv", "\"movieId\",\"title\"\n", "1: column year: header must be"},
      {"bad_rating.csv", h + good + "32,\"X\",1995,\"Drama\",1,abc,1260759144\n",
       "3: column rating: not a number in [0.5, 5]: \"abc\""},
      {"rating_range.csv", h + "32,\"X\",1995,\"Drama\",1,7,1\n",
       "2: column rating: not a number in [0.5, 5]: \"7\""},
      {"rating_nan.csv", h + "32,\"X\",1995,\"Drama\",1,nan,1\n", "2: column rating"},
      {"bad_timestamp.csv", h + good + good + "32,\"X\",1995,\"Drama\",1,3,12.5\n",
       "4: column timestamp: not a non-negative integer of seconds: \"12.5\""},
      {"negative_timestamp.csv", h + "32,\"X\",1995,\"Drama\",1,3,-5\n", "2: column timestamp"},
      {"bad_year.csv", h + "32,\"X\",19x5,\"Drama\",1,3,1\n",
       "2: column year: not an integer year: \"19x5\""},
      {"bad_movie_id.csv", h + "NA,\"X\",1995,\"Drama\",1,3,1\n",
       "2: column movieId: not a positive integer id: \"NA\""},
      {"leading_zero_user.csv", h + "32,\"X\",1995,\"Drama\",01,3,1\n",
       "2: column userId: not a positive integer id: \"01\""},
      {"empty_genre.csv", h + "32,\"X\",1995,\"Drama||Crime\",1,3,1\n",
       "2: column genres: empty genre in \"Drama||Crime\""},
      {"too_few_fields.csv", h + "32,\"X\",1995,\"Drama\",1,3\n",
       "2: column timestamp: expected 7 fields, got 6"},
      {"too_many_fields.csv", h + "32,\"X\",1995,\"Drama\",1,3,1,9\n",
       "2: column #8: expected 7 fields, got 8"},
      {"blank_line.csv", h + good + "\n" + good, "3: column title: expected 7 fields, got 1"},
      {"unterminated.csv", h + good + "32,\"X,1995,\"Drama\",1,3,1\n",
       "3: column title: unexpected character after the closing quote"},
      {"unterminated_at_end.csv", h + good + "32,\"X,1995\n", "3: column title: unterminated"},
      {"stray_quote.csv", h + "32,X\"Y,1995,\"Drama\",1,3,1\n",
       "2: column title: quote inside an unquoted field"},
      // A quoted line break makes the next record start on line 4, not 3.
      {"after_line_break.csv",
       h + "7,\"Two\nLines\",2002,\"Comedy\",3,1,200\n" + "8,\"Y\",2002,\"Comedy\",3,1,bad\n",
       "4: column timestamp"},
      {"inconsistent_movie.csv", h + good + "31,\"Dangerous Minds\",1996,\"Drama\",2,3,1\n",
       "3: column title: movie 31 differs in title, year or genres from line 2"},
  };
  for (const BadCsv& c : cases) {
    const std::filesystem::path path = WriteCsv(c.name, c.contents);
    const absl::StatusOr<MovieLensData> data = ReadMovieLensCsv(path);
    EXPECT_EQ(data.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(data.status().message(), HasSubstr(path.string() + ":" + c.message)) << c.name;
  }
}

TEST(ReadMovieLensCsvTest, MissingFileIsNotFound) {
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "rec_eval_movielens_test" / "absent.csv";
  std::filesystem::remove(path);
  const absl::StatusOr<MovieLensData> data = ReadMovieLensCsv(path);
  EXPECT_EQ(data.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(data.status().message(), HasSubstr(path.string()));
}

TEST(MovieToProductTest, FollowsTheCatalogueIdConventions) {
  const Movie movie{.id = "1",
                    .title = "Toy Story",
                    .year = 1995,
                    .genres = {"Adventure", "Animation", "Children"}};
  const aigc::common::v1::Product product = MovieToProduct(movie);
  EXPECT_EQ(product.id(), "m1");
  EXPECT_EQ(product.title(), "Toy Story (1995)");
  EXPECT_EQ(product.kind(), aigc::common::v1::ITEM_KIND_MOVIE);
  EXPECT_EQ(product.category(), aigc::common::v1::CATEGORY_UNSPECIFIED);
  EXPECT_THAT(product.tags(), ElementsAre("Adventure", "Animation", "Children"));
  EXPECT_THAT(product.attributes(), UnorderedElementsAre(Pair("year", "1995")));
  EXPECT_FALSE(product.has_price());
  EXPECT_FALSE(product.has_stock_quantity());
}

TEST(MovieToProductTest, DropsTheNoGenresMarkerAndMissingYearOrTitle) {
  const aigc::common::v1::Product no_year = MovieToProduct({.id = "162376",
                                                            .title = "Untitled",
                                                            .year = std::nullopt,
                                                            .genres = {"(no genres listed)"}});
  EXPECT_EQ(no_year.id(), "m162376");
  EXPECT_EQ(no_year.title(), "Untitled");
  EXPECT_THAT(no_year.tags(), IsEmpty());
  EXPECT_THAT(no_year.attributes(), IsEmpty());

  const aigc::common::v1::Product no_title =
      MovieToProduct({.id = "108583", .title = "", .year = std::nullopt, .genres = {"Comedy"}});
  EXPECT_EQ(no_title.title(), "MovieLens movie 108583");
  EXPECT_THAT(no_title.tags(), ElementsAre("Comedy"));
}

TEST(RatingToEventTest, FollowsTheEventIdConventions) {
  const aigc::recommender::v1::Event event = RatingToEvent(
      {.user_id = "73", .movie_id = "108583", .rating = 4.5f, .timestamp = 1435472609});
  EXPECT_EQ(event.event_id(), "ml-73-108583");
  EXPECT_EQ(event.user_id(), "u73");
  EXPECT_EQ(event.item_id(), "m108583");
  EXPECT_EQ(event.type(), aigc::recommender::v1::EVENT_TYPE_RATING);
  ASSERT_TRUE(event.has_rating());
  EXPECT_EQ(event.rating(), 4.5f);
  EXPECT_EQ(event.event_time().seconds(), 1435472609);
  EXPECT_EQ(event.event_time().nanos(), 0);
  EXPECT_EQ(event.quantity(), 0);
  EXPECT_FALSE(event.has_context());
}

}  // namespace
}  // namespace aigc::recommender::eval
