#include "admin/series_cache.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace signet {
namespace {

struct Series {
  int updates = 0;
};

TEST(SeriesCacheTest, ResolvesEachLabelSetOnce) {
  SeriesCache<Series> cache;
  Series a, b;
  int resolved = 0;
  auto resolve_a = [&]() -> Series& {
    ++resolved;
    return a;
  };
  EXPECT_EQ(&cache.Get("GetToken", "default", 0, resolve_a), &a);
  // Looked up from other strings with the same text: no second resolve.
  const std::string method = "GetToken", profile = "default";
  EXPECT_EQ(&cache.Get(method, profile, 0, resolve_a), &a);
  EXPECT_EQ(resolved, 1);
  EXPECT_EQ(&cache.Get("GetToken", "default", 14,
                       [&]() -> Series& {
                         ++resolved;
                         return b;
                       }),
            &b);
  EXPECT_EQ(resolved, 2);
}

TEST(SeriesCacheTest, KeepsLabelSetsThatOnlyDifferInWhereTheTextSplitsApart) {
  SeriesCache<Series> cache;
  Series ab_c, a_bc;
  cache.Get("ab", "c", 0, [&]() -> Series& { return ab_c; });
  EXPECT_EQ(&cache.Get("a", "bc", 0, [&]() -> Series& { return a_bc; }), &a_bc);
  EXPECT_EQ(&cache.Get("ab", "c", 0, [&]() -> Series& { return a_bc; }), &ab_c);
}

TEST(SeriesCacheTest, ConcurrentFirstLookupsAgreeOnOneSeries) {
  SeriesCache<Series> cache;
  Series one;  // what Family::Add returns for the same labels, every time
  std::vector<Series*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      seen[i] = &cache.Get("m", "p", 1, [&]() -> Series& { return one; });
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (Series* series : seen) EXPECT_EQ(series, &one);
}

}  // namespace
}  // namespace signet
