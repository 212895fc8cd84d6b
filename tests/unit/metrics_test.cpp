// metrics: the shared-memory store (one series per family and labels, values
// shared by forked processes, bounded table) and the text exposition.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>

#include "metrics/process.hpp"
#include "metrics/store.hpp"
#include "metrics/text.hpp"

namespace {

constexpr metrics::Family kHits = metrics::counter("test_hits_total", "Hits.", {"route"});
constexpr metrics::Family kPlain = metrics::counter("test_plain_total", "Unlabelled.");
constexpr metrics::Family kLevel = metrics::gauge("test_level", "A level.");
constexpr std::array<double, 3> kBounds = {0.1, 0.5, 1};
constexpr metrics::Family kLatency =
    metrics::histogram("test_latency_seconds", "Latency.", {"route"}, kBounds);
constexpr std::array<const metrics::Family*, 4> kCatalog = {&kHits, &kPlain, &kLevel, &kLatency};

std::string render(const metrics::Store& s, metrics::Format f = metrics::Format::kPrometheus) {
    std::string out;
    metrics::TextWriter w(out, f);
    metrics::render(w, s, kCatalog);
    w.finish();
    return out;
}

TEST(MetricsStore, OneSeriesPerLabelValues) {
    metrics::Store s(64, false);
    s.add(kHits, {"/a"}, 1);
    s.add(kHits, {"/a"}, 2);
    s.add(kHits, {"/b"}, 1);
    const std::string out = render(s);
    EXPECT_NE(out.find("test_hits_total{route=\"/a\"} 3\n"), std::string::npos) << out;
    EXPECT_NE(out.find("test_hits_total{route=\"/b\"} 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("# TYPE test_hits_total counter\n"), std::string::npos) << out;
}

TEST(MetricsStore, UnlabelledFamiliesShowZeroBeforeTheFirstEvent) {
    metrics::Store s(64, false);
    const std::string out = render(s);
    EXPECT_NE(out.find("test_plain_total 0\n"), std::string::npos) << out;
    EXPECT_NE(out.find("test_level 0\n"), std::string::npos) << out;
    // A labelled family has no series to show yet: HELP and TYPE only.
    EXPECT_EQ(out.find("test_hits_total{"), std::string::npos) << out;
}

TEST(MetricsStore, GaugeIsSetAndSigned) {
    metrics::Store s(64, false);
    s.set(kLevel, {}, 7);
    s.set(kLevel, {}, -3);
    EXPECT_NE(render(s).find("test_level -3\n"), std::string::npos);
}

TEST(MetricsStore, HistogramBucketsAreCumulative) {
    metrics::Store s(64, false);
    s.observe(kLatency, {"/a"}, 0.05);
    s.observe(kLatency, {"/a"}, 0.1);  // on a bound: counted in that bucket (le)
    s.observe(kLatency, {"/a"}, 0.7);
    s.observe(kLatency, {"/a"}, 3);
    const std::string out = render(s);
    EXPECT_NE(out.find("test_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("test_latency_seconds_bucket{route=\"/a\",le=\"0.5\"} 2\n"),
              std::string::npos);
    EXPECT_NE(out.find("test_latency_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"),
              std::string::npos);
    EXPECT_NE(out.find("test_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"),
              std::string::npos);
    EXPECT_NE(out.find("test_latency_seconds_count{route=\"/a\"} 4\n"), std::string::npos);
    EXPECT_NE(out.find("test_latency_seconds_sum{route=\"/a\"} 3.85"), std::string::npos) << out;
}

TEST(MetricsStore, LabelValuesAreEscaped) {
    metrics::Store s(64, false);
    s.add(kHits, {"a\"b\\c\nd"}, 1);
    EXPECT_NE(render(s).find(R"(test_hits_total{route="a\"b\\c\nd"} 1)"), std::string::npos);
}

TEST(MetricsStore, WrongLabelCountIsDroppedNotMisfiled) {
    metrics::Store s(64, false);
    s.add(kHits, {}, 1);
    s.add(kPlain, {"x"}, 1);
    EXPECT_EQ(s.dropped(), 2u);
    EXPECT_NE(render(s).find("test_plain_total 0\n"), std::string::npos);
}

TEST(MetricsStore, AFullTableDropsNewSeriesAndKeepsOldOnes) {
    metrics::Store s(16, false);
    for (int i = 0; i < 40; ++i) {
        s.add(kHits, {std::to_string(i)}, 1);
    }
    std::size_t series = 0;
    s.for_each([&](const metrics::SeriesView&) { ++series; });
    EXPECT_EQ(series, 16u);
    EXPECT_EQ(s.dropped(), 24u);
}

TEST(MetricsStore, ForkedProcessesAddToOneCounterAndItSurvivesThem) {
    metrics::Store s(64, true);
    constexpr int kChildren = 4;
    constexpr int kEach = 10000;
    for (int c = 0; c < kChildren; ++c) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            for (int i = 0; i < kEach; ++i) {
                s.add(kHits, {"/shared"}, 1);
                s.observe(kLatency, {"/shared"}, 0.2);
            }
            ::_exit(0);
        }
    }
    for (int c = 0; c < kChildren; ++c) {
        int status = 0;
        ::wait(&status);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    const std::string out = render(s);
    EXPECT_NE(out.find("test_hits_total{route=\"/shared\"} 40000\n"), std::string::npos) << out;
    EXPECT_NE(out.find("test_latency_seconds_count{route=\"/shared\"} 40000\n"), std::string::npos);
    EXPECT_EQ(s.dropped(), 0u);
}

TEST(MetricsText, OpenMetricsNamesCountersWithoutTotalAndEnds) {
    metrics::Store s(64, false);
    const std::string out = render(s, metrics::Format::kOpenMetrics);
    EXPECT_NE(out.find("# TYPE test_plain counter\n"), std::string::npos) << out;
    EXPECT_NE(out.find("test_plain_total 0\n"), std::string::npos);
    EXPECT_TRUE(out.ends_with("# EOF\n"));
}

TEST(MetricsProcess, ReadsThisProcess) {
    const auto p = metrics::sample_process(::getpid());
    ASSERT_TRUE(p.has_value());
    EXPECT_GT(p->rss_bytes, 1u << 20);
    EXPECT_GE(p->open_fds, 3u);
    EXPECT_GT(p->start_time_seconds, 1.6e9);
    EXPECT_GT(metrics::max_open_fds(), p->open_fds);
    EXPECT_FALSE(metrics::sample_process(0).has_value());
}

}  // namespace
