// db::Result: a move-only owner of one PGresult with typed, checked access.
// Handlers and repositories read columns through it and never see PGresult*.
#pragma once

#include <libpq-fe.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace db {

class Result {
  public:
    Result() = default;
    explicit Result(PGresult* res) noexcept : res_(res) {}
    Result(Result&& other) noexcept : res_(std::exchange(other.res_, nullptr)) {}
    Result& operator=(Result&& other) noexcept {
        if (this != &other) {
            reset();
            res_ = std::exchange(other.res_, nullptr);
        }
        return *this;
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result() { reset(); }

    [[nodiscard]] int rows() const noexcept { return res_ ? PQntuples(res_) : 0; }
    [[nodiscard]] int columns() const noexcept { return res_ ? PQnfields(res_) : 0; }
    [[nodiscard]] bool empty() const noexcept { return rows() == 0; }
    // Rows touched by INSERT/UPDATE/DELETE.
    [[nodiscard]] long affected() const;
    [[nodiscard]] bool is_null(int row, int col) const;
    // The text of a column; throws std::out_of_range for a bad position.
    [[nodiscard]] std::string_view text(int row, int col) const;

    // Typed read: std::string, std::int64_t, int, bool, double. Throws on NULL.
    template <class T>
    [[nodiscard]] T get(int row, int col) const {
        if (is_null(row, col)) {
            throw std::runtime_error("db::Result::get: column " + std::to_string(col) + " is NULL");
        }
        return parse<T>(text(row, col));
    }
    template <class T>
    [[nodiscard]] std::optional<T> get_opt(int row, int col) const {
        if (is_null(row, col)) {
            return std::nullopt;
        }
        return parse<T>(text(row, col));
    }

  private:
    template <class T>
    static T parse(std::string_view s) {
        if constexpr (std::is_same_v<T, std::string>) {
            return std::string(s);
        } else if constexpr (std::is_same_v<T, bool>) {
            return s == "t";
        } else if constexpr (std::is_integral_v<T>) {
            T v{};
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec != std::errc{} || p != s.data() + s.size()) {
                throw std::runtime_error("db::Result: not an integer: " + std::string(s));
            }
            return v;
        } else if constexpr (std::is_floating_point_v<T>) {
            return static_cast<T>(std::stod(std::string(s)));
        } else {
            static_assert(sizeof(T) == 0, "unsupported column type");
        }
    }
    void reset() noexcept {
        if (res_) {
            PQclear(res_);
            res_ = nullptr;
        }
    }
    PGresult* res_ = nullptr;
};

}  // namespace db
