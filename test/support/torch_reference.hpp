// SPDX-License-Identifier: BSL-1.0
// PyTorch's values and gradients, read from test/reference/torch_refs.txt (written by
// test/reference/torch_refs.py, see there), so tests compare with an independent
// implementation without torch at test time.
//   auto const& c = test::torch_refs().at("conv2d.b2c3h5w5.o4k3x3.s1p0d1g1");
//   auto x = c.tensor<double, shape<2, 3, 5, 5>>("x");    // shape checked, or throws
//   test::check_close(actual, c.tensor<double, S>("y"), 1e-10);
// A case holds its inputs (x, w, b, ...), the upstream g, the output y = f(inputs) and the
// gradients d<input> of sum(y * g).
#pragma once

#include <ctgrad/expr/shape.hpp>
#include <ctgrad/expr/tensor.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef CTGRAD_TEST_REFERENCE_DIR
#error "CTGRAD_TEST_REFERENCE_DIR must name test/reference (test/CMakeLists.txt defines it)"
#endif

namespace test {

struct torch_tensor {
  std::vector<std::size_t> dims;
  std::vector<double> values;
};

class torch_case {
 public:
  std::string name;
  std::map<std::string, torch_tensor> tensors;

  bool has(std::string const& label) const { return tensors.count(label) != 0; }

  torch_tensor const& raw(std::string const& label) const {
    auto const it = tensors.find(label);
    if (it == tensors.end())
      throw std::runtime_error("torch reference case " + name + " has no tensor " + label);
    return it->second;
  }

  /// The tensor `label` as a ctgrad tensor of shape S; throws when its shape is another.
  template <class T, class S> ctgrad::tensor<T, S> tensor(std::string const& label) const {
    torch_tensor const& t = raw(label);
    std::vector<std::size_t> const want(S::dims.begin(), S::dims.end());
    if (t.dims != want) {
      std::string got;
      for (std::size_t n : t.dims) got += (got.empty() ? "" : ", ") + std::to_string(n);
      throw std::runtime_error("torch reference " + name + "." + label + " has shape [" + got +
                               "], the test expects " + S::to_string());
    }
    ctgrad::tensor<T, S> out{};
    for (std::size_t i = 0; i < S::size; ++i) out.data[i] = static_cast<T>(t.values[i]);
    return out;
  }
};

class torch_reference {
 public:
  explicit torch_reference(std::string const& path) {
    std::ifstream in(path);
    if (!in)
      throw std::runtime_error(path +
                               ": cannot open (regenerate with /usr/bin/python3 "
                               "test/reference/torch_refs.py)");
    std::string line;
    std::size_t number = 0;
    torch_case* current = nullptr;
    auto fail = [&](std::string const& what) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": " + what);
    };
    while (std::getline(in, line)) {
      ++number;
      if (line.empty() || line[0] == '#') continue;
      std::istringstream words(line);
      std::string word;
      words >> word;
      if (word == "case") {
        std::string name;
        words >> name;
        current = &cases_[name];
        current->name = name;
      } else if (word == "end") {
        current = nullptr;
      } else if (word == "tensor") {
        if (current == nullptr) fail("a tensor outside a case");
        std::string label;
        std::size_t rank = 0;
        words >> label >> rank;
        torch_tensor t;
        std::size_t size = 1;
        for (std::size_t k = 0; k < rank; ++k) {
          std::size_t n = 0;
          if (!(words >> n)) fail("tensor " + label + ": fewer dimensions than its rank");
          t.dims.push_back(n);
          size *= n;
        }
        ++number;
        if (!std::getline(in, line)) fail("tensor " + label + ": no values");
        std::istringstream values(line);
        double v = 0;
        while (values >> v) t.values.push_back(v);
        if (t.values.size() != size)
          fail("tensor " + label + ": " + std::to_string(t.values.size()) + " values, shape has " +
               std::to_string(size));
        current->tensors[label] = std::move(t);
      } else {
        fail("unexpected '" + word + "'");
      }
    }
  }

  torch_case const& at(std::string const& name) const {
    auto const it = cases_.find(name);
    if (it == cases_.end())
      throw std::runtime_error("torch reference has no case " + name +
                               " (regenerate with /usr/bin/python3 test/reference/torch_refs.py)");
    return it->second;
  }

 private:
  std::map<std::string, torch_case> cases_;
};

/// The committed reference file, read once.
inline torch_reference const& torch_refs() {
  static torch_reference const refs(std::string(CTGRAD_TEST_REFERENCE_DIR) + "/torch_refs.txt");
  return refs;
}

/// Largest |a - e| / (|e| + 1e-3 max|e|) over the entries: relative error, except that
/// entries far below the tensor's scale (exact zeros of a gradient) are held to that scale.
template <class TA, class TE> double max_relative_error(TA const& actual, TE const& expected) {
  double scale = 0;
  for (std::size_t i = 0; i < expected.data.size(); ++i)
    scale = std::max(scale, std::fabs(static_cast<double>(expected.data[i])));
  double worst = 0;
  for (std::size_t i = 0; i < expected.data.size(); ++i) {
    double const e = static_cast<double>(expected.data[i]);
    double const a = static_cast<double>(actual.data[i]);
    double const denominator = std::fabs(e) + 1e-3 * scale;
    double const err = denominator == 0 ? std::fabs(a - e) : std::fabs(a - e) / denominator;
    if (!(err <= worst)) worst = err;  // NaN becomes the worst
  }
  return worst;
}

/// Checks actual against PyTorch's expected within a relative tolerance, naming what.
template <class TA, class TE>
void check_close(TA const& actual, TE const& expected, double tolerance, std::string const& what) {
  BOOST_TEST_REQUIRE(actual.data.size() == expected.data.size());
  double const err = max_relative_error(actual, expected);
  BOOST_TEST_MESSAGE(what << ": max relative error " << err);
  BOOST_TEST(err <= tolerance, what << ": max relative error " << err << " > " << tolerance);
}

}  // namespace test
