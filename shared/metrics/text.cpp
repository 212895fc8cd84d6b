// Prometheus and OpenMetrics text rendering; see text.hpp.
#include "metrics/text.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

namespace metrics {
namespace {

std::string_view type_name(Type t) {
    switch (t) {
        case Type::kCounter:
            return "counter";
        case Type::kGauge:
            return "gauge";
        case Type::kHistogram:
            return "histogram";
    }
    return "untyped";
}

void append_number(std::string& out, double v) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, "%.17g", v);
    out.append(buf, static_cast<std::size_t>(n));
}

std::string bound(double le) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", le);
    return buf;
}

std::string with(std::string_view labels, std::string_view extra) {
    std::string s(labels);
    if (!s.empty()) {
        s += ',';
    }
    s += extra;
    return s;
}

void render_histogram(TextWriter& w, const Family& f, std::string_view labels,
                      const SeriesView* series) {
    const std::size_t n = std::min(f.buckets.size(), kMaxBuckets);
    const std::string bucket = std::string(f.name) + "_bucket";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= n; ++i) {
        cumulative += series != nullptr ? series->value(i) : 0;
        const std::string le = i < n ? bound(f.buckets[i]) : "+Inf";
        w.sample(bucket, with(labels, label("le", le)), cumulative);
    }
    const std::uint64_t count = series != nullptr ? series->value(n + 1) : 0;
    const std::uint64_t sum_ns = series != nullptr ? series->value(n + 2) : 0;
    w.sample(std::string(f.name) + "_sum", labels, static_cast<double>(sum_ns) / 1e9);
    w.sample(std::string(f.name) + "_count", labels, count);
}

void render_series(TextWriter& w, const Family& f, const SeriesView* s, std::string_view labels) {
    switch (f.type) {
        case Type::kCounter:
            w.sample(f.name, labels, s != nullptr ? s->value(0) : std::uint64_t{0});
            return;
        case Type::kGauge:
            w.sample(f.name, labels,
                     s != nullptr ? static_cast<std::int64_t>(s->value(0)) : std::int64_t{0});
            return;
        case Type::kHistogram:
            render_histogram(w, f, labels, s);
            return;
    }
}

void render_family(TextWriter& w, const Family& f, std::vector<SeriesView>* series) {
    w.family(f.name, f.type, f.help);
    if (series == nullptr || series->empty()) {
        if (f.label_count == 0) {
            render_series(w, f, nullptr, {});
        }
        return;
    }
    std::sort(series->begin(), series->end(),
              [](const SeriesView& a, const SeriesView& b) { return a.labels < b.labels; });
    for (const SeriesView& s : *series) {
        render_series(w, f, &s, s.labels);
    }
}

}  // namespace

std::string_view content_type(Format format) noexcept {
    return format == Format::kOpenMetrics
               ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
               : "text/plain; version=0.0.4; charset=utf-8";
}

void TextWriter::family(std::string_view name, Type type, std::string_view help) {
    // OpenMetrics names a counter family without its _total suffix.
    if (format_ == Format::kOpenMetrics && type == Type::kCounter && name.ends_with("_total")) {
        name.remove_suffix(6);
    }
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (char c : help) {
        if (c == '\\') {
            out_ += "\\\\";
        } else if (c == '\n') {
            out_ += "\\n";
        } else {
            out_ += c;
        }
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type_name(type);
    out_ += '\n';
}

void TextWriter::name_and_labels(std::string_view name, std::string_view labels) {
    out_ += name;
    if (!labels.empty()) {
        out_ += '{';
        out_ += labels;
        out_ += '}';
    }
    out_ += ' ';
}

void TextWriter::sample(std::string_view name, std::string_view labels, double value) {
    name_and_labels(name, labels);
    append_number(out_, value);
    out_ += '\n';
}

void TextWriter::sample(std::string_view name, std::string_view labels, std::uint64_t value) {
    name_and_labels(name, labels);
    out_ += std::to_string(value);
    out_ += '\n';
}

void TextWriter::sample(std::string_view name, std::string_view labels, std::int64_t value) {
    name_and_labels(name, labels);
    out_ += std::to_string(value);
    out_ += '\n';
}

void TextWriter::scalar(std::string_view name, Type type, std::string_view help, double value) {
    family(name, type, help);
    sample(name, {}, value);
}

void TextWriter::finish() {
    if (format_ == Format::kOpenMetrics) {
        out_ += "# EOF\n";
    }
}

std::string label(std::string_view name, std::string_view value) {
    std::string s(name);
    s += "=\"";
    for (char c : value) {
        if (c == '\\' || c == '"') {
            s += '\\';
            s += c;
        } else if (c == '\n') {
            s += "\\n";
        } else {
            s += c;
        }
    }
    s += '"';
    return s;
}

void render(TextWriter& w, const Store& store, std::span<const Family* const> catalog) {
    std::map<const Family*, std::vector<SeriesView>> by_family;
    std::vector<const Family*> others;
    store.for_each([&](const SeriesView& s) {
        auto& v = by_family[s.family];
        if (v.empty() && std::find(catalog.begin(), catalog.end(), s.family) == catalog.end()) {
            others.push_back(s.family);
        }
        v.push_back(s);
    });
    for (const Family* f : catalog) {
        auto it = by_family.find(f);
        render_family(w, *f, it == by_family.end() ? nullptr : &it->second);
    }
    for (const Family* f : others) {
        render_family(w, *f, &by_family[f]);
    }
}

}  // namespace metrics
