// SPDX-License-Identifier: BSL-1.0
// arena<T>: the tape's growable storage for values or adjoints. Tensors are addressed by
// offset, so growing (which moves the buffer) never invalidates a handle. Three choices:
//   - clear() keeps the capacity: a call that records no more than an earlier one did
//     allocates nothing (the buffer reuse across calls that the tape documents);
//   - memory is never value-initialised (no zero-fill pass over a 400 KB gradient): every
//     slot is written before it is read, as in ctgrad's workspace;
//   - every tensor starts on a 64-byte boundary (a cache line, an AVX-512 vector), so a
//     kernel's rows are not split across lines by whatever was allocated before them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>

namespace ctgrad::tape {

/// The tape's growable storage for values or adjoints, addressed by offset; clear() keeps the
/// capacity, memory is never zero-filled, every tensor starts on a 64-byte boundary.
template <class T> class arena {
  static constexpr std::size_t alignment = 64;
  static constexpr std::size_t granule = alignment / sizeof(T) > 0 ? alignment / sizeof(T) : 1;

  struct release {
    void operator()(T* p) const { ::operator delete[](p, std::align_val_t{alignment}); }
  };

 public:
  /// Offset of n fresh (uninitialised) elements; may move the buffer, keeping its contents.
  std::size_t allocate(std::size_t n) {
    std::size_t const offset = size_;
    std::size_t const end = offset + round_up(n);
    if (end > capacity_) grow(std::max(end, 2 * capacity_), size_);
    size_ = end;
    return offset;
  }
  /// Room for n elements in all, contents discarded (the adjoints before a backward pass).
  void assign_uninitialised(std::size_t n) {
    if (n > capacity_) grow(n, 0);
    size_ = n;
  }
  /// Forgets the contents, keeps the memory.
  void clear() { size_ = 0; }
  /// Returns the memory to the system.
  void release_memory() {
    data_.reset();
    size_ = capacity_ = 0;
  }

  /// The first element.
  T* data() { return data_.get(); }
  /// The first element.
  T const* data() const { return data_.get(); }
  /// Elements in use.
  std::size_t size() const { return size_; }
  /// Elements allocated.
  std::size_t capacity() const { return capacity_; }

  /// n rounded up to a whole number of 64-byte granules.
  static constexpr std::size_t round_up(std::size_t n) {
    return (n + granule - 1) / granule * granule;
  }

 private:
  void grow(std::size_t capacity, std::size_t keep) {
    capacity = round_up(capacity);
    std::unique_ptr<T[], release> next(
        static_cast<T*>(::operator new[](capacity * sizeof(T), std::align_val_t{alignment})));
    if (keep != 0) std::copy_n(data_.get(), keep, next.get());
    data_ = std::move(next);
    capacity_ = capacity;
  }

  std::unique_ptr<T[], release> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace ctgrad::tape
