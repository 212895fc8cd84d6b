// tournament::CsvWriter: RFC 4180 CSV text — CRLF after every record, a field
// in double quotes when it holds a comma, a double quote, CR or LF (quotes
// inside doubled). Against spreadsheet formula injection (OWASP "CSV
// injection"), a text field that starts with '=', '+', '-', '@', TAB or CR
// gets a single quote (') in front, so a spreadsheet shows it as text and
// never evaluates it; integers written with add(int64) are left as they are.
// Pure; one writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tournament {

class CsvWriter {
  public:
    // One text field, escaped as above.
    CsvWriter& add(std::string_view text);
    // One integer field, written as digits.
    CsvWriter& add(std::int64_t number);
    // An empty field (e.g. a score not played yet).
    CsvWriter& add_empty();
    // Ends the record with CRLF.
    void end_row();

    [[nodiscard]] const std::string& text() const noexcept { return out_; }
    // The text written so far, leaving the writer empty (at a record's end):
    // a streamed export sends each page this way, so memory holds one page.
    [[nodiscard]] std::string take();

    // The escaped form of one text field, as add() writes it.
    [[nodiscard]] static std::string field(std::string_view text);

  private:
    void separate();
    std::string out_;
    bool row_started_ = false;
};

}  // namespace tournament
