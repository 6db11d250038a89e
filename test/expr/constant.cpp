// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE core.constant
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <type_traits>

using namespace ctgrad;
using namespace ctgrad::literals;

BOOST_AUTO_TEST_CASE(literals_are_exact_rationals) {
  static_assert(__is_same(decltype(3_c), constant_node<3, 1>));
  static_assert(__is_same(decltype(0.5_c), constant_node<1, 2>));
  static_assert(__is_same(decltype(0.125_c), constant_node<1, 8>));
  static_assert(__is_same(decltype(1'000_c), constant_node<1000, 1>));
  static_assert(__is_same(std::remove_const_t<decltype(constant<6, -4>)>, constant_node<-3, 2>));
  BOOST_TEST(to_string(0.1_c) == "1/10");
}

BOOST_AUTO_TEST_CASE(folding_is_exact) {
  static_assert(__is_same(decltype(constant<1, 3> + constant<1, 6>), constant_node<1, 2>));
  static_assert(__is_same(decltype(constant<2, 3> * 1.5_c), one_t));
  static_assert(__is_same(decltype(1_c / 3_c - constant<1, 3>), zero_t));
  static_assert(__is_same(decltype(-(2_c - 5_c)), constant_node<3, 1>));
  static_assert(__is_same(decltype(pow<3>(constant<-1, 2>)), constant_node<-1, 8>));
}

BOOST_AUTO_TEST_CASE(values) {
  static_assert(eval(constant<1, 3>, var<"x"> = 0.0f) == 1.0f / 3.0f);
  static_assert(constant_node<7, 2>::value<double>() == 3.5);
}
