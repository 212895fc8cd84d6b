// scoreline-sse-load: the SSE fan-out load client (bench/sse/README.md).
// The parent process forks K children (load_child.cpp) that hold N
// EventSource connections between them, waits until all are subscribed,
// publishes M messages one interval apart (a score PUT through the Scoreline
// API, or a POST to Nchan's publisher), tells the children the time just after
// each publish answered, and merges their per-(connection, message) latencies
// into one JSON record: p50/p95/p99/max, missing deliveries, connect time and
// RSS per connection of the server processes named with --rss.
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "load_child.hpp"
#include "publisher.hpp"
#include "sse_parser.hpp"

namespace bench_sse {
namespace {

constexpr int kMaxPerProcess = 15000;

struct Options {
    std::string url;
    int connections = 1000;
    int processes = 0;
    int per_address = 20;
    std::string source_base = "127.16.0.1";
    std::string ca_file;
    bool insecure = false;
    std::string event_type;
    std::string publish;  // "scoreline" | "nchan"
    std::string api_base;
    std::string token;
    std::int64_t game_id = 0;
    std::string publish_url;
    int message_bytes = 0;
    int messages = 10;
    int interval_ms = 1000;
    int warmup = 1;
    int connect_timeout_s = 180;
    int deliver_timeout_s = 15;
    int max_pending = 256;
    int settle_ms = 1000;
    std::vector<std::pair<std::string, std::vector<int>>> rss;
    std::map<std::string, long> rss_baseline;  // kB, instead of measuring before connecting
    std::string target;
    std::string output;
    std::string work_dir = "/tmp";
    std::string command;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(
        stderr,
        "scoreline-sse-load: %s\n"
        "usage: scoreline-sse-load --url https://127.0.0.1:PORT/PATH --connections N\n"
        "         [--processes K] [--per-address P] [--source-base 127.16.0.1]\n"
        "         [--cacert FILE | --insecure] [--event-type TYPE]\n"
        "         --publish scoreline --api-base https://127.0.0.1:PORT\n"
        "           (--token-file FILE | --token T) --game-id G\n"
        "       | --publish nchan --publish-url http://127.0.0.1:PORT/pub?id=X --message-bytes B\n"
        "         [--messages M] [--interval-ms MS] [--warmup W] [--connect-timeout-s S]\n"
        "         [--deliver-timeout-s S] [--max-pending C] [--settle-ms MS]\n"
        "         [--rss NAME=PID,PID,...]... [--rss-baseline NAME=KB]... [--target LABEL] "
        "[--output FILE] [--work-dir DIR]\n",
        why);
    std::exit(2);
}

std::string shell_quote(const std::string& s) {
    if (!s.empty() &&
        s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "-_./:=,@%+") == std::string::npos) {
        return s;
    }
    std::string out = "'";
    for (char c : s) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 0; i < argc; ++i) {
        o.command += (i ? " " : "") + shell_quote(argv[i]);
    }
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(("missing value after " + a).c_str());
            }
            return argv[++i];
        };
        auto number = [&]() -> long long {
            const std::string v = value();
            char* end = nullptr;
            const long long n = std::strtoll(v.c_str(), &end, 10);
            if (end == v.c_str() || *end != '\0' || n < 0) {
                usage((a + ": not a number: " + v).c_str());
            }
            return n;
        };
        if (a == "--help" || a == "-h") {
            usage("the SSE fan-out load client (bench/sse/README.md)");
        } else if (a == "--url") {
            o.url = value();
        } else if (a == "--connections") {
            o.connections = static_cast<int>(number());
        } else if (a == "--processes") {
            o.processes = static_cast<int>(number());
        } else if (a == "--per-address") {
            o.per_address = static_cast<int>(number());
        } else if (a == "--source-base") {
            o.source_base = value();
        } else if (a == "--cacert") {
            o.ca_file = value();
        } else if (a == "--insecure") {
            o.insecure = true;
        } else if (a == "--event-type") {
            o.event_type = value();
        } else if (a == "--publish") {
            o.publish = value();
        } else if (a == "--api-base") {
            o.api_base = value();
        } else if (a == "--token") {
            o.token = value();
        } else if (a == "--token-file") {
            std::ifstream f(value());
            std::getline(f, o.token);
            while (!o.token.empty() && std::isspace(static_cast<unsigned char>(o.token.back()))) {
                o.token.pop_back();
            }
        } else if (a == "--game-id") {
            o.game_id = number();
        } else if (a == "--publish-url") {
            o.publish_url = value();
        } else if (a == "--message-bytes") {
            o.message_bytes = static_cast<int>(number());
        } else if (a == "--messages") {
            o.messages = static_cast<int>(number());
        } else if (a == "--interval-ms") {
            o.interval_ms = static_cast<int>(number());
        } else if (a == "--warmup") {
            o.warmup = static_cast<int>(number());
        } else if (a == "--connect-timeout-s") {
            o.connect_timeout_s = static_cast<int>(number());
        } else if (a == "--deliver-timeout-s") {
            o.deliver_timeout_s = static_cast<int>(number());
        } else if (a == "--max-pending") {
            o.max_pending = static_cast<int>(number());
        } else if (a == "--settle-ms") {
            o.settle_ms = static_cast<int>(number());
        } else if (a == "--rss") {
            const std::string v = value();
            const auto eq = v.find('=');
            if (eq == std::string::npos) {
                usage("--rss wants NAME=PID,PID,...");
            }
            std::vector<int> pids;
            std::stringstream ss(v.substr(eq + 1));
            std::string p;
            while (std::getline(ss, p, ',')) {
                if (!p.empty()) {
                    pids.push_back(std::atoi(p.c_str()));
                }
            }
            o.rss.emplace_back(v.substr(0, eq), pids);
        } else if (a == "--rss-baseline") {
            const std::string v = value();
            const auto eq = v.find('=');
            if (eq == std::string::npos) {
                usage("--rss-baseline wants NAME=KB");
            }
            o.rss_baseline[v.substr(0, eq)] = std::atol(v.c_str() + eq + 1);
        } else if (a == "--target") {
            o.target = value();
        } else if (a == "--output") {
            o.output = value();
        } else if (a == "--work-dir") {
            o.work_dir = value();
        } else {
            usage(("unknown option " + a).c_str());
        }
    }
    if (o.url.empty() || o.connections <= 0 || o.messages <= 0) {
        usage("--url, --connections > 0 and --messages > 0 are required");
    }
    if (o.publish == "scoreline") {
        if (o.api_base.empty() || o.token.empty() || o.game_id <= 0) {
            usage("--publish scoreline needs --api-base, --token and --game-id");
        }
    } else if (o.publish == "nchan") {
        if (o.publish_url.empty() || o.message_bytes < 64) {
            usage("--publish nchan needs --publish-url and --message-bytes >= 64");
        }
    } else {
        usage("--publish scoreline|nchan is required");
    }
    if (o.processes == 0) {
        o.processes = (o.connections + kMaxPerProcess - 1) / kMaxPerProcess;
    }
    if (o.connections / o.processes > kMaxPerProcess + 1) {
        usage("more than 15000 connections per process: raise --processes");
    }
    if (o.ca_file.empty() && !o.insecure && o.url.starts_with("https://")) {
        usage("https needs --cacert FILE (or --insecure)");
    }
    if (o.target.empty()) {
        o.target = o.publish;
    }
    return o;
}

// Sum of VmRSS (kB) of the pids; -1 when there are none or one cannot be read.
long rss_kb(const std::vector<int>& pids) {
    if (pids.empty()) {
        return -1;
    }
    long total = 0;
    for (int pid : pids) {
        std::ifstream f("/proc/" + std::to_string(pid) + "/status");
        std::string line;
        bool found = false;
        while (std::getline(f, line)) {
            if (line.starts_with("VmRSS:")) {
                total += std::atol(line.c_str() + 6);
                found = true;
                break;
            }
        }
        if (!found) {
            return -1;
        }
    }
    return total;
}

// Sum of user + system CPU time (µs) of the pids, from /proc/<pid>/stat
// (a zombie not yet reaped still has its times); -1 when one cannot be read.
long long cpu_us(const std::vector<int>& pids) {
    if (pids.empty()) {
        return -1;
    }
    long long ticks = 0;
    for (int pid : pids) {
        std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
        std::string stat;
        std::getline(f, stat);
        const auto paren = stat.rfind(')');
        if (paren == std::string::npos) {
            return -1;
        }
        std::istringstream rest(stat.substr(paren + 2));
        std::string field;
        long long utime = 0;
        long long stime = 0;
        // Fields 3..13 precede utime (14) and stime (15).
        for (int i = 3; i <= 13; ++i) {
            rest >> field;
        }
        rest >> utime >> stime;
        ticks += utime + stime;
    }
    return ticks * 1000000 / ::sysconf(_SC_CLK_TCK);
}

struct ChildProc {
    pid_t pid = -1;
    int status_fd = -1;   // parent reads
    int command_fd = -1;  // parent writes
    std::string result_path;
    std::string buf;
    bool subscribed_reported = false;
    int subscribed = 0;
    int failed = 0;
    bool done = false;
    std::size_t data_bytes = 0;
};

void write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        const long n = ::write(fd, s.data() + off, s.size() - off);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return;
        }
        off += static_cast<std::size_t>(n);
    }
}

class Parent {
  public:
    explicit Parent(Options o) : o_(std::move(o)) {}
    int run();

  private:
    void spawn();
    // Reads what children wrote, up to timeout_ms; false when a child failed.
    [[nodiscard]] bool pump(int timeout_ms);
    void kill_children();
    [[nodiscard]] std::string request_text() const;

    Options o_;
    std::vector<ChildProc> kids_;
    std::string error_;
};

std::string Parent::request_text() const {
    std::string rest = o_.url.substr(o_.url.find("//") + 2);
    const auto slash = rest.find('/');
    const std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
    return "GET " + path +
           " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCache-Control: "
           "no-cache\r\n"
           "User-Agent: scoreline-sse-load\r\n\r\n";
}

void Parent::spawn() {
    std::string rest = o_.url.substr(o_.url.find("//") + 2);
    rest = rest.substr(0, rest.find('/'));
    const auto colon = rest.rfind(':');
    const bool tls = o_.url.starts_with("https://");
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(static_cast<std::uint16_t>(
        colon == std::string::npos ? (tls ? 443 : 80) : std::atoi(rest.c_str() + colon + 1)));
    std::string host = rest.substr(0, colon);
    if (host == "localhost") {
        host = "127.0.0.1";
    }
    if (::inet_pton(AF_INET, host.c_str(), &target.sin_addr) != 1) {
        usage("--url must name an IPv4 loopback address");
    }
    in_addr base{};
    if (::inet_pton(AF_INET, o_.source_base.c_str(), &base) != 1 ||
        (ntohl(base.s_addr) >> 24) != 127) {
        usage("--source-base must be an address in 127.0.0.0/8");
    }
    const std::string request = request_text();
    const int k = o_.processes;
    for (int i = 0; i < k; ++i) {
        const int share = o_.connections / k + (i < o_.connections % k ? 1 : 0);
        int up[2];
        int down[2];
        if (::pipe2(up, O_CLOEXEC) != 0 || ::pipe2(down, O_CLOEXEC) != 0) {
            std::perror("pipe");
            std::exit(2);
        }
        ChildProc kid;
        kid.result_path = o_.work_dir + "/sse-load-" + std::to_string(::getpid()) + "-" +
                          std::to_string(i) + ".bin";
        ChildPlan plan;
        plan.index = i;
        plan.connections = share;
        // Child i takes 127.(b+i).x.y: its own /16, so no two children share an address.
        plan.first_source = ntohl(base.s_addr) + (static_cast<std::uint32_t>(i) << 16);
        plan.sources = std::max(1, (share + o_.per_address - 1) / o_.per_address);
        plan.target = target;
        plan.tls = tls;
        plan.ca_file = o_.insecure ? "" : o_.ca_file;
        plan.request = request;
        plan.event_filter = o_.event_type;
        plan.max_pending = o_.max_pending;
        plan.connect_timeout_ms = o_.connect_timeout_s * 1000;
        plan.hard_deadline_ms = (o_.connect_timeout_s + o_.deliver_timeout_s + 60) * 1000 +
                                (o_.messages + o_.warmup + 2) * o_.interval_ms + o_.settle_ms +
                                30000;
        plan.status_fd = up[1];
        plan.command_fd = down[0];
        plan.result_path = kid.result_path;
        std::fflush(nullptr);
        const pid_t pid = ::fork();
        if (pid < 0) {
            std::perror("fork");
            std::exit(2);
        }
        if (pid == 0) {
            for (const ChildProc& other : kids_) {
                ::close(other.status_fd);
                ::close(other.command_fd);
            }
            ::close(up[0]);
            ::close(down[1]);
            run_child(plan);
        }
        ::close(up[1]);
        ::close(down[0]);
        kid.pid = pid;
        kid.status_fd = up[0];
        kid.command_fd = down[1];
        kids_.push_back(std::move(kid));
    }
}

bool Parent::pump(int timeout_ms) {
    std::vector<pollfd> fds;
    for (const ChildProc& c : kids_) {
        fds.push_back(pollfd{c.status_fd, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) {
        return true;
    }
    for (std::size_t i = 0; i < kids_.size(); ++i) {
        if (fds[i].revents == 0) {
            continue;
        }
        ChildProc& c = kids_[i];
        char tmp[4096];
        const long n = ::read(c.status_fd, tmp, sizeof tmp);
        if (n <= 0) {
            if (!c.done) {
                error_ = "child " + std::to_string(i) + " exited early (see its messages above)";
                return false;
            }
            continue;
        }
        c.buf.append(tmp, static_cast<std::size_t>(n));
        std::size_t nl = 0;
        while ((nl = c.buf.find('\n')) != std::string::npos) {
            const std::string line = c.buf.substr(0, nl);
            c.buf.erase(0, nl + 1);
            unsigned long long bytes = 0;
            if (std::sscanf(line.c_str(), "SUB %d %d", &c.subscribed, &c.failed) == 2) {
                c.subscribed_reported = true;
            } else if (std::sscanf(line.c_str(), "DONE %llu", &bytes) == 1) {
                c.done = true;
                c.data_bytes = bytes;
            } else if (line.starts_with("ERR ")) {
                std::fprintf(stderr, "scoreline-sse-load: child %zu: %s\n", i, line.c_str() + 4);
            }
        }
    }
    return true;
}

void Parent::kill_children() {
    for (const ChildProc& c : kids_) {
        if (c.pid > 0) {
            ::kill(c.pid, SIGKILL);
        }
    }
    for (const ChildProc& c : kids_) {
        if (c.pid > 0) {
            ::waitpid(c.pid, nullptr, 0);
        }
    }
}

double percentile_ms(const std::vector<std::int64_t>& sorted, double p) {
    if (sorted.empty()) {
        return std::nan("");
    }
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    rank = std::clamp<std::size_t>(rank, 1, sorted.size());
    return std::round(static_cast<double>(sorted[rank - 1]) / 1e3) / 1e3;
}

int Parent::run() {
    Publisher publisher(PublisherConfig{o_.publish, o_.api_base, o_.token, o_.game_id,
                                        o_.publish_url, o_.message_bytes,
                                        o_.insecure ? "" : o_.ca_file});
    if (!publisher.prepare()) {
        return 2;
    }
    std::map<std::string, long> rss_before;
    for (const auto& [name, pids] : o_.rss) {
        const auto given = o_.rss_baseline.find(name);
        rss_before[name] = given != o_.rss_baseline.end() ? given->second : rss_kb(pids);
    }
    const std::int64_t t0 = monotonic_ns();
    spawn();
    std::fprintf(stderr, "scoreline-sse-load: %d connections in %d processes to %s\n",
                 o_.connections, o_.processes, o_.url.c_str());
    auto all = [&](auto pred) { return std::all_of(kids_.begin(), kids_.end(), pred); };
    const std::int64_t connect_deadline = t0 + std::int64_t{o_.connect_timeout_s + 10} * 1000000000;
    while (!all([](const ChildProc& c) { return c.subscribed_reported; })) {
        if (!pump(200) || monotonic_ns() > connect_deadline) {
            std::fprintf(stderr, "scoreline-sse-load: %s\n",
                         error_.empty() ? "subscribing timed out" : error_.c_str());
            kill_children();
            return 2;
        }
    }
    const double connect_s = static_cast<double>(monotonic_ns() - t0) / 1e9;
    int subscribed = 0;
    int failed = 0;
    for (const ChildProc& c : kids_) {
        subscribed += c.subscribed;
        failed += c.failed;
    }
    std::fprintf(stderr, "scoreline-sse-load: %d subscribed, %d failed, in %.2f s\n", subscribed,
                 failed, connect_s);
    std::this_thread::sleep_for(std::chrono::milliseconds(o_.settle_ms));
    nlohmann::json rss_per_conn = nlohmann::json::object();
    for (const auto& [name, pids] : o_.rss) {
        const long after = rss_kb(pids);
        const long before = rss_before[name];
        if (before >= 0 && after >= 0) {
            rss_per_conn[name] =
                std::round(static_cast<double>(after - before) / o_.connections * 100.0) / 100.0;
            std::fprintf(stderr, "scoreline-sse-load: RSS %s %ld kB -> %ld kB\n", name.c_str(),
                         before, after);
        } else {
            rss_per_conn[name] = nullptr;
        }
    }
    // Warm-up messages go out first and are not announced (not measured).
    const int total = o_.warmup + o_.messages;
    std::vector<std::int64_t> publish_ns;  // request → answer of each measured publish
    // CPU time of each measured process group and of the client's children
    // over the measured messages: a noise-free cost per delivery.
    std::vector<std::pair<std::string, std::vector<int>>> cpu_groups = o_.rss;
    std::vector<int> client_pids;
    for (const ChildProc& c : kids_) {
        client_pids.push_back(c.pid);
    }
    cpu_groups.emplace_back("client", client_pids);
    std::vector<long long> cpu_before(cpu_groups.size(), -1);
    const std::int64_t start = monotonic_ns();
    for (int m = 0; m < total; ++m) {
        const std::int64_t due = start + std::int64_t{m} * o_.interval_ms * 1000000;
        while (monotonic_ns() < due) {
            if (!pump(static_cast<int>(
                    std::max<std::int64_t>(1, (due - monotonic_ns()) / 1000000)))) {
                std::fprintf(stderr, "scoreline-sse-load: %s\n", error_.c_str());
                kill_children();
                return 2;
            }
        }
        if (m == o_.warmup) {
            for (std::size_t g = 0; g < cpu_groups.size(); ++g) {
                cpu_before[g] = cpu_us(cpu_groups[g].second);
            }
        }
        const auto sent = publisher.publish(m + 1);
        if (!sent) {
            kill_children();
            return 2;
        }
        if (m >= o_.warmup) {
            const std::string line = "PUB " + std::to_string(sent->key) + " " +
                                     std::to_string(sent->answered_ns) + " " +
                                     std::to_string(sent->requested_ns) + "\n";
            publish_ns.push_back(sent->answered_ns - sent->requested_ns);
            for (const ChildProc& c : kids_) {
                write_all(c.command_fd, line);
            }
        }
    }
    const std::string end = "END " + std::to_string(o_.deliver_timeout_s * 1000) + "\n";
    for (const ChildProc& c : kids_) {
        write_all(c.command_fd, end);
    }
    const std::int64_t done_deadline =
        monotonic_ns() + std::int64_t{o_.deliver_timeout_s + 60} * 1000000000;
    while (!all([](const ChildProc& c) { return c.done; })) {
        if (!pump(200) || monotonic_ns() > done_deadline) {
            std::fprintf(stderr, "scoreline-sse-load: %s\n",
                         error_.empty() ? "children did not finish" : error_.c_str());
            kill_children();
            return 2;
        }
    }
    std::vector<long long> cpu_after(cpu_groups.size(), -1);
    for (std::size_t g = 0; g < cpu_groups.size(); ++g) {
        cpu_after[g] = cpu_us(cpu_groups[g].second);
    }
    std::vector<std::int64_t> latencies;
    std::vector<std::int64_t> from_request;
    std::vector<std::vector<std::int64_t>> per_message;  // from the request, per message
    std::size_t missing = 0;
    std::size_t duplicates = 0;
    std::size_t lost = 0;
    std::size_t data_bytes = 0;
    for (ChildProc& c : kids_) {
        ::waitpid(c.pid, nullptr, 0);
        c.pid = -1;
        std::ifstream f(c.result_path, std::ios::binary);
        std::string header;
        std::getline(f, header);
        std::size_t delivered = 0;
        std::size_t m = 0;
        std::size_t d = 0;
        std::size_t l = 0;
        std::size_t other = 0;
        std::size_t k = 0;
        if (std::sscanf(header.c_str(),
                        "delivered %zu missing %zu duplicates %zu lost %zu other %zu messages %zu",
                        &delivered, &m, &d, &l, &other, &k) != 6) {
            std::fprintf(stderr, "scoreline-sse-load: unreadable result %s\n",
                         c.result_path.c_str());
            return 2;
        }
        std::vector<std::size_t> counts(k);
        for (std::size_t& count : counts) {
            f >> count;
        }
        f.ignore(2, '\n');
        std::vector<std::int64_t> mine(delivered);
        std::vector<std::int64_t> mine_req(delivered);
        f.read(reinterpret_cast<char*>(mine.data()),
               static_cast<std::streamsize>(delivered * sizeof(std::int64_t)));
        f.read(reinterpret_cast<char*>(mine_req.data()),
               static_cast<std::streamsize>(delivered * sizeof(std::int64_t)));
        per_message.resize(std::max(per_message.size(), k));
        std::size_t at = 0;
        for (std::size_t i = 0; i < k; ++i) {
            per_message[i].insert(per_message[i].end(), mine_req.begin() + static_cast<long>(at),
                                  mine_req.begin() + static_cast<long>(at + counts[i]));
            at += counts[i];
        }
        latencies.insert(latencies.end(), mine.begin(), mine.end());
        from_request.insert(from_request.end(), mine_req.begin(), mine_req.end());
        missing += m;
        duplicates += d;
        lost += l;
        data_bytes = std::max(data_bytes, c.data_bytes);
        std::remove(c.result_path.c_str());
    }
    for (std::size_t i = 0; i < per_message.size(); ++i) {
        auto& v = per_message[i];
        std::sort(v.begin(), v.end());
        std::fprintf(
            stderr,
            "scoreline-sse-load: message %zu: %zu deliveries, from the request: min %.1f p50 %.1f "
            "max %.1f ms; publish took %.1f ms\n",
            i + 1, v.size(), v.empty() ? 0.0 : static_cast<double>(v.front()) / 1e6,
            percentile_ms(v, 50), percentile_ms(v, 100),
            i < publish_ns.size() ? static_cast<double>(publish_ns[i]) / 1e6 : 0.0);
    }
    std::sort(latencies.begin(), latencies.end());
    std::sort(from_request.begin(), from_request.end());
    std::sort(publish_ns.begin(), publish_ns.end());
    auto summary = [](const std::vector<std::int64_t>& v) {
        if (v.empty()) {
            return nlohmann::json(nullptr);
        }
        return nlohmann::json{{"p50", percentile_ms(v, 50)},
                              {"p95", percentile_ms(v, 95)},
                              {"p99", percentile_ms(v, 99)},
                              {"max", percentile_ms(v, 100)}};
    };
    nlohmann::json record = {
        {"kind", "sse"},
        {"scenario", "sse_fanout"},
        {"target", o_.target},
        {"connections", o_.connections},
        {"messages", o_.messages},
        {"message_bytes",
         o_.publish == "nchan" ? static_cast<std::size_t>(o_.message_bytes) : data_bytes},
        {"p50_ms", percentile_ms(latencies, 50)},
        {"p95_ms", percentile_ms(latencies, 95)},
        {"p99_ms", percentile_ms(latencies, 99)},
        {"max_ms", latencies.empty() ? nlohmann::json(nullptr)
                                     : nlohmann::json(percentile_ms(latencies, 100))},
        {"missing", missing},
        {"connect_s", std::round(connect_s * 1000.0) / 1000.0},
        {"rss_kb_per_conn", rss_per_conn},
        {"client_processes", o_.processes},
        {"command", o_.command},
        // Beyond the agreed record: the same deliveries timed from just before
        // the publish request, and the publish round trips (README.md, "Latency").
        {"from_request_ms", summary(from_request)},
        {"publish_ms", summary(publish_ns)},
    };
    nlohmann::json cpu = nlohmann::json::object();
    for (std::size_t g = 0; g < cpu_groups.size(); ++g) {
        if (cpu_before[g] < 0 || cpu_after[g] < 0 || latencies.empty()) {
            cpu[cpu_groups[g].first] = nullptr;
            continue;
        }
        const double per = static_cast<double>(cpu_after[g] - cpu_before[g]) /
                           static_cast<double>(latencies.size());
        cpu[cpu_groups[g].first] = std::round(per * 100.0) / 100.0;
    }
    record["cpu_us_per_delivery"] = cpu;
    if (latencies.empty()) {
        record["p50_ms"] = record["p95_ms"] = record["p99_ms"] = nullptr;
    }
    std::fprintf(stderr,
                 "scoreline-sse-load: %zu deliveries measured, %zu missing, %zu duplicates, %zu "
                 "connections lost, "
                 "%d never subscribed; min %.3f ms (negative: delivered before the publisher read "
                 "its answer)\n",
                 latencies.size(), missing, duplicates, lost, failed,
                 latencies.empty() ? 0.0 : static_cast<double>(latencies.front()) / 1e6);
    const std::string text = record.dump() + "\n";
    if (o_.output.empty()) {
        std::fputs(text.c_str(), stdout);
    } else {
        std::ofstream out(o_.output);
        out << text;
    }
    return missing == 0 && failed == 0 && lost == 0 ? 0 : 1;
}

}  // namespace
}  // namespace bench_sse

int main(int argc, char** argv) {
    ::signal(SIGPIPE, SIG_IGN);
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        (void)::setrlimit(RLIMIT_NOFILE, &rl);
    }
    bench_sse::Parent parent(bench_sse::parse(argc, argv));
    return parent.run();
}
