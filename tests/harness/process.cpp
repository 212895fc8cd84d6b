// Child processes, temp dirs and ports for the test harness.
#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

extern char** environ;

namespace harness {
namespace {

void redirect(const std::string& path, int fd) {
    if (path.empty()) {
        return;
    }
    int f = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (f >= 0) {
        ::dup2(f, fd);
        ::close(f);
    }
}

pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
    std::vector<std::string> env_strings;
    Env merged;
    for (char** e = environ; e && *e; ++e) {
        std::string kv(*e);
        const auto eq = kv.find('=');
        if (eq != std::string::npos) {
            merged[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
    }
    for (const auto& [k, v] : options.env) {
        merged[k] = v;
    }
    for (const auto& [k, v] : merged) {
        env_strings.push_back(k + "=" + v);
    }
    std::vector<char*> envp;
    for (auto& s : env_strings) {
        envp.push_back(s.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& a : args) {
        argp.push_back(a.data());
    }
    argp.push_back(nullptr);

    struct passwd* pw = nullptr;
    if (options.as_user && ::geteuid() == 0) {
        pw = ::getpwnam(options.as_user->c_str());
        if (!pw) {
            throw std::runtime_error("no such user: " + *options.as_user);
        }
    }
    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // Die with the test process so a crashed test leaves no servers behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        ::setpgid(0, 0);
        redirect(options.stdout_path, STDOUT_FILENO);
        redirect(options.stderr_path, STDERR_FILENO);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) {
            ::dup2(devnull, STDIN_FILENO);
            ::close(devnull);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        if (pw) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(pw->pw_gid) != 0 ||
                ::setuid(pw->pw_uid) != 0) {
                ::_exit(126);
            }
        }
        ::execve(argp[0], argp.data(), envp.data());
        ::execvpe(argp[0], argp.data(), envp.data());
        std::fprintf(stderr, "exec %s: %s\n", argp[0], std::strerror(errno));
        ::_exit(127);
    }
    return pid;
}

}  // namespace

RunResult run_process(const std::vector<std::string>& argv, const Env& env,
                      std::chrono::milliseconds timeout) {
    TempDir dir("run");
    SpawnOptions options{env, std::nullopt, dir.path() + "/out", dir.path() + "/err"};
    Process p(argv, options);
    RunResult result;
    auto status = p.wait(timeout);
    if (!status) {
        result.timed_out = true;
        p.signal(SIGKILL);
        status = p.wait(std::chrono::seconds(5));
    }
    if (status && WIFEXITED(*status)) {
        result.exit_code = WEXITSTATUS(*status);
    } else if (status && WIFSIGNALED(*status)) {
        result.signal = WTERMSIG(*status);
    }
    result.out = read_file(options.stdout_path);
    result.err = read_file(options.stderr_path);
    return result;
}

Process::Process(const std::vector<std::string>& argv, SpawnOptions options)
    : pid_(spawn(argv, options)) {}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), reaped_(other.reaped_) {}

Process::~Process() {
    if (pid_ > 0 && !reaped_) {
        // The child leads its own process group: take its children with it.
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

void Process::signal(int sig) const {
    if (pid_ > 0 && !reaped_) {
        ::kill(pid_, sig);
    }
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    if (reaped_) {
        return 0;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            reaped_ = true;
            return status;
        }
        if (r < 0 && errno != EINTR) {
            reaped_ = true;
            return std::nullopt;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool Process::running() {
    if (reaped_) {
        return false;
    }
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        reaped_ = true;
        return false;
    }
    return true;
}

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("free_port: bind failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

TempDir::TempDir(const std::string& prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/scoreline-" + prefix + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed for " + tmpl);
    }
    ::chmod(tmpl.c_str(), 0755);
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::optional<std::string> unprivileged_user() {
    if (::geteuid() != 0) {
        return std::nullopt;
    }
    const char* configured = std::getenv("SCORELINE_TEST_PG_USER");
    return std::string(configured && *configured ? configured : "nobody");
}

void chown_to(const std::string& path, const std::string& user) {
    struct passwd* pw = ::getpwnam(user.c_str());
    if (!pw) {
        throw std::runtime_error("no such user: " + user);
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        ::lchown(entry.path().c_str(), pw->pw_uid, pw->pw_gid);
    }
    ::lchown(path.c_str(), pw->pw_uid, pw->pw_gid);
}

std::vector<pid_t> children_of(pid_t pid) {
    std::istringstream in(
        read_file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
    std::vector<pid_t> out;
    pid_t p = 0;
    while (in >> p) {
        out.push_back(p);
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

}  // namespace harness
