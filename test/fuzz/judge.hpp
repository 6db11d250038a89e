// SPDX-License-Identifier: BSL-1.0
// The expression fuzzer's oracle of central differences: when a difference quotient carries
// information about df/dv, and how far from it d(f, v) may be. No libFuzzer and no ctgrad
// here, so that test/fuzz_judge/judge.cpp can test the judge itself.
//
// f is evaluated in long double at v ± h, v ± h/4, v ± h/16 (h a power of two, so every
// point is exact). Central differences are *meaningful* at v when all of these hold:
//   smooth       no kink, pole or end of a domain near the stencil, and no argument of a
//                periodic or exponential function moving by 1/8 or more (the caller decides,
//                from the arguments it watched at every point);
//   finite       f, d(f, v) and every stencil value within 1e200;
//   informative  f changes measurably over the smallest step: |f(v + h/16) − f(v − h/16)|
//                is at least 2·10^4 times the rounding noise of such a difference, which
//                counts R, a bound of the rounding error of f at any stencil point in long
//                double propagated node by node by the caller (rounding_of_op), besides the
//                rounding of f's value and f's measured conditioning. A smaller change is
//                rounding, not slope: sigmoid(1/x) - 1/2 at x = 8.2e107 is 0 at all six
//                points (sigmoid(1.2e-108) rounds to 1/2 in every format) while its
//                derivative is -3.7e-217; f's value, 0, says nothing of the 1/2 that was
//                rounded, R does. An f computed exactly (R = 0: relu of a negative number)
//                is informative even when flat: its central differences are exact;
//   asymptotic   the three quotients converge (each refinement at least halves their
//                difference) and f is nearly linear over the stencil.
// Where they are meaningful, d(f, v) must agree with the finest quotient within its
// truncation error (estimated by the change between the two coarsest steps), 4 times the
// rounding noise over the finest step, 1e-10 relative and 2^-50 of the derivative's
// absolute scale. Elsewhere d(f, v) is judged only against the runtime tape, within
// rounding bounds (expressions.hpp).
#pragma once

#include <cmath>
#include <initializer_list>
#include <limits>

namespace fuzz {

using ld = long double;

/// f at the stencil's six points, and how it was computed there.
struct stencil {
  ld h[3]{};            // h, h/4, h/16
  ld fp[3]{}, fm[3]{};  // f(v + h[i]), f(v - h[i]), in long double
  bool smooth = false;  // no watched argument crosses a kink, pole or period (caller's test)
  ld rounding = 0;      // R: a bound of f's rounding error at any of the seven points
};

/// A bound of the rounding error that one operation adds to its result `out`, computed in
/// T: `ulps` units of T's epsilon relative to |out| (1 for + - * /, 0 for exact operations
/// such as neg, abs, relu, a few for library functions), and where the result is below
/// T's smallest normal number and the operation can underflow (its operands are not 0),
/// the absolute spacing of subnormal numbers, which relative error does not bound.
template <class T> ld rounding_of_op(ld out, unsigned ulps, bool may_underflow) {
  ld r = ulps * ld{std::numeric_limits<T>::epsilon()} * std::fabs(out);
  if (may_underflow && ulps != 0 && !(std::fabs(out) >= ld{std::numeric_limits<T>::min()}))
    r += ld{std::numeric_limits<T>::denorm_min()};
  return r;
}

/// The stencil's largest step for a variable at v: a power of two (so v ± h is exact in long
/// double), 2^-14 of |v|, or 2^-24 near 0.
inline ld step_for(double v) {
  double const a = std::fmax(std::fabs(v), 0x1p-10);
  return std::ldexp(1.0L, std::ilogb(a) - 14);
}

inline bool finite_all(std::initializer_list<ld> vs, ld limit = 1e300L) {
  for (ld v : vs)
    if (!(std::fabs(v) <= limit)) return false;
  return true;
}

/// What central differences are judged on, at one point and for one variable v.
struct central_input {
  ld sym = 0;       // d(f, v), evaluated by ctgrad in long double (what is judged)
  ld f_centre = 0;  // f(v) in long double (the tape)
  ld f_l = 0;       // f(v) in long double (eval)
  double f_d = 0;   // f(v) in double (eval): its distance to f_l measures f's conditioning
  ld mag = 0;       // |df/dv| with every local partial's absolute value: the scale of
                    // the rounding of any summation order of the chain rule
  stencil c;
};

enum class central_outcome {
  not_smooth,
  not_finite,
  uninformative,  // f does not change over the step by far more than its rounding
  not_asymptotic,
  agree,
  disagree
};

struct central_verdict {
  central_outcome outcome;
  ld estimate = 0;   // the finest quotient (f(v + h/16) - f(v - h/16)) / (2h/16)
  ld tolerance = 0;  // when judged
  // Not judged, but would be if f's rounding were measured from f's value alone (the
  // oracle before issue 22): the rounding bound R is what keeps this point out.
  bool hidden_by_rounding = false;
  bool judged() const {
    return outcome == central_outcome::agree || outcome == central_outcome::disagree;
  }
};

/// |f(v + h/16) − f(v − h/16)| must be at least this many times f's rounding noise: then
/// rounding moves the finest quotient by 1e-4 of itself at most (and is in the tolerance).
inline constexpr ld informative_ratio = 2e4L;

namespace detail {
inline central_verdict judge_central(central_input const& in, ld rounding) {
  stencil const& c = in.c;
  if (!c.smooth) return {central_outcome::not_smooth};
  if (!finite_all({in.sym, in.f_l, ld{in.f_d}, in.mag, rounding}, 1e200L) ||
      !finite_all({c.fp[0], c.fm[0], c.fp[1], c.fm[1], c.fp[2], c.fm[2]}, 1e200L))
    return {central_outcome::not_finite};
  ld dq[3], fmax = std::fabs(in.f_l);
  for (int i = 0; i < 3; ++i) {
    dq[i] = (c.fp[i] - c.fm[i]) / (2 * c.h[i]);
    fmax = std::fmax(fmax, std::fmax(std::fabs(c.fp[i]), std::fabs(c.fm[i])));
  }
  // Rounding noise in a difference of two values of f: long double rounding of f's value;
  // f's own conditioning, measured by how far its double value is from its long double
  // value (about 2^11 times the long double error; the factor 8 leaves a margin of 2^8);
  // and twice R, which also sees the rounding of intermediate values that cancel in f
  // (sigmoid(1/x) - 1/2 rounds 1/2, whatever f's value).
  ld const f_noise = 32 * std::numeric_limits<ld>::epsilon() * fmax +
                     8 * std::fabs(ld{in.f_d} - in.f_l) + 2 * rounding;
  ld const change = std::fabs(c.fp[2] - c.fm[2]);
  if (!(change >= informative_ratio * f_noise)) return {central_outcome::uninformative, dq[2]};
  ld const noise = f_noise / c.h[2];  // in a quotient
  ld const step1 = std::fabs(dq[0] - dq[1]), step2 = std::fabs(dq[1] - dq[2]);
  ld const curvature = std::fabs(c.fp[0] - 2 * in.f_centre + c.fm[0]);
  bool const asymptotic = step1 + noise <= 1e-4L * std::fabs(dq[2]) && step2 <= step1 / 2 + noise &&
                          curvature <= 1e-2L * std::fabs(c.fp[0] - c.fm[0]) + 4 * f_noise;
  if (!asymptotic) return {central_outcome::not_asymptotic, dq[2]};
  // The truncation error of dq[2] is about step1 / 256.
  ld const tol = step1 + 4 * noise + 1e-10L * std::fmax(std::fabs(dq[2]), std::fabs(in.sym)) +
                 0x1p-50L * in.mag;
  bool const ok = std::fabs(in.sym - dq[2]) <= tol;
  return {ok ? central_outcome::agree : central_outcome::disagree, dq[2], tol};
}
}  // namespace detail

/// Whether d(f, v) = in.sym can be judged against central differences, and the judgement.
inline central_verdict judge_central(central_input const& in) {
  central_verdict v = detail::judge_central(in, in.c.rounding);
  if (!v.judged() && v.outcome != central_outcome::not_smooth &&
      v.outcome != central_outcome::not_finite)
    v.hidden_by_rounding = detail::judge_central(in, 0).judged();
  return v;
}

}  // namespace fuzz
