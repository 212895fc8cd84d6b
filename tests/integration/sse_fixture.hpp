// Test fixture for scoreline-sse (issue 6), shared by the integration tests
// (the process on its unix socket) and the e2e tests (through nginx): a
// PostgreSQL with the schema migrated, Ed25519 keys for stream tickets, SQL
// helpers that play the writers of the outbox, and scoreline-sse processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "postgres.hpp"
#include "process.hpp"
#include "sse_client.hpp"

namespace ssetest {

// SQL against the schema as an outbox writer would run it.
class Writer {
  public:
    explicit Writer(const std::string& url);
    // A user (created once per Writer) and an event with this status.
    std::int64_t make_event(const std::string& status = "scheduled");
    // One committed outbox row; returns its id.
    std::int64_t insert(const std::string& topic, const std::string& kind,
                        const std::string& payload_json);
    [[nodiscard]] db::Connection& connection() { return conn_; }

  private:
    db::Connection conn_;
    std::optional<std::int64_t> user_id_;
    int events_ = 0;
};

// Keys for stream tickets: a private key (the API's signing key) and its kid.
struct TicketKeys {
    std::string dir;
    std::string kid;
    std::string private_pem;  // DIR/<kid>.pem
    std::string public_pem;   // DIR/<kid>.pub.pem
    [[nodiscard]] std::string verify_setting() const { return kid + ":" + public_pem; }
};
[[nodiscard]] TicketKeys make_ticket_keys(const std::string& dir);
// A ticket signed with `keys` (issuer "scoreline"); ttl may be negative (expired).
[[nodiscard]] std::string make_ticket(const TicketKeys& keys, std::int64_t user_id,
                                      const std::vector<std::string>& topics,
                                      std::chrono::seconds ttl, const std::string& role = "user");

// One scoreline-sse process with its own socket, ops port and log file.
class SseProcess {
  public:
    SseProcess(std::string dir, std::string name, harness::Env env);
    ~SseProcess();
    void start();  // waits for the socket and /healthz with the database up
    void kill(int sig);
    // SIGTERM and wait; returns the wait status.
    std::optional<int> terminate(std::chrono::milliseconds timeout = std::chrono::seconds(15));
    [[nodiscard]] bool running();
    [[nodiscard]] const std::string& socket() const noexcept { return socket_; }
    [[nodiscard]] int ops_port() const noexcept { return ops_port_; }
    [[nodiscard]] std::string log() const { return harness::read_file(log_); }
    // Client options for `path` on this process's unix socket.
    [[nodiscard]] harness::SseClientOptions client(const std::string& path,
                                                   std::vector<std::string> headers = {}) const;
    // GET http://127.0.0.1:ops_port/path (status, body).
    [[nodiscard]] std::pair<long, std::string> ops_get(const std::string& path) const;

  private:
    std::string dir_;
    std::string name_;
    std::string socket_;
    std::string log_;
    int ops_port_ = 0;
    harness::Env env_;
    std::unique_ptr<harness::Process> process_;
};

// The migrated database and a temp folder for sockets, keys and logs.
class SseWorld {
  public:
    SseWorld();
    [[nodiscard]] harness::TempPostgres& pg() { return *pg_; }
    [[nodiscard]] const std::string& db_url() const noexcept { return db_url_; }
    [[nodiscard]] const std::string& dir() const noexcept { return dir_->path(); }
    [[nodiscard]] const TicketKeys& keys() const noexcept { return keys_; }
    // Settings every test process gets (short heartbeat and poll interval, keys).
    [[nodiscard]] harness::Env base_env() const;
    [[nodiscard]] std::unique_ptr<SseProcess> start_sse(const std::string& name,
                                                        const harness::Env& extra = {});

  private:
    std::unique_ptr<harness::TempDir> dir_;
    std::unique_ptr<harness::TempPostgres> pg_;
    std::string db_url_;
    TicketKeys keys_;
};

// Raw bytes to a unix socket; returns everything read until EOF or timeout.
[[nodiscard]] std::string raw_exchange(const std::string& socket, const std::string& bytes,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Data field of an event as JSON-ish text check helper: parses `data`.
[[nodiscard]] std::vector<std::int64_t> ids_of(const std::vector<harness::SseEvent>& events);

}  // namespace ssetest
