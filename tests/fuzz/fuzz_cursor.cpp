// libFuzzer target: tournament::decode_cursor and client_cursor, which read
// the ?cursor= of every list. The first input byte picks the list, the rest
// is the cursor text. A decoded cursor has a positive id and re-encodes to a
// cursor that decodes to the same key and id; a refused one is a 422 naming
// `cursor` for client_cursor. The rest of the input, taken as a key, must
// survive encode_cursor/decode_cursor unchanged.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/cursor.hpp"
#include "domain/refusal.hpp"
#include "handlers/refusal_response.hpp"
#include "http/problem.hpp"

namespace {

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

constexpr std::string_view kLists[] = {"events", "games", "teams", "audit"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view list = kLists[data[0] % std::size(kLists)];
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

    const std::optional<tournament::Cursor> c = tournament::decode_cursor(list, text);
    if (c) {
        require(c->id > 0);
        const auto again =
            tournament::decode_cursor(list, tournament::encode_cursor(list, c->key, c->id));
        require(again && again->key == c->key && again->id == c->id);
        for (std::string_view other : kLists) {
            require(other == list || !tournament::decode_cursor(other, text));
        }
    }
    try {
        const tournament::Cursor got = tournament::client_cursor(list, std::string(text));
        require(c && got.id == c->id && got.key == c->key);
    } catch (const domain::Refusal& r) {
        const http::Problem p = api::to_problem(r);
        require(!c && p.status() == 422);
        require(nlohmann::json::accept(p.to_response("fuzz").body));
    }

    // Any key and id round-trip while the encoded cursor fits the 200-byte limit.
    const std::int64_t id = static_cast<std::int64_t>(size);
    const std::string encoded = tournament::encode_cursor(list, text, id);
    const auto back = tournament::decode_cursor(list, encoded);
    require(encoded.size() > 200 || (back && back->key == text && back->id == id));
    return 0;
}
