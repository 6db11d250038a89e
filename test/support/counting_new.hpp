// SPDX-License-Identifier: BSL-1.0
// A counting global operator new (plain and aligned forms) for the tests that show code
// allocates nothing. Replacement functions may not be inline: include this header in one
// translation unit per executable (each test is one), and read test::allocations().
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

// g++ 12 flags free() of memory from a replaced operator new as mismatched, although this
// operator new is malloc: a false positive for replacement allocators.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace test {
inline std::size_t allocation_counter = 0;
/// operator new calls so far in this process.
inline std::size_t allocations() { return allocation_counter; }
}  // namespace test

void* operator new(std::size_t n) {
  ++test::allocation_counter;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void* operator new(std::size_t n, std::align_val_t a) {
  ++test::allocation_counter;
  std::size_t const al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
