// migrate::MigrationSet: the NNNN_name.up.sql / NNNN_name.down.sql files of
// one migrations directory, read, normalized (CRLF -> LF), checked and
// checksummed. Used by scoreline-migrate only; no database access here.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sql_text.hpp"

namespace migrate {

// The first line that marks a file to run outside a transaction.
inline constexpr std::string_view kNoTransactionHeader = "-- scoreline:no-transaction";

// A directory that cannot be used: missing, unreadable, a badly named .sql
// file, a duplicate version, a down file without its up file, a bad header.
class LoadError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One .up.sql or .down.sql file.
struct Script {
    std::string path;       // as found under the directory, for messages
    std::string file_name;  // e.g. 0003_games_index.up.sql
    std::string text;       // normalized text: what runs and what is hashed
    bool no_transaction = false;
    // For a no-transaction CREATE INDEX CONCURRENTLY: the index it builds.
    std::optional<IndexTarget> index;
};

struct Migration {
    int version = 0;   // NNNN
    std::string name;  // the part between NNNN_ and .up.sql
    Script up;
    std::optional<Script> down;
    std::string checksum;  // lower-case hex SHA-256 of up.text

    // "0003_games_index", how the runner names a migration on its output.
    [[nodiscard]] std::string label() const;
};

class MigrationSet {
  public:
    // Reads every NNNN_name.{up,down}.sql under `dir` (not recursive). Other
    // files (CMakeLists.txt, README, runner/) are ignored; a .sql file whose
    // name does not fit the pattern is an error so typos do not go unseen.
    [[nodiscard]] static MigrationSet load(const std::string& dir);

    [[nodiscard]] const std::vector<Migration>& all() const noexcept { return migrations_; }
    [[nodiscard]] const Migration* find(int version) const noexcept;
    [[nodiscard]] const std::string& dir() const noexcept { return dir_; }

  private:
    std::string dir_;
    std::vector<Migration> migrations_;  // ascending by version
};

// "0003_games_index": a version zero-padded to four digits, "_", the name.
[[nodiscard]] std::string migration_label(int version, std::string_view name);

// CRLF becomes LF (a lone CR is kept), so a file checked out with Windows
// line endings hashes and runs the same.
[[nodiscard]] std::string normalize_line_endings(std::string_view text);

// Lower-case hex SHA-256 via OpenSSL EVP. Throws std::runtime_error if
// OpenSSL fails.
[[nodiscard]] std::string sha256_hex(std::string_view data);

}  // namespace migrate
