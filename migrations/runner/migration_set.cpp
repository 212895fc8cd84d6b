// Reading, checking and checksumming a migrations directory (see
// migration_set.hpp).
#include "migration_set.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace migrate {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDirectivePrefix = "-- scoreline:";

struct FileName {
    int version = 0;
    std::string name;
    bool up = true;
};

// Parses NNNN_name.up.sql / NNNN_name.down.sql; name is [a-z0-9_]+.
[[nodiscard]] std::optional<FileName> parse_file_name(std::string_view f) {
    FileName out;
    std::string_view rest;
    if (f.ends_with(".up.sql")) {
        rest = f.substr(0, f.size() - 7);
    } else if (f.ends_with(".down.sql")) {
        rest = f.substr(0, f.size() - 9);
        out.up = false;
    } else {
        return std::nullopt;
    }
    if (rest.size() < 6 || rest[4] != '_') {
        return std::nullopt;
    }
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + 4, out.version);
    if (ec != std::errc{} || p != rest.data() + 4 || out.version <= 0 ||
        !std::all_of(rest.begin(), rest.begin() + 4, [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    out.name = std::string(rest.substr(5));
    const bool name_ok = std::all_of(out.name.begin(), out.name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    return name_ok ? std::optional<FileName>(out) : std::nullopt;
}

[[nodiscard]] std::string read_whole_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw LoadError(path.string() + ": cannot read");
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

[[nodiscard]] std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// Reads the `-- scoreline:` directives and checks what a no-transaction file
// must satisfy. Throws LoadError naming the file and line.
void read_directives(Script& script) {
    std::string_view text = script.text;
    int line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const auto nl = text.find('\n');
        const std::string_view line = trim_right(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!line.starts_with(kDirectivePrefix)) {
            continue;
        }
        if (line_no == 1 && line == kNoTransactionHeader) {
            script.no_transaction = true;
            continue;
        }
        throw LoadError(script.path + ":" + std::to_string(line_no) + ": unknown or misplaced '" +
                        std::string(line) + "' (the only directive is '" +
                        std::string(kNoTransactionHeader) + "', on the first line)");
    }
    if (!script.no_transaction) {
        return;
    }
    const int statements = count_statements(script.text);
    if (statements != 1) {
        throw LoadError(script.path +
                        ": a no-transaction migration holds exactly one statement, "
                        "this one holds " +
                        std::to_string(statements));
    }
    ConcurrentIndex cic = inspect_concurrent_index(script.text);
    if (cic.is_create_index_concurrently && !cic.target) {
        throw LoadError(script.path +
                        ": CREATE INDEX CONCURRENTLY must name its index and table "
                        "(CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON table ...), so that an "
                        "INVALID index left by a failed attempt can be found and dropped");
    }
    script.index = std::move(cic.target);
}

[[nodiscard]] Script load_script(const fs::path& path) {
    Script s;
    s.path = path.string();
    s.file_name = path.filename().string();
    s.text = normalize_line_endings(read_whole_file(path));
    read_directives(s);
    return s;
}

}  // namespace

std::string migration_label(int version, std::string_view name) {
    std::string v = std::to_string(version);
    return std::string(4 - std::min<std::size_t>(4, v.size()), '0') + v + "_" + std::string(name);
}

std::string Migration::label() const {
    return migration_label(version, name);
}

MigrationSet MigrationSet::load(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw LoadError("migrations directory " + dir + " does not exist or is not a directory");
    }
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".sql") {
            paths.push_back(entry.path());
        }
    }
    if (ec) {
        throw LoadError("cannot list " + dir + ": " + ec.message());
    }
    std::sort(paths.begin(), paths.end());

    std::map<int, Migration> ups;
    std::map<int, Script> downs;
    std::map<int, std::string> down_names;
    for (const fs::path& p : paths) {
        const std::string f = p.filename().string();
        const auto parsed = parse_file_name(f);
        if (!parsed) {
            throw LoadError(p.string() +
                            ": not a migration name (NNNN_name.up.sql or NNNN_name.down.sql, "
                            "NNNN from 0001, name of a-z 0-9 _)");
        }
        if (parsed->up) {
            Migration m;
            m.version = parsed->version;
            m.name = parsed->name;
            m.up = load_script(p);
            m.checksum = sha256_hex(m.up.text);
            if (auto [it, fresh] = ups.emplace(m.version, std::move(m)); !fresh) {
                throw LoadError(p.string() + ": version " + std::to_string(parsed->version) +
                                " is taken by " + it->second.up.file_name);
            }
        } else {
            if (auto [it, fresh] = downs.emplace(parsed->version, load_script(p)); !fresh) {
                throw LoadError(p.string() + ": version " + std::to_string(parsed->version) +
                                " already has a down file, " + it->second.file_name);
            }
            down_names[parsed->version] = parsed->name;
        }
    }
    for (auto& [version, script] : downs) {
        auto it = ups.find(version);
        if (it == ups.end() || it->second.name != down_names[version]) {
            throw LoadError(script.path + ": no matching up file");
        }
        it->second.down = std::move(script);
    }
    if (ups.empty()) {
        // Almost always a wrong --dir or SCORELINE_MIGRATIONS_DIR.
        throw LoadError("no migrations (NNNN_name.up.sql) in " + dir);
    }
    MigrationSet set;
    set.dir_ = dir;
    for (auto& [version, m] : ups) {
        set.migrations_.push_back(std::move(m));
    }
    return set;
}

const Migration* MigrationSet::find(int version) const noexcept {
    for (const Migration& m : migrations_) {
        if (m.version == version) {
            return &m;
        }
    }
    return nullptr;
}

std::string normalize_line_endings(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;  // the \n that follows is kept
        }
        out += text[i];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL EVP_Digest(SHA-256) failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0x0F];
    }
    return out;
}

}  // namespace migrate
