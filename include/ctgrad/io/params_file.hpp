// SPDX-License-Identifier: BSL-1.0
// Saving and loading a parameter set (any var_set) in a small binary format:
//   io::save(params, "model.ctgrad");   // atomic: a temporary file, flushed, then renamed
//   io::load(params, "model.ctgrad");   // checks everything before it changes params
// Layout (little-endian):
//   "CTGRADPS" | u32 version = 1 | u32 scalar bytes (4 float, 8 double) | u32 tensor count
//   per tensor: u32 name length, name bytes, u32 rank, u64 dims[rank]     (the signature)
//   the entries of every tensor in order | u64 FNV-1a hash of all bytes before it
// A load into another architecture fails naming the first parameter that differs; a
// missing, truncated or corrupt file fails naming the file and the problem. All failures
// throw io::error (a std::runtime_error); params is untouched unless load succeeds.
#pragma once

#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/io/file.hpp>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace ctgrad::io {

namespace detail {

inline constexpr char magic[8] = {'C', 'T', 'G', 'R', 'A', 'D', 'P', 'S'};
inline constexpr std::uint32_t version = 1;

inline std::uint64_t fnv1a(unsigned char const* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

// Little-endian integers and IEEE values, byte by byte (the format does not depend on the
// host's byte order).
template <class U> void put(std::vector<unsigned char>& out, U v) {
  for (std::size_t i = 0; i < sizeof(U); ++i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
template <class T> void put_value(std::vector<unsigned char>& out, T v) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  U bits;
  std::memcpy(&bits, &v, sizeof bits);
  put(out, bits);
}

inline std::string describe(std::string_view name, std::vector<std::uint64_t> const& dims) {
  std::string s = "\"" + std::string(name) + "\" [";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

class reader {
 public:
  reader(std::vector<unsigned char> const& b, std::string const& file) : b_(b), file_(file) {}
  template <class U> U get(char const* what) {
    need(sizeof(U), what);
    U v = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) v |= static_cast<U>(b_[at_ + i]) << (8 * i);
    at_ += sizeof(U);
    return v;
  }
  std::string_view bytes(std::size_t n, char const* what) {
    need(n, what);
    std::string_view s(reinterpret_cast<char const*>(b_.data() + at_), n);
    at_ += n;
    return s;
  }
  std::size_t at() const { return at_; }
  [[noreturn]] void fail(std::string const& what) const {
    throw error("ctgrad::io::load(\"" + file_ + "\"): " + what);
  }

 private:
  void need(std::size_t n, char const* what) const {
    if (b_.size() - at_ < n)
      fail(std::string("file is truncated: it ends inside ") + what + " (" +
           std::to_string(b_.size()) + " bytes)");
  }
  std::vector<unsigned char> const& b_;
  std::string const& file_;
  std::size_t at_ = 0;
};

}  // namespace detail

/// Writes params to path atomically (path is replaced only by a complete file).
template <class T, class... Vars> void save(var_set<T, Vars...> const& params, std::string const& path) {
  std::vector<unsigned char> out;
  out.insert(out.end(), detail::magic, detail::magic + 8);
  detail::put(out, detail::version);
  detail::put(out, static_cast<std::uint32_t>(sizeof(T)));
  detail::put(out, static_cast<std::uint32_t>(sizeof...(Vars)));
  params.for_each([&](auto var, auto const& tensor) {
    using S = typename std::remove_cvref_t<decltype(tensor)>::shape_type;
    detail::put(out, static_cast<std::uint32_t>(var.name.size()));
    // A loop, not vector::insert: g++ 12 -O1 and above warns falsely (-Wstringop-overflow) there.
    for (char ch : var.name) out.push_back(static_cast<unsigned char>(ch));
    detail::put(out, static_cast<std::uint32_t>(S::rank));
    for (std::size_t dim = 0; dim < S::rank; ++dim) detail::put(out, static_cast<std::uint64_t>(S::dims[dim]));
  });
  params.for_each([&](auto, auto const& tensor) {
    for (T value : tensor) detail::put_value(out, value);
  });
  detail::put(out, detail::fnv1a(out.data(), out.size()));

  std::string const tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw error("ctgrad::io::save(\"" + path + "\"): cannot create \"" + tmp + "\": " + std::strerror(errno));
  bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size() && std::fflush(f) == 0;
#if defined(__unix__) || defined(__APPLE__)
  ok = ok && ::fsync(fileno(f)) == 0;  // on disk before the rename makes it visible
#endif
  int const saved_errno = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    throw error("ctgrad::io::save(\"" + path + "\"): writing \"" + tmp + "\" failed: " + std::strerror(saved_errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw error("ctgrad::io::save(\"" + path + "\"): cannot replace it: " + ec.message());
  }
}

/// Reads path into params after checking format, element type, architecture and checksum.
template <class T, class... Vars> void load(var_set<T, Vars...>& params, std::string const& path) {
  std::vector<unsigned char> const b = detail::read_file(path, "ctgrad::io::load");
  detail::reader r(b, path);
  if (r.bytes(8, "the header") != std::string_view(detail::magic, 8))
    r.fail("not a ctgrad parameter file (wrong magic bytes)");
  if (auto v = r.get<std::uint32_t>("the header"); v != detail::version)
    r.fail("format version " + std::to_string(v) + ", this ctgrad reads version 1");
  if (auto s = r.get<std::uint32_t>("the header"); s != sizeof(T))
    r.fail("holds " + std::string(s == 4 ? "float" : s == 8 ? "double" : "unknown") +
           " values, the parameter set is " + (sizeof(T) == 4 ? "float" : "double"));
  if (auto c = r.get<std::uint32_t>("the header"); c != sizeof...(Vars))
    r.fail("holds " + std::to_string(c) + " tensors, the network has " +
           std::to_string(sizeof...(Vars)));
  std::size_t index = 0;
  params.for_each([&](auto var, auto const& tensor) {
    using S = typename std::remove_cvref_t<decltype(tensor)>::shape_type;
    auto const len = r.get<std::uint32_t>("the signature");
    std::string_view const name = r.bytes(len, "the signature");
    auto const rank = r.get<std::uint32_t>("the signature");
    std::vector<std::uint64_t> dims;
    for (std::uint32_t dim = 0; dim < rank && dim < 64; ++dim) dims.push_back(r.get<std::uint64_t>("the signature"));
    std::vector<std::uint64_t> want(S::dims.begin(), S::dims.end());
    if (name != var.name || dims != want || rank != S::rank)
      r.fail("parameter " + std::to_string(index + 1) + " is " + detail::describe(name, dims) +
             " in the file but " + detail::describe(var.name, want) + " in the network");
    ++index;
  });
  std::size_t const data_at = r.at();
  r.bytes(var_set<T, Vars...>::scalar_count * sizeof(T), "the parameter values");
  std::size_t const hash_at = r.at();
  auto const stored = r.get<std::uint64_t>("the checksum");
  if (r.at() != b.size()) r.fail("has " + std::to_string(b.size() - r.at()) + " unexpected bytes at the end");
  if (stored != detail::fnv1a(b.data(), hash_at)) r.fail("file is corrupt (checksum mismatch)");

  // Everything checked: now, and only now, change params.
  std::size_t at = data_at;
  params.for_each([&](auto, auto& tensor) {
    for (auto& value : tensor) {
      using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
      U bits = 0;
      for (std::size_t byte = 0; byte < sizeof(U); ++byte) bits |= static_cast<U>(b[at + byte]) << (8 * byte);
      std::memcpy(&value, &bits, sizeof value);
      at += sizeof(U);
    }
  });
}

}  // namespace ctgrad::io
