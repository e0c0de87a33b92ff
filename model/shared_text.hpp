// SharedText: an immutable string whose copies share one buffer (a reference count, atomic, so copies
// may live on different threads). TimelineEvent's text fields are SharedText: a long prover log has
// millions of events but a few dozen event names and job ids, and ingestion (analysis/ingest) hands
// every event with the same name or job id the same buffer (TextPool), so each is held once.
//
// It reads like a std::string_view (implicit conversion, ==, <=>, <<, fmt) and converts to a
// std::string; it is built from any text. Empty text holds no buffer.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

namespace zkc::model {

class SharedText {
 public:
  SharedText() noexcept = default;
  SharedText(std::string_view text);
  SharedText(const char* text) : SharedText(std::string_view(text)) {}
  SharedText(const std::string& text) : SharedText(std::string_view(text)) {}
  SharedText(const SharedText& other) noexcept;
  SharedText(SharedText&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  SharedText& operator=(const SharedText& other) noexcept;
  SharedText& operator=(SharedText&& other) noexcept;
  ~SharedText();

  std::string_view view() const noexcept;
  operator std::string_view() const noexcept { return view(); }
  operator std::string() const { return std::string(view()); }
  const char* data() const noexcept { return view().data(); }
  std::size_t size() const noexcept { return view().size(); }
  bool empty() const noexcept { return block_ == nullptr; }

  // Whether both hold the very same buffer (what TextPool guarantees for equal text; two empty ones
  // share nothing and say false).
  bool shares_buffer_with(const SharedText& other) const noexcept { return block_ != nullptr && block_ == other.block_; }

  friend bool operator==(const SharedText& a, std::string_view b) noexcept { return a.view() == b; }
  friend std::strong_ordering operator<=>(const SharedText& a, std::string_view b) noexcept {
    return a.view().compare(b) <=> 0;
  }

 private:
  struct Block;
  Block* block_ = nullptr;
};

std::ostream& operator<<(std::ostream& out, const SharedText& text);

// Hands out one SharedText per distinct text: the second "GPU_START" shares the first one's buffer.
// Holding at most `max_distinct` texts (then new ones are made on their own), so a field that is
// different on every line (a detail carrying a duration) cannot grow the pool without bound.
class TextPool {
 public:
  explicit TextPool(std::size_t max_distinct = 4096) : max_(max_distinct) {}
  SharedText get(std::string_view text);
  std::size_t distinct() const { return texts_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
  };
  std::size_t max_;
  std::unordered_set<SharedText, Hash, Equal> texts_;
};

}  // namespace zkc::model

template <>
struct fmt::formatter<zkc::model::SharedText> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const zkc::model::SharedText& text, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(text.view(), ctx);
  }
};
