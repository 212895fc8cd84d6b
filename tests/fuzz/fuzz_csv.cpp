// libFuzzer target: tournament::CsvWriter, the escaping of CSV exports. The
// input is split at 0x00 into fields and at 0x01 into rows (neither byte
// otherwise special). The written text is read back with a strict RFC 4180
// reader: every record and field must come back, each field equal to its
// input (after the quote put in front of a formula), and no field may start
// as a formula a spreadsheet would evaluate.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "export/csv_writer.hpp"

namespace {

using Rows = std::vector<std::vector<std::string>>;

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

bool starts_formula(std::string_view s) {
    return !s.empty() && (s.front() == '=' || s.front() == '+' || s.front() == '-' ||
                          s.front() == '@' || s.front() == '\t' || s.front() == '\r');
}

// RFC 4180: records end with CRLF; a field is plain (no comma, quote, CR or
// LF) or quoted with inner quotes doubled. nullopt for anything else.
std::optional<Rows> read_csv(std::string_view text) {
    Rows rows;
    std::vector<std::string> row;
    std::size_t i = 0;
    while (i < text.size()) {
        std::string field;
        if (text[i] == '"') {
            ++i;
            while (true) {
                if (i >= text.size()) {
                    return std::nullopt;
                }
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r') {
                if (text[i] == '"' || text[i] == '\n') {
                    return std::nullopt;
                }
                field += text[i++];
            }
        }
        row.push_back(std::move(field));
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        if (text.substr(i, 2) != "\r\n") {
            return std::nullopt;
        }
        i += 2;
        rows.push_back(std::move(row));
        row.clear();
    }
    if (!row.empty()) {
        return std::nullopt;
    }
    return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    Rows expected(1);
    std::string field;
    for (char c : input) {
        if (c == '\0' || c == '\x01') {
            expected.back().push_back(std::move(field));
            field.clear();
            if (c == '\x01') {
                expected.emplace_back();
            }
        } else {
            field += c;
        }
    }
    expected.back().push_back(std::move(field));

    tournament::CsvWriter csv;
    for (const auto& row : expected) {
        for (const auto& f : row) {
            (void)csv.add(f);
        }
        csv.end_row();
    }
    (void)csv.add(static_cast<std::int64_t>(-static_cast<std::int64_t>(size))).add_empty();
    csv.end_row();

    const auto got = read_csv(csv.text());
    require(got.has_value());
    require(got->size() == expected.size() + 1);
    for (std::size_t r = 0; r < expected.size(); ++r) {
        require((*got)[r].size() == expected[r].size());
        for (std::size_t f = 0; f < expected[r].size(); ++f) {
            const std::string& in = expected[r][f];
            const std::string& out = (*got)[r][f];
            require(!starts_formula(out));
            require(out == (starts_formula(in) ? "'" + in : in));
            require(tournament::CsvWriter::field(in).size() >= in.size());
        }
    }
    // Numbers are written as they are, a negative one included.
    require(got->back().size() == 2 && got->back()[1].empty());
    require(got->back()[0] == std::to_string(-static_cast<std::int64_t>(size)));
    return 0;
}
