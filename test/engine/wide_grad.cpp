// SPDX-License-Identifier: BSL-1.0
// Wide formulas (issue 19): a sum of 300 terms, each in its own variable,
// f = sin(x000) + sin(2*x001) + ... + sin(300*x299), and grad over all 300 variables in one
// reverse sweep: df/dx_k = (k + 1) cos((k + 1) x_k), computed here by a loop, not by ctgrad.
#define BOOST_TEST_MODULE engine.wide_grad
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <array>
#include <cmath>
#include <utility>

using namespace ctgrad;

namespace {
// The variable x<K> is named "x" and K in three digits.
template <std::size_t K> struct name_of {
  static constexpr char text[5] = {'x', static_cast<char>('0' + K / 100),
                                   static_cast<char>('0' + K / 10 % 10),
                                   static_cast<char>('0' + K % 10), '\0'};
};
template <std::size_t K> constexpr auto xk = var<detail::fixed_string<5>(name_of<K>::text)>;

constexpr std::size_t n = 300;
// Two folds of 150 terms (clang 14 refuses a fold of more than 256 in the test's own code).
template <std::size_t First, std::size_t... Ks> constexpr auto terms(std::index_sequence<Ks...>) {
  return (... + sin(constant<First + Ks + 1> * xk<First + Ks>));
}
constexpr auto f_of() {
  return terms<0>(std::make_index_sequence<150>{}) + terms<150>(std::make_index_sequence<150>{});
}
template <std::size_t... Ks>
std::array<double, n> gradient(std::array<double, n> const& v, std::index_sequence<Ks...> ks) {
  constexpr auto f = f_of();
  (void)ks;
  return eval(grad(f, xk<Ks>...), (xk<Ks> = v[Ks])...);
}
}  // namespace

BOOST_AUTO_TEST_CASE(grad_over_300_variables) {
  std::array<double, n> v{};
  for (std::size_t k = 0; k < n; ++k) v[k] = 0.01 * static_cast<double>(k) - 1.0;
  std::array<double, n> const g = gradient(v, std::make_index_sequence<n>{});
  for (std::size_t k = 0; k < n; ++k) {
    double const c = static_cast<double>(k + 1);
    BOOST_TEST(g[k] == c * std::cos(c * v[k]), boost::test_tools::tolerance(1e-12));
  }
}
