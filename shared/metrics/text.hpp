// metrics::TextWriter: the Prometheus text exposition format (0.0.4) and its
// OpenMetrics variant, written by both servers: scoreline-api's /metrics and
// /status?openmetrics, scoreline-sse's /metrics. render() writes every series
// of a Store, in the order of a catalogue of families.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "metrics/family.hpp"
#include "metrics/store.hpp"

namespace metrics {

enum class Format { kPrometheus, kOpenMetrics };

// The Content-Type of each format.
[[nodiscard]] std::string_view content_type(Format format) noexcept;

class TextWriter {
  public:
    explicit TextWriter(std::string& out, Format format = Format::kPrometheus)
        : out_(out), format_(format) {}

    // The HELP and TYPE lines of a family.
    void family(std::string_view name, Type type, std::string_view help);
    // One sample line; `labels` is rendered label pairs (label() builds them).
    void sample(std::string_view name, std::string_view labels, double value);
    void sample(std::string_view name, std::string_view labels, std::uint64_t value);
    void sample(std::string_view name, std::string_view labels, std::int64_t value);
    // A family with one unlabelled sample.
    void scalar(std::string_view name, Type type, std::string_view help, double value);
    // The end of the exposition (OpenMetrics' `# EOF`).
    void finish();

    [[nodiscard]] Format format() const noexcept { return format_; }

  private:
    void name_and_labels(std::string_view name, std::string_view labels);
    std::string& out_;
    Format format_;
};

// `name="value"` with the text format's escapes; join several with ','.
[[nodiscard]] std::string label(std::string_view name, std::string_view value);

// Every series of `store`: the families of `catalog` in its order (an
// unlabelled counter, gauge or histogram shows 0 before its first event),
// then any other family found in the store.
void render(TextWriter& w, const Store& store, std::span<const Family* const> catalog);

}  // namespace metrics
