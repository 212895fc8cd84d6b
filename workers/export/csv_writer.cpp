// RFC 4180 CSV with formula-injection escaping; see csv_writer.hpp.
#include "export/csv_writer.hpp"

namespace tournament {

std::string CsvWriter::field(std::string_view text) {
    std::string value;
    if (!text.empty()) {
        const char first = text.front();
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
            first == '\r') {
            value += '\'';
        }
    }
    value += text;
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        return value;
    }
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"') {
            quoted += '"';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

void CsvWriter::separate() {
    if (row_started_) {
        out_ += ',';
    }
    row_started_ = true;
}

CsvWriter& CsvWriter::add(std::string_view text) {
    separate();
    out_ += field(text);
    return *this;
}

CsvWriter& CsvWriter::add(std::int64_t number) {
    separate();
    out_ += std::to_string(number);
    return *this;
}

CsvWriter& CsvWriter::add_empty() {
    separate();
    return *this;
}

std::string CsvWriter::take() {
    std::string text = std::move(out_);
    out_.clear();
    row_started_ = false;
    return text;
}

void CsvWriter::end_row() {
    out_ += "\r\n";
    row_started_ = false;
}

}  // namespace tournament
