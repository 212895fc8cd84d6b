// bench_sse::run_child: one load-client child process. It opens its share of
// the EventSource connections from its own loopback source addresses with one
// epoll loop (non-blocking sockets, OpenSSL in non-blocking mode), tells the
// parent when all are subscribed, records when each message reaches each
// connection, and on the parent's END writes the latencies to a file.
//
// Pipe protocol (text lines):
//   child → parent: "SUB <subscribed> <failed>", "DONE <data_bytes>", "ERR <text>"
//   parent → child: "PUB <key> <answered_ns> <requested_ns>", "END <timeout_ms>"
//   (answered: just after the publish answer was read; requested: just before
//   the publish request was written)
// Result file: a text line "delivered D missing M duplicates U lost L other O
// messages K\n", a line of K counts (deliveries of each message, in publish
// order), then D int64 latencies from the answer and D from the request, in
// nanoseconds (native byte order), grouped by message in the same order.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>

namespace bench_sse {

struct ChildPlan {
    int index = 0;
    int connections = 0;
    std::uint32_t first_source = 0;  // host byte order; addresses used round-robin
    int sources = 1;                 // how many consecutive addresses (skipping .0/.255)
    sockaddr_in target{};
    bool tls = true;
    std::string ca_file;       // empty: no certificate verification
    std::string request;       // the complete HTTP request (GET … Accept: text/event-stream)
    std::string event_filter;  // only events of this type count ("" = any)
    int max_pending = 256;     // connections being set up at once
    int retries = 3;           // per connection, while subscribing
    int retry_delay_ms = 1000;
    int connect_timeout_ms = 120000;  // from start until every connection is settled
    int hard_deadline_ms = 600000;    // the child exits by then whatever happens
    int status_fd = -1;
    int command_fd = -1;
    std::string result_path;
};

// Never returns: exits 0 after DONE, 1 on a fatal error (reported as ERR).
[[noreturn]] void run_child(const ChildPlan& plan);

// The i-th address of a source range starting at `first` (host order),
// skipping addresses whose last octet is 0 or 255.
[[nodiscard]] std::uint32_t nth_source(std::uint32_t first, int i);

[[nodiscard]] std::int64_t monotonic_ns();

}  // namespace bench_sse
