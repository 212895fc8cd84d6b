// bench_sse::Publisher: the load client's publishing side, in the parent
// process. Scoreline: a score PUT through the API with If-Match (the key is
// the game's new version); Nchan: a POST to its publisher location of a body
// shaped like Scoreline's payload. Records the monotonic time just before each
// request and just after its answer. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "http_client.hpp"

namespace bench_sse {

struct PublisherConfig {
    std::string kind;          // "scoreline" | "nchan"
    std::string api_base;      // scoreline: https://127.0.0.1:PORT
    std::string token;         // scoreline: bearer token of a scorekeeper/organizer/admin
    std::int64_t game_id = 0;  // scoreline: the game whose score changes
    std::string publish_url;   // nchan: http://127.0.0.1:PORT/pub/<channel>
    int message_bytes = 0;     // nchan: body size
    std::string ca_file;       // empty: no certificate verification
};

struct Published {
    std::uint64_t key;          // what the children match the event on (sse_parser.hpp)
    std::int64_t answered_ns;   // just after the answer was read completely
    std::int64_t requested_ns;  // just before the request was written
};

class Publisher {
  public:
    explicit Publisher(PublisherConfig config);

    // Reads the game's current version and score (Scoreline; nothing for
    // Nchan). False, with a message on stderr, on any error.
    [[nodiscard]] bool prepare();

    // Publishes message `seq` (1, 2, …); nullopt, with a message on stderr,
    // when the server did not accept it.
    [[nodiscard]] std::optional<Published> publish(int seq);

  private:
    std::optional<std::pair<std::uint64_t, std::int64_t>> put_score();
    std::optional<std::pair<std::uint64_t, std::int64_t>> post_nchan(int seq);

    PublisherConfig c_;
    HttpClient http_;
    std::int64_t version_ = 0;
    int home_ = 0;
};

}  // namespace bench_sse
