/// Σ `term(k)` for k in 0..<count, accumulated in Double by four interleaved running sums.
///
/// One running sum makes every addition wait for the previous one (a 4-cycle dependency
/// chain per element); four independent sums let consecutive additions overlap, which made
/// the optimizer loops 2–3× faster. The result differs from a sequential Double sum only by
/// reassociation rounding, at most about count·2⁻⁵³ relative for non-negative terms.
/// `term` may have side effects (the optimizers write θ in it); it is called once per k, in
/// increasing order of k.
@inline(__always)
func interleavedSum(_ count: Int, _ term: (Int) -> Double) -> Double {
  var sum0 = 0.0
  var sum1 = 0.0
  var sum2 = 0.0
  var sum3 = 0.0
  var k = 0
  while k + 4 <= count {
    sum0 += term(k)
    sum1 += term(k + 1)
    sum2 += term(k + 2)
    sum3 += term(k + 3)
    k += 4
  }
  while k < count {
    sum0 += term(k)
    k += 1
  }
  return (sum0 + sum1) + (sum2 + sum3)
}
