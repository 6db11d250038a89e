// SPDX-License-Identifier: BSL-1.0
// The expression fuzzer's oracle of central differences (test/fuzz/judge.hpp), judged on
// functions written here with <cmath> and derivatives from calculus, not from ctgrad: it must
// fire on a wrong derivative at an ordinary point, stay as strict as 1e-10 relative there,
// and stay silent where central differences carry no information (issue 22's finding:
// sigmoid(1/x) - 1/2 at x = 8.2e107, flat in every format while its derivative is not 0).
#define BOOST_TEST_MODULE fuzz_judge.judge
#include <boost/test/unit_test.hpp>

#include "fuzz/judge.hpp"

#include <cmath>
#include <limits>

using fuzz::central_input;
using fuzz::central_outcome;
using fuzz::judge_central;
using fuzz::ld;
using fuzz::rounding_of_op;

namespace {

/// f's value and rounding bound, as the harness propagates them (one library call of
/// 4 ulps, then sums and products of 1 ulp).
struct valued {
  ld f, rounding;
};

/// The judge's input for f (a function of ld or double giving {value, rounding}) at v, as
/// the harness builds it: f in long double at the centre and at v ± h, h/4, h/16, and in
/// double at the centre; R the largest rounding bound of the seven.
template <class F> central_input at(double v, ld sym, ld mag, F f) {
  central_input in;
  in.sym = sym;
  in.mag = mag;
  valued const centre = f(ld{v});
  in.f_centre = in.f_l = centre.f;
  in.f_d = static_cast<double>(f(v).f);
  in.c.smooth = true;
  in.c.rounding = centre.rounding;
  in.c.h[0] = fuzz::step_for(v);
  in.c.h[1] = in.c.h[0] / 4;
  in.c.h[2] = in.c.h[0] / 16;
  for (int i = 0; i < 3; ++i) {
    valued const p = f(ld{v} + in.c.h[i]), m = f(ld{v} - in.c.h[i]);
    in.c.fp[i] = p.f;
    in.c.fm[i] = m.f;
    in.c.rounding = std::fmax(in.c.rounding, std::fmax(p.rounding, m.rounding));
  }
  return in;
}

template <class T> valued sine(T v) {
  T const s = std::sin(v);
  return {s, rounding_of_op<T>(s, 4, v != 0)};
}

// sigmoid(1/x) - 1/2 (y = 1/2), the harness's bounds: pow<-1> (8 ulps), sigmoid (4 ulps,
// slope σ(1 - σ)), a subtraction (1 ulp).
template <class T> valued issue22(T x) {
  T const z = 1 / x;
  T const a = 1 / (1 + std::exp(-z));
  T const f = a - T{0.5};
  ld const rz = rounding_of_op<T>(z, 8, true);
  ld const ra = rounding_of_op<T>(a, 4, true) + ld{a} * (1 - ld{a}) * rz;
  return {f, rounding_of_op<T>(f, 1, false) + ra};
}

constexpr double issue22_x = 8.196874112397505e+107;

}  // namespace

BOOST_AUTO_TEST_CASE(a_right_derivative_at_an_ordinary_point_agrees) {
  for (double v : {0.7, -2.5, 1e-3, 40.0}) {
    ld const d = std::cos(ld{v});
    auto in = at(v, d, std::fabs(d), sine<ld>);
    auto const r = judge_central(in);
    BOOST_TEST(static_cast<int>(r.outcome) == static_cast<int>(central_outcome::agree),
               "sin at " << v);
    // As strict as before issue 22: the rounding bound adds at most 1e-10 relative to the
    // tolerance (which is mostly the truncation error's estimate).
    in.c.rounding = 0;
    auto const without = judge_central(in);
    BOOST_TEST(r.tolerance - without.tolerance <= 1e-10L * std::fabs(d), "sin at " << v);
    BOOST_TEST(r.tolerance - without.tolerance > 0.0L, "sin at " << v);
    BOOST_TEST(!r.hidden_by_rounding);
  }
}

BOOST_AUTO_TEST_CASE(a_wrong_derivative_at_an_ordinary_point_fires) {
  ld const c = std::cos(0.7L);
  for (ld wrong : {c * (1 + 1e-8L), c * (1 - 1e-9L), -c, ld{0}, std::sin(0.7L)}) {
    auto const r = judge_central(at(0.7, wrong, c, sine<ld>));
    BOOST_TEST(static_cast<int>(r.outcome) == static_cast<int>(central_outcome::disagree),
               "d = " << static_cast<double>(wrong));
    BOOST_TEST(std::fabs(r.estimate - c) <= 1e-12L * c);
  }
}

BOOST_AUTO_TEST_CASE(issue_22_sigmoid_of_one_over_x_is_flat_and_not_judged) {
  // σ'(1/x) · (−1/x²) with σ'(0) = 1/4 (σ'(z) = 1/4 − z²/16 + ..., z = 1.2e-108).
  ld const x = issue22_x;
  ld const d = -0.25L / (x * x);
  BOOST_TEST(std::fabs(d / -3.72086127225480382601e-217L - 1) <= 1e-15L);
  auto in = at(issue22_x, d, -d, issue22<ld>);
  for (int i = 0; i < 3; ++i) {  // the finding: f does not move at any step
    BOOST_TEST(in.c.fp[i] == 0.0L);
    BOOST_TEST(in.c.fm[i] == 0.0L);
  }
  BOOST_TEST(in.c.rounding > 0.0L);  // 1/2 was rounded to get 0
  auto const r = judge_central(in);
  BOOST_TEST(static_cast<int>(r.outcome) == static_cast<int>(central_outcome::uninformative));
  BOOST_TEST(r.hidden_by_rounding);
  // Without the rounding bound (the oracle of issue 22) the same input fires.
  in.c.rounding = 0;
  BOOST_TEST(static_cast<int>(judge_central(in).outcome) ==
             static_cast<int>(central_outcome::disagree));
}

BOOST_AUTO_TEST_CASE(issue_22_function_at_an_ordinary_point_is_judged) {
  // The same f where it moves: x = 3, f' = -σ(1/3)(1 - σ(1/3)) / 9.
  ld const s = 1 / (1 + std::exp(-1.0L / 3));
  ld const d = -s * (1 - s) / 9;
  auto const ok = judge_central(at(3.0, d, -d, issue22<ld>));
  BOOST_TEST(static_cast<int>(ok.outcome) == static_cast<int>(central_outcome::agree));
  auto const wrong = judge_central(at(3.0, d * (1 + 1e-8L), -d, issue22<ld>));
  BOOST_TEST(static_cast<int>(wrong.outcome) == static_cast<int>(central_outcome::disagree));
}

BOOST_AUTO_TEST_CASE(a_step_lost_in_a_large_operand_is_not_judged) {
  // f = x + 1e17 at x = 1: x ± h (h = 2^-14) is below half an ulp of 1e17 in long double,
  // so f is flat although df/dx = 1 (f's noise, 32 ulps of 1e17, already kept this out).
  auto const f = [](auto x) {
    using T = decltype(x);
    T const v = x + T{1e17};
    return valued{v, rounding_of_op<T>(v, 1, false)};
  };
  auto const in = at(1.0, 1, 1, f);
  BOOST_TEST(in.c.fp[2] == in.c.fm[2]);
  BOOST_TEST(!judge_central(in).judged());
}

BOOST_AUTO_TEST_CASE(an_exactly_computed_flat_function_is_judged) {
  // relu(-x² - 1): 0 everywhere and exact (relu is exact, R = 0), so its central
  // differences are exact and a derivative that is not 0 is wrong.
  auto const f = [](auto x) {
    using T = decltype(x);
    T const z = -(x * x) - 1;
    return valued{z > 0 ? z : T{0}, 0};
  };
  BOOST_TEST(static_cast<int>(judge_central(at(0.5, 0, 0, f)).outcome) ==
             static_cast<int>(central_outcome::agree));
  BOOST_TEST(static_cast<int>(judge_central(at(0.5, 1e-3L, 0, f)).outcome) ==
             static_cast<int>(central_outcome::disagree));
}

BOOST_AUTO_TEST_CASE(not_smooth_or_not_finite_is_not_judged) {
  auto in = at(0.7, -1, 1, sine<ld>);  // wrong, but the caller saw a kink
  in.c.smooth = false;
  BOOST_TEST(static_cast<int>(judge_central(in).outcome) ==
             static_cast<int>(central_outcome::not_smooth));
  auto inf = at(0.7, HUGE_VALL, 1, sine<ld>);
  BOOST_TEST(static_cast<int>(judge_central(inf).outcome) ==
             static_cast<int>(central_outcome::not_finite));
}

BOOST_AUTO_TEST_CASE(rounding_of_op_bounds) {
  ld const eps = std::numeric_limits<ld>::epsilon();
  BOOST_TEST(rounding_of_op<ld>(2.0L, 1, true) == 2 * eps);
  BOOST_TEST(rounding_of_op<ld>(-3.0L, 0, true) == 0.0L);  // exact operations
  // An underflowed result: relative error says nothing, subnormal spacing does.
  BOOST_TEST(rounding_of_op<ld>(0.0L, 4, true) == std::numeric_limits<ld>::denorm_min());
  BOOST_TEST(rounding_of_op<ld>(0.0L, 4, false) == 0.0L);
  BOOST_TEST(rounding_of_op<double>(1.0L, 1, false) == ld{std::numeric_limits<double>::epsilon()});
}
