// SPDX-License-Identifier: BSL-1.0
// safetensors, the weights format of the PyTorch ecosystem, for parameter sets:
//   io::load_safetensors(params, "model.safetensors");   // a torch state_dict, saved by
//                                                          // tools/ctgrad_safetensors.py
//   io::save_safetensors(params, "model.safetensors");   // atomic, as io::save
// Optional: needs nlohmann-json (Debian's nlohmann-json3-dev; CMake: find_package(
// nlohmann_json 3) and link nlohmann_json::nlohmann_json). Not in the umbrella header.
//
// Format: u64 little-endian header length N | N bytes of JSON: {"name": {"dtype": "F32",
// "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {string: string}} |
// the tensors' bytes, little-endian, row-major, offsets relative to the end of the header.
// Read: F32, F64, F16 and BF16 (converted to the set's type exactly where it can hold them);
// written: F32 for float sets, F64 for double ones.
//
// Names (the documented rule; an explicit io::name_map overrides it per parameter):
//   - a layer with weights as sequential numbers them, "<p>Wk" with "<p>bk", is a torch
//     module M's "M.weight" and "M.bias": a dense layer (Wk [in, out], bk [out]) is an
//     nn.Linear, whose weight is [out, in] (W transposed); a conv1d/conv2d layer (Wk
//     [out, in/groups, k(, k)], bk [out]) is an nn.Conv1d/Conv2d, same layout. Loading, the
//     k-th such layer of the set takes the k-th such module of the file: the modules M having
//     an "M.weight" of rank 2-4 and a 1-d "M.bias", in the order of M with numbers compared
//     as numbers ("0" < "2" < "10"), so nn.Sequential(Conv2d, ReLU, MaxPool2d, Flatten,
//     Linear)'s "0.*" and "4.*" fit. (A batch norm's weight is 1-d: it is no such module.)
//     Saving, layer k is module "<p>(k-1)": "W1" -> "0.weight", "b1" -> "0.bias".
//   - any other parameter keeps its name and layout: the recurrent layers' PyTorch names
//     ("gru.weight_ih_l0", with layer::gru<H, "gru.">), and batch norm's "M.weight", "M.bias",
//     "M.running_mean", "M.running_var" when the network's names are torch's.
//   - loading, a tensor "M.num_batches_tracked" (batch norm's step count, I64) that no
//     parameter takes is skipped, as ctgrad's batch norm does not use it.
//   - io::linear_modules({"fc1", "fc2"}) maps W1, b1 to fc1.weight, fc1.bias (transposed) and
//     W2, b2 to fc2.*; io::layer_modules(params, {"0", "4"}) does so for dense and conv layers
//     (transposing only the dense ones); an io::tensor_name{param, file, transposed} entry maps
//     one tensor.
// With an architecture (to_string(net)), save records it in the header's __metadata__ as
// "ctgrad.architecture", and load refuses a file that records another one (a file without
// it, such as torch's, cannot be checked).
// Every mismatch (a parameter missing from the file, a tensor of the file that no
// parameter takes, another shape, an unknown dtype, offsets outside the data or overlapping,
// a truncated file, a header that is not JSON or not this layout) throws io::error naming
// the file and the tensor; the set is changed only after everything was read.
#pragma once

#include <ctgrad/expr/var_set.hpp>
#include <ctgrad/io/file.hpp>
#include <ctgrad/io/write_file.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad::io {

/// One parameter's tensor in a safetensors file; transposed for a [in, out] matrix stored
/// [out, in] (nn.Linear's weight).
struct tensor_name {
  /// The ctgrad parameter's name (`W1`).
  std::string param;
  /// The tensor's name in the file (`0.weight`).
  std::string file;
  /// True when the file stores the matrix transposed ([out, in], as nn.Linear's weight).
  bool transposed = false;
};
/// Overrides of the default naming rule, one entry per parameter; io::linear_modules makes one.
using name_map = std::vector<tensor_name>;

/// Dense layer k (parameters "<prefix>Wk", "<prefix>bk") as nn.Linear module modules[k-1].
///   io::linear_modules({"fc1", "fc2"})   W1 <-> fc1.weight (transposed), b1 <-> fc1.bias, ...
inline name_map linear_modules(std::initializer_list<std::string> modules,
                               std::string const& prefix = "") {
  name_map m;
  std::size_t k = 1;
  for (std::string const& module : modules) {
    m.push_back({prefix + "W" + std::to_string(k), module + ".weight", true});
    m.push_back({prefix + "b" + std::to_string(k), module + ".bias", false});
    ++k;
  }
  return m;
}

namespace detail {
template <class T, class... Vars>
std::vector<std::vector<std::uint64_t>> param_dims(var_set<T, Vars...> const& params);
}  // namespace detail

/// Layer k with weights (dense or conv: "<prefix>Wk", "<prefix>bk") as torch module
/// modules[k-1]; a dense weight transposed (nn.Linear), a conv weight as it is (nn.Conv*).
///   io::layer_modules(params, {"0", "4"})   W1 [8, 1, 3, 3] <-> 0.weight, W2 [392, 3]
///   <-> 4.weight^T
template <class T, class... Vars>
name_map layer_modules(var_set<T, Vars...> const& params,
                       std::initializer_list<std::string> modules, std::string const& prefix = "") {
  name_map m;
  std::size_t k = 1;
  std::vector<std::string> names;
  params.for_each([&](auto var, auto const&) { names.emplace_back(var.name); });
  auto const dims = detail::param_dims(params);
  for (std::string const& module : modules) {
    std::string const w = prefix + "W" + std::to_string(k);
    auto const at = std::find(names.begin(), names.end(), w);
    bool const matrix =
        at != names.end() && dims[static_cast<std::size_t>(at - names.begin())].size() == 2;
    m.push_back({w, module + ".weight", matrix});
    m.push_back({prefix + "b" + std::to_string(k), module + ".bias", false});
    ++k;
  }
  return m;
}

namespace detail {

// Where ctgrad records the network's architecture (to_string(net)), as in its own files.
inline constexpr char const* architecture_key = "ctgrad.architecture";

struct st_tensor {
  std::string dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0, end = 0;
};

inline std::string dims_text(std::vector<std::uint64_t> const& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Natural order: runs of digits compare as numbers, so module "10" comes after "2".
inline bool natural_less(std::string const& a, std::string const& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool const da = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    bool const db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (da && db) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string_view na(a.data() + i, ei - i), nb(b.data() + j, ej - j);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// If name is "<p>W<k>" or "<p>b<k>" (k >= 1, no leading zero): {p, k}.
inline std::optional<std::pair<std::string, std::size_t>> dense_index(std::string_view name,
                                                                      char letter) {
  std::size_t digits = 0;
  while (digits < name.size() &&
         std::isdigit(static_cast<unsigned char>(name[name.size() - 1 - digits])))
    ++digits;
  if (digits == 0 || digits > 9 || digits == name.size()) return std::nullopt;
  std::size_t const at = name.size() - digits;
  if (name[at - 1] != letter || name[at] == '0') return std::nullopt;
  std::size_t k = 0;
  for (std::size_t i = at; i < name.size(); ++i)
    k = k * 10 + static_cast<std::size_t>(name[i] - '0');
  return std::pair{std::string(name.substr(0, at - 1)), k};
}

// What a parameter of the set is: its name, shape, and where it goes in the file.
struct st_param {
  std::string name;
  std::vector<std::uint64_t> dims;
  std::string file;  // the tensor's name in the file ("" until assigned)
  bool transposed = false;
  int dense_layer = -1;  // index into the set's dense layers, for the default rule
};

template <class T, class... Vars>
std::vector<std::vector<std::uint64_t>> param_dims(var_set<T, Vars...> const& params) {
  std::vector<std::vector<std::uint64_t>> out;
  params.for_each([&](auto, auto const& tensor) {
    using S = typename std::remove_cvref_t<decltype(tensor)>::shape_type;
    out.emplace_back(S::dims.begin(), S::dims.end());
  });
  return out;
}

template <class T, class... Vars>
std::vector<st_param> describe_params(var_set<T, Vars...> const& params) {
  std::vector<st_param> out;
  params.for_each([&](auto var, auto const& tensor) {
    using S = typename std::remove_cvref_t<decltype(tensor)>::shape_type;
    out.push_back({std::string(var.name),
                   std::vector<std::uint64_t>(S::dims.begin(), S::dims.end()),
                   {},
                   false,
                   -1});
  });
  return out;
}

// Applies the explicit map, then finds the layers with weights among the rest: "<p>Wk" 2-d
// (dense) with "<p>bk" [out] (W's columns), or "<p>Wk" of rank 3-4 (conv) with "<p>bk" [out]
// (W's rows); returns them as (W index, b index) pairs, ordered by (p, k). start starts errors.
inline std::vector<std::pair<std::size_t, std::size_t>> plan_names(std::vector<st_param>& ps,
                                                                   name_map const& names,
                                                                   std::string const& start) {
  for (tensor_name const& n : names) {
    auto it =
        std::find_if(ps.begin(), ps.end(), [&](st_param const& p) { return p.name == n.param; });
    if (it == ps.end())
      throw error(start + "the name map names parameter \"" + n.param +
                  "\", which the network does not have");
    if (n.transposed && it->dims.size() != 2)
      throw error(start + "the name map transposes parameter \"" + n.param + "\" " +
                  dims_text(it->dims) + ", which is not a matrix");
    it->file = n.file;
    it->transposed = n.transposed;
  }
  std::vector<std::pair<std::size_t, std::size_t>> dense;
  for (std::size_t w = 0; w < ps.size(); ++w) {
    std::size_t const rank = ps[w].dims.size();
    if (!ps[w].file.empty() || rank < 2 || rank > 4) continue;
    auto const wk = dense_index(ps[w].name, 'W');
    if (!wk) continue;
    std::string const bias = wk->first + "b" + std::to_string(wk->second);
    std::uint64_t const out = rank == 2 ? ps[w].dims[1] : ps[w].dims[0];
    for (std::size_t b = 0; b < ps.size(); ++b)
      if (ps[b].name == bias && ps[b].file.empty() && ps[b].dims.size() == 1 &&
          ps[b].dims[0] == out) {
        ps[w].dense_layer = ps[b].dense_layer = static_cast<int>(dense.size());
        dense.emplace_back(w, b);
      }
  }
  // The layers' order is their numbers' (the set's own order need not be).
  std::stable_sort(dense.begin(), dense.end(), [&](auto const& x, auto const& y) {
    auto const a = dense_index(ps[x.first].name, 'W');
    auto const b = dense_index(ps[y.first].name, 'W');
    return a->first != b->first ? a->first < b->first : a->second < b->second;
  });
  return dense;
}

// IEEE half and bfloat16 to float: exact (every value of both is a float).
inline float from_f16(std::uint16_t h) {
  std::uint32_t const sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  std::uint32_t exp = (h >> 10) & 0x1Fu;
  std::uint32_t mant = h & 0x3FFu;
  std::uint32_t bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);  // inf, NaN (payload kept)
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;  // ±0
  } else {        // subnormal: normalise
    exp = 113;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --exp;
    }
    bits = sign | (exp << 23) | ((mant & 0x3FFu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
inline float from_bf16(std::uint16_t h) {
  std::uint32_t const bits = static_cast<std::uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline std::size_t dtype_size(std::string const& dtype) {
  if (dtype == "F32") return 4;
  if (dtype == "F64") return 8;
  if (dtype == "F16" || dtype == "BF16") return 2;
  return 0;
}

template <class U> U little_endian(unsigned char const* p) {
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) v |= static_cast<U>(p[i]) << (8 * i);
  return v;
}

template <class T> T element(std::string const& dtype, unsigned char const* p) {
  if (dtype == "F32") {
    auto const bits = little_endian<std::uint32_t>(p);
    float f;
    std::memcpy(&f, &bits, 4);
    return static_cast<T>(f);
  }
  if (dtype == "F64") {
    auto const bits = little_endian<std::uint64_t>(p);
    double d;
    std::memcpy(&d, &bits, 8);
    return static_cast<T>(d);
  }
  if (dtype == "F16") return static_cast<T>(from_f16(little_endian<std::uint16_t>(p)));
  return static_cast<T>(from_bf16(little_endian<std::uint16_t>(p)));
}

// "M.num_batches_tracked": torch's batch norm step count, which ctgrad's batch norm does not use.
inline bool is_step_count(std::string const& name) {
  constexpr std::string_view tail = ".num_batches_tracked";
  return name.size() > tail.size() &&
         name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
}

// The header's JSON, checked: every tensor's dtype, shape and offsets, inside data_size bytes.
inline std::map<std::string, st_tensor> parse_header(std::string_view text, std::uint64_t data_size,
                                                     std::string const& start,
                                                     std::string* architecture) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end());
  } catch (nlohmann::json::exception const& e) {
    throw error(start + "the header is not JSON: " + e.what());
  }
  if (!j.is_object()) throw error(start + "the header is not a JSON object");
  std::map<std::string, st_tensor> tensors;
  for (auto const& [name, entry] : j.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw error(start + "\"__metadata__\" is not an object");
      auto const a = entry.find(architecture_key);
      if (a != entry.end()) {
        if (!a->is_string())
          throw error(start + "\"__metadata__\": \"" + architecture_key + "\" is not a string");
        *architecture = a->get<std::string>();
      }
      continue;
    }
    std::string const what = start + "tensor \"" + name + "\": ";
    if (!entry.is_object()) throw error(what + "its entry is not an object");
    auto const dtype = entry.find("dtype");
    auto const shape = entry.find("shape");
    auto const offsets = entry.find("data_offsets");
    if (dtype == entry.end() || !dtype->is_string()) throw error(what + "no \"dtype\" string");
    if (shape == entry.end() || !shape->is_array()) throw error(what + "no \"shape\" array");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2)
      throw error(what + "no \"data_offsets\" pair");
    st_tensor t;
    t.dtype = dtype->get<std::string>();
    // Batch norm's step count is an I64 that load skips (see the top of this file).
    std::size_t const size = is_step_count(name) && t.dtype == "I64" ? 8 : dtype_size(t.dtype);
    if (size == 0)
      throw error(what + "dtype " + t.dtype + " is not one ctgrad reads (F32, F64, F16, BF16)");
    std::uint64_t count = 1;
    for (auto const& d : *shape) {
      if (!d.is_number_unsigned())
        throw error(what + "a dimension of \"shape\" is not a non-negative integer");
      t.shape.push_back(d.get<std::uint64_t>());
      // No product of dimensions that fit the data can overflow: check as we go.
      if (t.shape.back() != 0 && count > data_size / t.shape.back())
        throw error(what + "shape " + dims_text(t.shape) + "... holds more than the file's data");
      count *= t.shape.back();
    }
    for (auto const& o : *offsets)
      if (!o.is_number_unsigned())
        throw error(what + "\"data_offsets\" are not non-negative integers");
    t.begin = (*offsets)[0].get<std::uint64_t>();
    t.end = (*offsets)[1].get<std::uint64_t>();
    if (t.begin > t.end || t.end > data_size)
      throw error(what + "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                  "] are outside the data (" + std::to_string(data_size) +
                  " bytes): is the file truncated?");
    if (t.end - t.begin != count * size)
      throw error(what + "data_offsets hold " + std::to_string(t.end - t.begin) + " bytes, shape " +
                  dims_text(t.shape) + " of " + t.dtype + " needs " + std::to_string(count * size));
    tensors.emplace(name, std::move(t));
  }
  // Tensors must not share bytes (each is its own data).
  std::vector<std::pair<std::pair<std::uint64_t, std::uint64_t>, std::string>> spans;
  for (auto const& [name, t] : tensors)
    if (t.end > t.begin) spans.push_back({{t.begin, t.end}, name});
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first.first < spans[i - 1].first.second)
      throw error(start + "tensors \"" + spans[i - 1].second + "\" and \"" + spans[i].second +
                  "\" overlap");
  return tensors;
}

// Two parameters must not be one tensor (a name map can say so by mistake).
inline void check_distinct(std::vector<st_param> const& ps, std::string const& start) {
  for (std::size_t i = 0; i < ps.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (ps[i].file == ps[j].file)
        throw error(start + "parameters \"" + ps[j].name + "\" and \"" + ps[i].name +
                    "\" are both tensor \"" + ps[i].file + "\"");
}

}  // namespace detail

/// Reads a safetensors file into params (names by the rule at the top of this file, or
/// names); every tensor of the file must go to a parameter and every parameter must be there.
template <class T, class... Vars>
void load_safetensors(var_set<T, Vars...>& params, std::string const& path,
                      name_map const& names = {}, std::string_view architecture = {}) {
  std::string const start = "ctgrad::io::load_safetensors(\"" + path + "\"): ";
  std::vector<unsigned char> const b = detail::read_file(path, "ctgrad::io::load_safetensors");
  if (b.size() < 8)
    throw error(start + "file is truncated: " + std::to_string(b.size()) +
                " bytes, less than the 8 of the header length");
  std::uint64_t const header_size = detail::little_endian<std::uint64_t>(b.data());
  if (header_size > b.size() - 8)
    throw error(start + "file is truncated: the header length is " + std::to_string(header_size) +
                " bytes, the file has " + std::to_string(b.size() - 8) + " after it");
  std::string_view const header(reinterpret_cast<char const*>(b.data() + 8), header_size);
  unsigned char const* data = b.data() + 8 + header_size;
  std::uint64_t const data_size = b.size() - 8 - header_size;
  std::string saved_architecture;
  std::map<std::string, detail::st_tensor> tensors =
      detail::parse_header(header, data_size, start, &saved_architecture);
  if (!architecture.empty() && !saved_architecture.empty() && architecture != saved_architecture)
    throw error(start + "another architecture: the file was saved from \"" + saved_architecture +
                "\", the network is \"" + std::string(architecture) + "\"");

  std::vector<detail::st_param> ps = detail::describe_params(params);
  auto const dense = detail::plan_names(ps, names, start);
  // Default rule, loading: the file's Linear and Conv modules in natural order, for the dense
  // and conv layers.
  std::vector<std::string> modules;
  for (auto const& [name, t] : tensors) {
    if (name.size() <= 7 || name.compare(name.size() - 7, 7, ".weight") != 0 ||
        t.shape.size() < 2 || t.shape.size() > 4)
      continue;
    std::string const module = name.substr(0, name.size() - 7);
    auto const bias = tensors.find(module + ".bias");
    if (bias != tensors.end() && bias->second.shape.size() == 1) modules.push_back(module);
  }
  for (auto const& p : ps)  // modules the name map already takes are not Linear layers to match
    if (!p.file.empty())
      std::erase_if(modules, [&](std::string const& m) {
        return p.file == m + ".weight" || p.file == m + ".bias";
      });
  std::sort(modules.begin(), modules.end(), detail::natural_less);
  if (!dense.empty() && modules.size() != dense.size()) {
    std::string have;
    for (auto const& m : modules) have += (have.empty() ? "" : ", ") + m;
    throw error(start + "the network has " + std::to_string(dense.size()) +
                " dense/conv layers, the file " + std::to_string(modules.size()) +
                " nn.Linear/Conv modules (" + (have.empty() ? "none" : have) +
                "); pass an io::name_map");
  }
  for (std::size_t k = 0; k < dense.size(); ++k) {
    ps[dense[k].first].file = modules[k] + ".weight";
    ps[dense[k].first].transposed = ps[dense[k].first].dims.size() == 2;
    ps[dense[k].second].file = modules[k] + ".bias";
  }
  for (auto& p : ps)
    if (p.file.empty()) p.file = p.name;
  detail::check_distinct(ps, start);

  // Check everything against the file before reading a value.
  std::vector<std::string> used;
  for (auto const& p : ps) {
    auto const it = tensors.find(p.file);
    std::string const label =
        "parameter \"" + p.name + "\"" + (p.file != p.name ? " (tensor \"" + p.file + "\")" : "");
    if (it == tensors.end()) throw error(start + label + " is not in the file");
    std::vector<std::uint64_t> want = p.dims;
    if (p.transposed) std::swap(want[0], want[1]);
    if (it->second.shape != want)
      throw error(start + label + " is " + detail::dims_text(it->second.shape) +
                  " in the file but " + detail::dims_text(want) + " in the network" +
                  (p.transposed ? " (nn.Linear's [out, in] of the network's " +
                                      detail::dims_text(p.dims) + ")"
                                : ""));
    if (detail::dtype_size(it->second.dtype) == 0)  // only a step count's I64 gets this far
      throw error(start + label + ": dtype " + it->second.dtype +
                  " is not one ctgrad reads (F32, F64, F16, BF16)");
    used.push_back(p.file);
  }
  for (auto const& [name, t] : tensors)
    if (std::find(used.begin(), used.end(), name) == used.end() && !detail::is_step_count(name))
      throw error(start + "tensor \"" + name + "\" " + detail::dims_text(t.shape) +
                  " of the file is no parameter of the network");

  auto copy = params;
  std::size_t index = 0;
  copy.for_each([&](auto, auto& tensor) {
    detail::st_param const& p = ps[index++];
    detail::st_tensor const& t = tensors.at(p.file);
    std::size_t const size = detail::dtype_size(t.dtype);
    unsigned char const* at = data + t.begin;
    std::size_t const rows = p.dims.empty() ? 1 : p.dims[0];
    std::size_t const cols = p.dims.size() == 2 ? p.dims[1] : 1;
    for (std::size_t i = 0; i < tensor.size; ++i) {
      // Transposed: the file holds [cols, rows]; entry (r, c) of the parameter is (c, r) there.
      std::size_t const from = p.transposed ? (i % cols) * rows + i / cols : i;
      tensor.data[i] = detail::element<T>(t.dtype, at + from * size);
    }
  });
  params = copy;
}

/// Writes params as a safetensors file (F32 for float sets, F64 for double), atomically,
/// names by the rule at the top of this file or names.
template <class T, class... Vars>
void save_safetensors(var_set<T, Vars...> const& params, std::string const& path,
                      name_map const& names = {}, std::string_view architecture = {}) {
  std::string const start = "ctgrad::io::save_safetensors(\"" + path + "\"): ";
  std::vector<detail::st_param> ps = detail::describe_params(params);
  auto const dense = detail::plan_names(ps, names, start);
  for (std::size_t k = 0; k < dense.size(); ++k) {
    std::string const module =
        detail::dense_index(ps[dense[k].first].name, 'W')->first + std::to_string(k);
    ps[dense[k].first].file = module + ".weight";
    ps[dense[k].first].transposed = ps[dense[k].first].dims.size() == 2;
    ps[dense[k].second].file = module + ".bias";
  }
  for (auto& p : ps)
    if (p.file.empty()) p.file = p.name;
  detail::check_distinct(ps, start);

  nlohmann::json header = nlohmann::json::object();
  header["__metadata__"] = {{"format", "pt"}};
  if (!architecture.empty())
    header["__metadata__"][detail::architecture_key] = std::string(architecture);
  std::vector<unsigned char> data;
  std::size_t index = 0;
  params.for_each([&](auto, auto const& tensor) {
    detail::st_param const& p = ps[index++];
    std::vector<std::uint64_t> shape = p.dims;
    if (p.transposed) std::swap(shape[0], shape[1]);
    std::size_t const begin = data.size();
    std::size_t const rows = p.dims.empty() ? 1 : p.dims[0];
    std::size_t const cols = p.dims.size() == 2 ? p.dims[1] : 1;
    for (std::size_t i = 0; i < tensor.size; ++i) {
      // Transposed: entry i of the file's [cols, rows] is (i % rows, i / rows) of the parameter.
      T const v = p.transposed ? tensor.data[(i % rows) * cols + i / rows] : tensor.data[i];
      using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
      U bits;
      std::memcpy(&bits, &v, sizeof bits);
      for (std::size_t byte = 0; byte < sizeof(U); ++byte)
        data.push_back(static_cast<unsigned char>(bits >> (8 * byte)));
    }
    header[p.file] = {{"dtype", sizeof(T) == 4 ? "F32" : "F64"},
                      {"shape", shape},
                      {"data_offsets", {begin, data.size()}}};
  });
  std::string text;
  try {
    text = header.dump();
  } catch (nlohmann::json::exception const& e) {  // a name map's name that is not UTF-8
    throw error(start + "cannot write the header: " + e.what());
  }
  text.append((8 - text.size() % 8) % 8,
              ' ');  // the data starts 8-byte aligned, as torch's writer does
  std::vector<unsigned char> out;
  out.reserve(8 + text.size() + data.size());
  for (std::size_t byte = 0; byte < 8; ++byte)
    out.push_back(
        static_cast<unsigned char>(static_cast<std::uint64_t>(text.size()) >> (8 * byte)));
  out.insert(out.end(), text.begin(), text.end());
  out.insert(out.end(), data.begin(), data.end());
  detail::write_file_atomically(path, out, "ctgrad::io::save_safetensors");
}

}  // namespace ctgrad::io
