// The shared series table; see store.hpp.
#include "metrics/store.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace metrics {
namespace {

constexpr std::size_t kLabelBytes = 200;
constexpr std::size_t kMaxProbe = 256;
constexpr std::uint32_t kEmpty = 0;
constexpr std::uint32_t kClaimed = 1;  // being filled in by one process
constexpr std::uint32_t kReady = 2;

// Writes `name="value",…` into buf with the text format's escapes; returns the
// length, or -1 when the values do not match the family or do not fit.
long format_labels(const Family& f, Labels values, char* buf) noexcept {
    if (values.size() != f.label_count) {
        return -1;
    }
    std::size_t n = 0;
    const auto put = [&](char c) {
        if (n < kLabelBytes) {
            buf[n] = c;
        }
        ++n;
    };
    std::size_t i = 0;
    for (std::string_view v : values) {
        if (i > 0) {
            put(',');
        }
        for (char c : f.labels[i]) {
            put(c);
        }
        put('=');
        put('"');
        for (char c : v) {
            if (c == '\\' || c == '"') {
                put('\\');
                put(c);
            } else if (c == '\n') {
                put('\\');
                put('n');
            } else {
                put(c);
            }
        }
        put('"');
        ++i;
    }
    return n <= kLabelBytes ? static_cast<long>(n) : -1;
}

std::uint64_t hash_series(const Family* f, std::string_view labels) noexcept {
    std::uint64_t h = 1469598103934665603ULL;
    const auto mix = [&h](unsigned char c) {
        h ^= c;
        h *= 1099511628211ULL;
    };
    const auto addr = reinterpret_cast<std::uintptr_t>(f);
    for (std::size_t i = 0; i < sizeof addr; ++i) {
        mix(static_cast<unsigned char>(addr >> (8 * i)));
    }
    for (unsigned char c : labels) {
        mix(c);
    }
    return h;
}

std::atomic<Store*> g_installed{nullptr};

}  // namespace

struct Store::Slot {
    std::atomic<std::uint32_t> state{kEmpty};
    std::uint32_t labels_len = 0;
    std::uint64_t hash = 0;
    const Family* family = nullptr;
    char labels[kLabelBytes];
    // Buckets (+Inf last), count, sum in ns; a counter or gauge uses [0].
    std::atomic<std::uint64_t> values[kMaxBuckets + 3];
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
              "shared-memory counters need address-free atomics");

Store::Store(std::size_t series, bool shared) : slots_(series < 16 ? 16 : series) {
    bytes_ = slots_ * sizeof(Slot) + sizeof(std::atomic<std::uint64_t>);
    void* mem = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE,
                       (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        throw std::runtime_error(std::string("metrics table: mmap failed: ") +
                                 std::strerror(errno));
    }
    // Anonymous pages are zero: every slot is kEmpty with zero values.
    table_ = static_cast<Slot*>(mem);
    dropped_ = reinterpret_cast<std::atomic<std::uint64_t>*>(table_ + slots_);
}

Store::~Store() {
    ::munmap(table_, bytes_);
}

Store::Slot* Store::find(const Family& f, Labels values) noexcept {
    char buf[kLabelBytes];
    const long len = format_labels(f, values, buf);
    if (len < 0) {
        dropped_->fetch_add(1, std::memory_order_relaxed);
        return nullptr;
    }
    const std::string_view labels(buf, static_cast<std::size_t>(len));
    const std::uint64_t h = hash_series(&f, labels);
    for (std::size_t probe = 0; probe < kMaxProbe && probe < slots_; ++probe) {
        Slot& s = table_[(h + probe) % slots_];
        std::uint32_t state = s.state.load(std::memory_order_acquire);
        if (state == kEmpty) {
            if (s.state.compare_exchange_strong(state, kClaimed, std::memory_order_acq_rel)) {
                s.hash = h;
                s.family = &f;
                s.labels_len = static_cast<std::uint32_t>(len);
                std::memcpy(s.labels, buf, labels.size());
                s.state.store(kReady, std::memory_order_release);
                return &s;
            }
        }
        // Another process is filling this slot in: wait for it, a few
        // instructions; one killed in that window leaves the slot unused.
        for (int spins = 0; state == kClaimed && spins < 100000; ++spins) {
            if (spins % 64 == 63) {
                std::this_thread::yield();
            }
            state = s.state.load(std::memory_order_acquire);
        }
        if (state == kReady && s.hash == h && s.family == &f &&
            std::string_view(s.labels, s.labels_len) == labels) {
            return &s;
        }
    }
    dropped_->fetch_add(1, std::memory_order_relaxed);
    return nullptr;
}

void Store::add(const Family& f, Labels values, std::uint64_t by) noexcept {
    if (Slot* s = find(f, values)) {
        s->values[0].fetch_add(by, std::memory_order_relaxed);
    }
}

void Store::set(const Family& f, Labels values, std::int64_t value) noexcept {
    if (Slot* s = find(f, values)) {
        s->values[0].store(static_cast<std::uint64_t>(value), std::memory_order_relaxed);
    }
}

void Store::observe(const Family& f, Labels values, double seconds) noexcept {
    Slot* s = find(f, values);
    if (s == nullptr) {
        return;
    }
    const std::size_t n = std::min(f.buckets.size(), kMaxBuckets);
    std::size_t i = 0;
    while (i < n && seconds > f.buckets[i]) {
        ++i;
    }
    s->values[i].fetch_add(1, std::memory_order_relaxed);
    s->values[n + 1].fetch_add(1, std::memory_order_relaxed);
    const double ns = std::isfinite(seconds) && seconds > 0 ? seconds * 1e9 : 0;
    s->values[n + 2].fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

void Store::touch(const Family& f, Labels values) noexcept {
    (void)find(f, values);
}

void Store::for_each(const std::function<void(const SeriesView&)>& fn) const {
    for (std::size_t i = 0; i < slots_; ++i) {
        const Slot& s = table_[i];
        if (s.state.load(std::memory_order_acquire) != kReady) {
            continue;
        }
        fn(SeriesView{s.family, std::string_view(s.labels, s.labels_len), s.values});
    }
}

std::uint64_t Store::dropped() const noexcept {
    return dropped_->load(std::memory_order_relaxed);
}

void install(Store* s) noexcept {
    g_installed.store(s, std::memory_order_release);
}

Store& store() {
    if (Store* s = g_installed.load(std::memory_order_acquire)) {
        return *s;
    }
    static Store local(1024, false);
    return local;
}

}  // namespace metrics
