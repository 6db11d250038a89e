// SPDX-License-Identifier: BSL-1.0
// reshape, flatten, concat and slice against PyTorch (float64, test/reference/torch_refs.txt):
// values and the gradients of sum(y * g); the folding rules; gradcheck, an input used twice,
// second derivatives through slice/embed.
#define BOOST_TEST_MODULE ops.shape_ops
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include "support/random.hpp"
#include "support/torch_reference.hpp"

#include <string>

using namespace ctgrad;

namespace {

constexpr double tolerance = 1e-10;

template <detail::fixed_string Name, class S>
inline constexpr var_node<detail::to_name_t<Name>, S, param_role> p{};

// y = f(inputs...) for a reference case whose inputs are labelled Labels with shapes Ss.
template <class F, class... Vars, class... Labels>
void check_against_torch(std::string const& name, F, Labels... labels) {
  auto const& ref = test::torch_refs().at(name);
  constexpr auto y = F{}(Vars{}...);
  using Y = shape_of_t<decltype(y)>;
  constexpr auto g = var_node<detail::to_name_t<"g">, Y, input_role>{};
  constexpr auto loss = sum(y * g);
  auto ps = params<double>(loss);
  std::string const label_list[] = {labels...};
  std::size_t k = 0;
  ((ps[Vars{}] = ref.tensor<double, shape_of_t<Vars>>(label_list[k++])), ...);
  test::check_close(eval(y, ps), ref.tensor<double, Y>("y"), tolerance, name + " y");
  auto const gr = grad(loss, ps, g = ref.tensor<double, Y>("g"));
  k = 0;
  ((test::check_close(gr[Vars{}], ref.tensor<double, shape_of_t<Vars>>("d" + label_list[k]),
                      tolerance, name + " d" + label_list[k]),
    ++k),
   ...);
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_pytorch) {
  using x234 = decltype(p<"x", shape<2, 3, 4>>);
  check_against_torch<decltype([](auto x) { return reshape<shape<4, 6>>(x); }), x234>(
      "reshape.b2c3l4.to4x6", {}, std::string("x"));
  check_against_torch<decltype([](auto x) { return flatten(x); }),
                      decltype(p<"x", shape<2, 3, 2, 2>>)>("flatten.b2c3h2w2", {},
                                                           std::string("x"));
  check_against_torch<decltype([](auto a, auto b) { return concat<1>(a, b); }),
                      decltype(p<"a", shape<2, 3, 4>>), decltype(p<"b", shape<2, 2, 4>>)>(
      "concat.axis1", {}, std::string("a"), std::string("b"));
  check_against_torch<decltype([](auto a, auto b, auto c) { return concat<2>(a, b, c); }),
                      decltype(p<"a", shape<2, 3, 2>>), decltype(p<"b", shape<2, 3, 3>>),
                      decltype(p<"c", shape<2, 3, 1>>)>("concat.axis2.three", {}, std::string("a"),
                                                        std::string("b"), std::string("c"));
  check_against_torch<decltype([](auto x) { return slice<1, 1, 4>(x); }),
                      decltype(p<"x", shape<2, 5, 3>>)>("slice.axis1.1to4", {}, std::string("x"));
  check_against_torch<decltype([](auto x) { return slice<0, 1, 2>(x); }),
                      decltype(p<"x", shape<3, 4>>)>("slice.axis0.1to2", {}, std::string("x"));
}

BOOST_AUTO_TEST_CASE(rules_and_shapes) {
  constexpr auto x = input<"x", 2, 3, 4>;
  static_assert(__is_same(decltype(reshape<shape<2, 3, 4>>(x)), std::remove_cv_t<decltype(x)>));
  static_assert(__is_same(decltype(reshape<shape<24>>(reshape<shape<6, 4>>(x))),
                          reshape_node<std::remove_cv_t<decltype(x)>, shape<24>>));
  static_assert(__is_same(decltype(reshape<shape<2, 3, 4>>(reshape<shape<6, 4>>(x))),
                          std::remove_cv_t<decltype(x)>));
  static_assert(__is_same(shape_of_t<decltype(flatten(x))>, shape<2, 12>));
  static_assert(__is_same(decltype(slice<1, 0, 3>(x)), std::remove_cv_t<decltype(x)>));
  static_assert(__is_same(shape_of_t<decltype(slice<2, 1, 3>(x))>, shape<2, 3, 2>));
  static_assert(__is_same(shape_of_t<decltype(concat<0>(x, x, x))>, shape<6, 3, 4>));
  BOOST_TEST(to_string(slice<2, 1, 3>(x)) == "slice<2, 1, 3>(x)");
  BOOST_TEST(to_string(concat<1>(x, x)) == "concat(x, x)");
}

BOOST_AUTO_TEST_CASE(gradcheck_with_fan_out_and_second_derivatives) {
  constexpr auto a = param<"a", 2, 3, 4>;
  constexpr auto b = param<"b", 2, 2, 4>;
  // a appears twice in one concat and again in a slice: adjoints from both places add.
  constexpr auto c = concat<1>(a, tanh(b), a);
  constexpr auto loss = sum(sin(reshape<shape<8, 8>>(c))) + sum(pow<2>(slice<2, 1, 3>(c))) +
                        sum(exp(flatten(slice<1, 0, 2>(a))));
  auto ps = params<double>(loss);
  test::fill_normal(ps, 15);
  auto const r = check::gradcheck(loss, ps);
  BOOST_TEST_MESSAGE("worst relative error " << r.max_relative_error);
  BOOST_TEST(r.ok(1e-7));
  constexpr auto inner = sum(pow<2>(d(loss, a)));
  auto const r2 = check::gradcheck(inner, ps);
  BOOST_TEST_MESSAGE("second order: worst relative error " << r2.max_relative_error);
  BOOST_TEST(r2.ok(1e-7));
}
