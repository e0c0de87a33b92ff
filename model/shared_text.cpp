#include "model/shared_text.hpp"

#include <atomic>
#include <cstring>
#include <new>
#include <ostream>

namespace zkc::model {

// The header of a buffer; the text follows it in the same allocation.
struct SharedText::Block {
  std::atomic<std::size_t> refs;
  std::size_t size;
  const char* text() const noexcept { return reinterpret_cast<const char*>(this + 1); }
};

SharedText::SharedText(std::string_view text) {
  if (text.empty()) return;
  void* raw = ::operator new(sizeof(Block) + text.size());
  block_ = new (raw) Block{{1}, text.size()};
  std::memcpy(reinterpret_cast<char*>(block_ + 1), text.data(), text.size());
}

SharedText::SharedText(const SharedText& other) noexcept : block_(other.block_) {
  if (block_ != nullptr) block_->refs.fetch_add(1, std::memory_order_relaxed);
}

SharedText& SharedText::operator=(const SharedText& other) noexcept {
  SharedText copy(other);
  std::swap(block_, copy.block_);
  return *this;
}

SharedText& SharedText::operator=(SharedText&& other) noexcept {
  if (this != &other) {
    SharedText gone(std::move(*this));
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

SharedText::~SharedText() {
  // acq_rel: the last owner sees every other owner's reads finished before it frees the buffer.
  if (block_ != nullptr && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    ::operator delete(block_);
  }
}

std::string_view SharedText::view() const noexcept {
  return block_ == nullptr ? std::string_view() : std::string_view(block_->text(), block_->size);
}

std::ostream& operator<<(std::ostream& out, const SharedText& text) { return out << text.view(); }

SharedText TextPool::get(std::string_view text) {
  if (const auto it = texts_.find(text); it != texts_.end()) return *it;
  SharedText made(text);
  if (texts_.size() < max_) texts_.insert(made);
  return made;
}

}  // namespace zkc::model
