// SPDX-License-Identifier: BSL-1.0
// Saving and loading a parameter set (any var_set) in a small binary format, with the
// network's architecture when given, so that a file cannot load into another net of the
// same shapes (a tanh model into a ReLU net):
//   io::save(params, "model.ctgrad", to_string(net));   // atomic: temporary file, fsync, rename
//   io::load(params, "model.ctgrad", to_string(net));   // checks everything before it changes
//   params io::save(params, path); io::load(params, path);     // without an architecture (version
//   1)
// Layout (little-endian):
//   "CTGRADPS" | u32 version | u32 scalar bytes (4 float, 8 double) | u32 tensor count
//   version 2 only: u32 architecture length (> 0), the architecture's bytes
//   per tensor: u32 name length, name bytes, u32 rank, u64 dims[rank]     (the signature)
//   the entries of every tensor in order | u64 FNV-1a hash of all bytes before it
// Version 1 is a file saved without an architecture (as every file before version 2 was);
// version 2 one saved with one. A set has one encoding for each: load then save with the
// file's architecture (io::saved_architecture(path)) writes back the same bytes.
// The architecture is what to_string(net) prints: the operations, activations included, and
// the names of inputs and parameters, but not the batch size (a net and its rebatch<B> agree).
// Loading a version 2 file with an architecture that differs fails saying both; loading a
// version 1 file, or loading without an architecture, cannot check it. A load into other
// shapes fails naming the first parameter that differs; a missing, truncated or corrupt file
// fails naming the file and the problem. All failures throw io::error (a
// std::runtime_error); params is untouched unless load succeeds.
#pragma once

#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/io/file.hpp>
#include <ctgrad/io/write_file.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ctgrad::io {

namespace detail {

inline constexpr char magic[8] = {'C', 'T', 'G', 'R', 'A', 'D', 'P', 'S'};
inline constexpr std::uint32_t version_plain = 1;         // no architecture
inline constexpr std::uint32_t version_architecture = 2;  // with one

inline std::uint64_t fnv1a(unsigned char const* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

// Little-endian integers and IEEE values, byte by byte (the format does not depend on the
// host's byte order).
template <class U> void put(std::vector<unsigned char>& out, U v) {
  for (std::size_t i = 0; i < sizeof(U); ++i)
    out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
template <class T> void put_value(std::vector<unsigned char>& out, T v) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  U bits;
  std::memcpy(&bits, &v, sizeof bits);
  put(out, bits);
}

inline std::string describe(std::string_view name, std::vector<std::uint64_t> const& dims) {
  // Appends, not "\"" + std::string(name): g++ 12 -O3 warns falsely (-Wrestrict) on that.
  std::string s = "\"";
  s.append(name);
  s += "\" [";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

class reader {
 public:
  reader(std::vector<unsigned char> const& b, std::string const& file,
         std::string const& who = "ctgrad::io::load")
      : b_(b), file_(file), who_(who) {}
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
    throw error(who_ + "(\"" + file_ + "\"): " + what);
  }

 private:
  void need(std::size_t n, char const* what) const {
    if (b_.size() - at_ < n)
      fail(std::string("file is truncated: it ends inside ") + what + " (" +
           std::to_string(b_.size()) + " bytes)");
  }
  std::vector<unsigned char> const& b_;
  std::string const& file_;
  std::string who_;
  std::size_t at_ = 0;
};

}  // namespace detail

/// Writes params to path atomically (path is replaced only by a complete file), with the
/// network's architecture unless it is empty.   io::save(params, "m.ctgrad", to_string(net));
template <class T, class... Vars>
void save(var_set<T, Vars...> const& params, std::string const& path,
          std::string_view architecture = {}) {
  std::vector<unsigned char> out;
  for (char ch : detail::magic)
    out.push_back(static_cast<unsigned char>(ch));  // not insert: see below
  detail::put(out, architecture.empty() ? detail::version_plain : detail::version_architecture);
  detail::put(out, static_cast<std::uint32_t>(sizeof(T)));
  detail::put(out, static_cast<std::uint32_t>(sizeof...(Vars)));
  if (!architecture.empty()) {
    if (architecture.size() > 0xFFFFFFFFu)
      throw error("ctgrad::io::save(\"" + path + "\"): the architecture is longer than 4 GiB");
    detail::put(out, static_cast<std::uint32_t>(architecture.size()));
    for (char ch : architecture) out.push_back(static_cast<unsigned char>(ch));
  }
  params.for_each([&](auto var, auto const& tensor) {
    using S = typename std::remove_cvref_t<decltype(tensor)>::shape_type;
    detail::put(out, static_cast<std::uint32_t>(var.name.size()));
    // A loop, not vector::insert: g++ 12 -O1 and above warns falsely (-Wstringop-overflow) there.
    for (char ch : var.name) out.push_back(static_cast<unsigned char>(ch));
    detail::put(out, static_cast<std::uint32_t>(S::rank));
    for (std::size_t dim = 0; dim < S::rank; ++dim)
      detail::put(out, static_cast<std::uint64_t>(S::dims[dim]));
  });
  params.for_each([&](auto, auto const& tensor) {
    for (T value : tensor) detail::put_value(out, value);
  });
  detail::put(out, detail::fnv1a(out.data(), out.size()));

  detail::write_file_atomically(path, out, "ctgrad::io::save");
}

namespace detail {
struct file_header {
  std::uint32_t version = 0, scalar_bytes = 0, tensors = 0;
  std::string_view architecture;  // empty in version 1
};
// Magic, version, element size, count and (version 2) the architecture.
inline file_header read_header(reader& r) {
  if (r.bytes(8, "the header") != std::string_view(magic, 8))
    r.fail("not a ctgrad parameter file (wrong magic bytes)");
  file_header h;
  h.version = r.get<std::uint32_t>("the header");
  if (h.version != version_plain && h.version != version_architecture)
    r.fail("format version " + std::to_string(h.version) + ", this ctgrad reads versions 1 and 2");
  h.scalar_bytes = r.get<std::uint32_t>("the header");
  h.tensors = r.get<std::uint32_t>("the header");
  if (h.version == version_architecture) {
    auto const len = r.get<std::uint32_t>("the architecture");
    if (len == 0) r.fail("version 2 file with an empty architecture (such files are version 1)");
    h.architecture = r.bytes(len, "the architecture");
  }
  return h;
}
inline std::string quoted_architecture(std::string_view a) {
  constexpr std::size_t shown = 300;  // a deep net's text is long; the start says enough
  std::string s = "\"";               // appends: see describe
  s.append(a.substr(0, shown));
  s += a.size() > shown ? "...\"" : "\"";
  return s;
}
}  // namespace detail

/// The architecture saved in the parameter file path ("" for a file saved without one).
inline std::string saved_architecture(std::string const& path) {
  std::vector<unsigned char> const b = detail::read_file(path, "ctgrad::io::saved_architecture");
  detail::reader r(b, path, "ctgrad::io::saved_architecture");
  return std::string(detail::read_header(r).architecture);
}

/// Reads path into params after checking format, element type, architecture (when given and
/// saved), parameter names and shapes, and checksum.
///   io::load(params, "m.ctgrad", to_string(net));
template <class T, class... Vars>
void load(var_set<T, Vars...>& params, std::string const& path,
          std::string_view architecture = {}) {
  std::vector<unsigned char> const b = detail::read_file(path, "ctgrad::io::load");
  detail::reader r(b, path);
  detail::file_header const h = detail::read_header(r);
  if (h.scalar_bytes != sizeof(T))
    r.fail("holds " +
           std::string(h.scalar_bytes == 4   ? "float"
                       : h.scalar_bytes == 8 ? "double"
                                             : "unknown") +
           " values, the parameter set is " + (sizeof(T) == 4 ? "float" : "double"));
  if (!architecture.empty() && !h.architecture.empty() && architecture != h.architecture)
    r.fail("another architecture: the file was saved from " +
           detail::quoted_architecture(h.architecture) + ", the network is " +
           detail::quoted_architecture(architecture));
  if (h.tensors != sizeof...(Vars))
    r.fail("holds " + std::to_string(h.tensors) + " tensors, the network has " +
           std::to_string(sizeof...(Vars)));
  std::size_t index = 0;
  params.for_each([&](auto var, auto const& tensor) {
    using S = typename std::remove_cvref_t<decltype(tensor)>::shape_type;
    auto const len = r.get<std::uint32_t>("the signature");
    std::string_view const name = r.bytes(len, "the signature");
    auto const rank = r.get<std::uint32_t>("the signature");
    std::vector<std::uint64_t> dims;
    for (std::uint32_t dim = 0; dim < rank && dim < 64; ++dim)
      dims.push_back(r.get<std::uint64_t>("the signature"));
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
  if (r.at() != b.size())
    r.fail("has " + std::to_string(b.size() - r.at()) + " unexpected bytes at the end");
  if (stored != detail::fnv1a(b.data(), hash_at)) r.fail("file is corrupt (checksum mismatch)");

  // Everything checked: now, and only now, change params.
  std::size_t at = data_at;
  params.for_each([&](auto, auto& tensor) {
    for (auto& value : tensor) {
      using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
      U bits = 0;
      for (std::size_t byte = 0; byte < sizeof(U); ++byte)
        bits |= static_cast<U>(b[at + byte]) << (8 * byte);
      std::memcpy(&value, &bits, sizeof value);
      at += sizeof(U);
    }
  });
}

}  // namespace ctgrad::io
