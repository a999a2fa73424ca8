import MoEKernels
import MoETestSupport
import Testing

/// Each kernel's backward pass against finite differences of a probe loss `Σ out ⊙ r` (r fixed
/// random weights, so d loss / d out = r exactly), at odd sizes. Tolerances: see GradientCheck.
@Suite("Kernel gradients agree with finite differences")
struct KernelGradientTests {
  /// Checks every listed input of a kernel. `run` computes the forward output into `out`;
  /// `backprop` accumulates input gradients given dout = r.
  func checkKernel(
    inputs: [(name: String, values: UnsafeMutablePointer<Float>, count: Int)], outCount: Int,
    run: (_ out: UnsafeMutablePointer<Float>) -> Double,
    backprop: (_ dout: UnsafePointer<Float>, _ grads: [UnsafeMutablePointer<Float>]) -> Void
  ) {
    let out = UnsafeMutablePointer<Float>.allocate(capacity: outCount)
    defer { out.deallocate() }
    let probe = TestData.floats(outCount, seed: 99)
    func loss() -> Double {
      var sum = run(out)
      for i in 0..<outCount { sum += Double(out[i]) * Double(probe[i]) }
      return sum
    }
    _ = loss()
    let grads = inputs.map { input -> UnsafeMutablePointer<Float> in
      let g = UnsafeMutablePointer<Float>.allocate(capacity: input.count)
      g.initialize(repeating: 0, count: input.count)
      return g
    }
    defer { for gradient in grads { gradient.deallocate() } }
    probe.withUnsafeBufferPointer { backprop($0.baseAddress!, grads) }
    for (index, input) in inputs.enumerated() {
      let analytic = Array(UnsafeBufferPointer(start: grads[index], count: input.count))
      let report = GradientCheck().check(
        name: input.name, values: input.values, analytic: analytic,
        indices: GradientCheck.sampleIndices(analytic: analytic, count: 24, seed: 3), loss: loss)
      #expect(report.failures.isEmpty, "\(report)")
      #expect(report.skipped == 0, "every kernel here is smooth: \(report)")
    }
  }

  /// 7 channels run the scalar tail only; 19 run two lane blocks and a tail.
  @Test(arguments: [true, false], [7, 19])
  func rmsNorm(withScale: Bool, channels c: Int) {
    let n = 3
    var x = TestData.floats(n * c, seed: 1, scale: 2), g = TestData.floats(c, seed: 2)
    var rstd = [Float](repeating: 0, count: n)
    x.withUnsafeMutableBufferPointer { xp in
      g.withUnsafeMutableBufferPointer { gp in
        rstd.withUnsafeMutableBufferPointer { rp in
          let scale = withScale ? UnsafePointer(gp.baseAddress!) : nil
          var inputs = [("inp", xp.baseAddress!, n * c)]
          if withScale { inputs.append(("scale", gp.baseAddress!, c)) }
          checkKernel(
            inputs: inputs, outCount: n * c,
            run: { out in
              RMSNorm.forward(
                out: out, rstd: rp.baseAddress!, inp: xp.baseAddress!, scale: scale, rows: n,
                channels: c)
              return 0
            },
            backprop: { dout, grads in
              RMSNorm.backward(
                dinp: grads[0], dscale: withScale ? grads[1] : nil, dout: dout,
                inp: xp.baseAddress!,
                scale: scale, rstd: rp.baseAddress!, rows: n, channels: c)
            })
        }
      }
    }
  }

  /// T = 5 runs the scalar rows only; T = 11 runs a lane block (masked past the causal end)
  /// and a scalar tail; T = 16 runs lanes only.
  struct AttentionCase: Sendable, CustomTestStringConvertible {
    var softCap: Float
    var zLoss: Float
    var time = 5
    var testDescription: String { "softCap \(softCap), z-loss \(zLoss), T \(time)" }
  }

  @Test(arguments: [
    AttentionCase(softCap: 0, zLoss: 0), AttentionCase(softCap: 0.7, zLoss: 0),
    AttentionCase(softCap: 0, zLoss: 0.3), AttentionCase(softCap: 1.5, zLoss: 0.2),
    AttentionCase(softCap: 0, zLoss: 0.3, time: 11), AttentionCase(softCap: 0, zLoss: 0, time: 16),
  ])
  func causalAttention(_ testCase: AttentionCase) {
    let b = 2, t = testCase.time, c = 6, heads = 2, n = b * t
    var q = TestData.floats(n * c, seed: 4, scale: 2), k = TestData.floats(n * c, seed: 5, scale: 2)
    var v = TestData.floats(n * c, seed: 6)
    let squares = b * heads * t * t
    var probs = [Float](repeating: 0, count: squares), logits = probs
    var lse = [Float](repeating: 0, count: b * heads * t),
      scratch = [Float](repeating: 0, count: t * t)
    let rowCount = Double(b * heads * t)
    q.withUnsafeMutableBufferPointer { qp in
      k.withUnsafeMutableBufferPointer { kp in
        v.withUnsafeMutableBufferPointer { vp in
          probs.withUnsafeMutableBufferPointer { pp in
            logits.withUnsafeMutableBufferPointer { lp in
              lse.withUnsafeMutableBufferPointer { sp in
                scratch.withUnsafeMutableBufferPointer { scr in
                  checkKernel(
                    inputs: [
                      ("q", qp.baseAddress!, n * c), ("k", kp.baseAddress!, n * c),
                      ("v", vp.baseAddress!, n * c),
                    ],
                    outCount: n * c,
                    run: { out in
                      let stats = CausalAttention.forward(
                        out: out, probs: pp.baseAddress!, logits: lp.baseAddress!,
                        lse: sp.baseAddress!,
                        q: qp.baseAddress!, k: kp.baseAddress!, v: vp.baseAddress!, batch: b,
                        time: t,
                        channels: c, heads: heads, softCap: testCase.softCap, roundToBFloat16: false
                      )
                      return Double(testCase.zLoss) * stats.sumSquaredLogPartition / rowCount
                    },
                    backprop: { dout, grads in
                      CausalAttention.backward(
                        dq: grads[0], dk: grads[1], dv: grads[2], scratch: scr.baseAddress!,
                        dout: dout,
                        probs: pp.baseAddress!, logits: lp.baseAddress!, lse: sp.baseAddress!,
                        q: qp.baseAddress!, k: kp.baseAddress!, v: vp.baseAddress!, batch: b,
                        time: t,
                        channels: c, heads: heads, softCap: testCase.softCap,
                        zLossScale: testCase.zLoss / Float(rowCount), roundToBFloat16: false)
                    })
                }
              }
            }
          }
        }
      }
    }
  }

  /// 43 values: five lane blocks and a scalar tail of three.
  @Test func gegluAndPlainActivations() {
    let count = 43
    var gate = TestData.floats(count, seed: 7, scale: 3),
      linear = TestData.floats(count, seed: 8, scale: 3)
    var tanh = [Float](repeating: 0, count: count)
    gate.withUnsafeMutableBufferPointer { gp in
      linear.withUnsafeMutableBufferPointer { lp in
        checkKernel(
          inputs: [("gate", gp.baseAddress!, count), ("linear", lp.baseAddress!, count)],
          outCount: count,
          run: { out in
            Activation.gegluForward(
              out: out, tanh: &tanh, gate: gp.baseAddress!, linear: lp.baseAddress!, count: count)
            return 0
          },
          backprop: { dout, grads in
            Activation.gegluBackward(
              dgate: grads[0], dlinear: grads[1], dout: dout, gate: gp.baseAddress!,
              linear: lp.baseAddress!,
              tanh: tanh, count: count)
          })
        checkKernel(
          inputs: [("gelu input", gp.baseAddress!, count)], outCount: count,
          run: { out in
            Activation.geluForward(out: out, inp: gp.baseAddress!, count: count)
            return 0
          },
          backprop: { dout, grads in
            Activation.geluBackward(dinp: grads[0], dout: dout, inp: gp.baseAddress!, count: count)
          })
      }
    }
  }

  @Test func softmaxCrossEntropyWithOutputZLoss() {
    let n = 4, v = 9
    var logits = TestData.floats(n * v, seed: 9, scale: 3)
    let targets: [Int32] = [0, 8, 3, 3]
    var probs = [Float](repeating: 0, count: n * v), lse = [Float](repeating: 0, count: n)
    let zCoefficient = 0.2
    logits.withUnsafeMutableBufferPointer { lp in
      probs.withUnsafeMutableBufferPointer { pp in
        lse.withUnsafeMutableBufferPointer { sp in
          targets.withUnsafeBufferPointer { tp in
            checkKernel(
              inputs: [("logits", lp.baseAddress!, n * v)], outCount: 1,
              run: { out in
                out[0] = 0
                let sums = SoftmaxCrossEntropy.forward(
                  probs: pp.baseAddress!, lse: sp.baseAddress!, logits: lp.baseAddress!,
                  targets: tp.baseAddress!, rows: n, classes: v)
                // Probe weight r₀ scales nothing here: the loss is the mean CE + z term.
                return sums.crossEntropy / Double(n) + zCoefficient * sums.squaredLogPartition
                  / Double(n)
              },
              backprop: { _, grads in
                SoftmaxCrossEntropy.backward(
                  dlogits: grads[0], probs: pp.baseAddress!, lse: sp.baseAddress!,
                  targets: tp.baseAddress!,
                  rows: n, classes: v, ceScale: 1 / Float(n), zScale: Float(zCoefficient) / Float(n)
                )
              })
          }
        }
      }
    }
  }

  @Test func linearAndChannelScale() {
    let n = 5, c = 4, oc = 3
    var x = TestData.floats(n * c, seed: 10), w = TestData.floats(oc * c, seed: 11)
    var s = TestData.floats(c, seed: 12)
    x.withUnsafeMutableBufferPointer { xp in
      w.withUnsafeMutableBufferPointer { wp in
        s.withUnsafeMutableBufferPointer { sp in
          checkKernel(
            inputs: [("inp", xp.baseAddress!, n * c), ("weight", wp.baseAddress!, oc * c)],
            outCount: n * oc,
            run: { out in
              Linear.forward(
                out: out, inp: xp.baseAddress!, weight: wp.baseAddress!, rows: n, inFeatures: c,
                outFeatures: oc)
              return 0
            },
            backprop: { dout, grads in
              Linear.backward(
                dinp: grads[0], dweight: grads[1], dout: dout, inp: xp.baseAddress!,
                weight: wp.baseAddress!,
                rows: n, inFeatures: c, outFeatures: oc)
            })
          checkKernel(
            inputs: [("inp", xp.baseAddress!, n * c), ("scale", sp.baseAddress!, c)],
            outCount: n * c,
            run: { out in
              ChannelScale.forward(
                out: out, inp: xp.baseAddress!, scale: sp.baseAddress!, rows: n, channels: c)
              return 0
            },
            backprop: { dout, grads in
              ChannelScale.backward(
                dinp: grads[0], dscale: grads[1], dout: dout, inp: xp.baseAddress!,
                scale: sp.baseAddress!,
                rows: n, channels: c)
            })
        }
      }
    }
  }
}
