/**
 * Random deviates (src/engine/rng.ts): the ziggurat exponential against the exact Exp(1) law —
 * moments, a Kolmogorov–Smirnov test, a chi-square over equiprobable bins and the tail beyond the
 * base layer — its determinism (same seed ⇒ same draws, a restored stream state continues the
 * sequence), and the Poisson background drive built on it, seen through the engine: the number of
 * events a neuron takes per step is Poisson(rate · dt).
 *
 * All sample sizes are fixed and seeded, so each statistic is one deterministic number; the bounds
 * are the usual critical values (α ≈ 0.001–0.01) for a correct sampler, so a wrong table, a skipped
 * wedge test or a biased tail fails them.
 */
import { describe, expect, test } from 'vitest'
import { createRng, exponential, restoreStream, standardExponential, stream } from '../src/engine/rng.ts'
import { createSim } from '../src/engine/world.ts'
import { addNeuron } from '../src/engine/entities.ts'
import { runSteps } from '../src/engine/pipeline.ts'
import { exp } from '../src/engine/detmath.ts'

function draws(n: number, seed: string): Float64Array {
  const s = stream(createRng(seed), 'test')
  const x = new Float64Array(n)
  for (let i = 0; i < n; i++) x[i] = standardExponential(s)
  return x
}

describe('exponential deviates (Marsaglia–Tsang ziggurat)', () => {
  const N = 1_000_000
  const x = draws(N, 'ziggurat')

  test('mean 1, CV 1 and E[X³] = 6 within 5 standard errors', () => {
    let m1 = 0
    let m2 = 0
    let m3 = 0
    let min = Infinity
    for (const v of x) {
      min = Math.min(min, v)
      m1 += v
      m2 += v * v
      m3 += v * v * v
    }
    m1 /= N
    m2 /= N
    m3 /= N
    const sd = Math.sqrt(m2 - m1 * m1)
    expect(Math.abs(m1 - 1)).toBeLessThan(5 / Math.sqrt(N)) // Var X = 1
    expect(Math.abs(sd / m1 - 1)).toBeLessThan(5 * Math.sqrt(2 / N)) // SE of the SD ≈ √(2/N)
    expect(Math.abs(m3 - 6)).toBeLessThan(5 * Math.sqrt(714 / N)) // Var X³ = 6! − 6² = 684 (+ slack)
    expect(min).toBeGreaterThanOrEqual(0)
  })

  test('Kolmogorov–Smirnov: sup |F_N − (1 − e^−x)| below the 1 % critical value', () => {
    const s = Float64Array.from(x).sort()
    let D = 0
    for (let i = 0; i < N; i++) {
      const F = 1 - Math.exp(-s[i]!)
      D = Math.max(D, Math.abs(F - i / N), Math.abs((i + 1) / N - F))
    }
    expect(D).toBeLessThan(1.628 / Math.sqrt(N))
  })

  test('chi-square over 200 equiprobable bins below the 0.1 % critical value', () => {
    const B = 200
    const counts = new Float64Array(B)
    // Bin k holds F(x) ∈ [k/B, (k+1)/B): k = floor(B·(1 − e^−x)).
    for (const v of x) counts[Math.min(B - 1, Math.floor(B * (1 - Math.exp(-v))))]!++
    const e = N / B
    let chi2 = 0
    for (const c of counts) chi2 += ((c - e) * (c - e)) / e
    expect(chi2).toBeLessThan(267.6) // χ²(199), α = 0.001
    expect(chi2).toBeGreaterThan(140.4) // and not suspiciously good (α = 0.001, lower tail)
  })

  test('the tail beyond the base layer (r = 7.697) and beyond 10 has the right mass', () => {
    let beyondR = 0
    let beyond10 = 0
    for (const v of x) {
      if (v > 7.69711747013104972) beyondR++
      if (v > 10) beyond10++
    }
    const pR = Math.exp(-7.69711747013104972) * N // ≈ 454
    const p10 = Math.exp(-10) * N // ≈ 45
    expect(Math.abs(beyondR - pR)).toBeLessThan(4 * Math.sqrt(pR))
    expect(Math.abs(beyond10 - p10)).toBeLessThan(4 * Math.sqrt(p10))
  })

  test('deterministic: same seed ⇒ same draws; a restored stream state continues the sequence', () => {
    expect(draws(1000, 'ziggurat')).toEqual(x.subarray(0, 1000))
    expect(draws(1000, 'other')).not.toEqual(x.subarray(0, 1000))
    const rng = createRng('restore')
    const s = stream(rng, 'a')
    for (let i = 0; i < 500; i++) standardExponential(s)
    const saved = s.state()
    const next = Array.from({ length: 200 }, () => standardExponential(s))
    const again = createRng('restore')
    restoreStream(again, 'a', saved)
    expect(Array.from({ length: 200 }, () => standardExponential(stream(again, 'a')))).toEqual(next)
  })

  test('exponential(s, mean) is the standard deviate times the mean', () => {
    const a = stream(createRng(3), 'm')
    const b = stream(createRng(3), 'm')
    for (let i = 0; i < 100; i++) expect(exponential(a, 25)).toBe(standardExponential(b) * 25)
  })
})

describe('Poisson background drive through the engine', () => {
  test('events per neuron and step are Poisson(rate·dt): mean, variance, count distribution', () => {
    const dt = 0.1
    const rate = 1000
    const neurons = 200
    const steps = 10_000
    const sim = createSim({ name: 'drive-test', clock: { dt_ms: dt }, build: () => {} }, 11)
    // Weight 1 on AMPA, and a threshold no input reaches: the count is read off g_AMPA.
    const ids = Array.from({ length: neurons }, (_, k) =>
      addNeuron(sim, { model: 'lif', x_um: k, lif: { Vth_mV: 1e9 }, drive: { rate_Hz: rate, weight: 1, receptor: 'AMPA' } }),
    )
    const dA = exp(-dt / sim.params.receptors.tauAMPA_ms)
    const g = sim.components.Receptors.g_AMPA
    const prev = new Float64Array(neurons)
    const hist = [0, 0, 0, 0] // 0, 1, 2, ≥ 3 events in a step
    const perNeuron = new Float64Array(neurons)
    let bad = 0
    runSteps(sim, steps, [
      () => {
        ids.forEach((n, i) => {
          const c = g[n]! - prev[i]! * dA
          const k = Math.round(c)
          if (Math.abs(c - k) > 1e-9) bad++
          hist[Math.min(3, k)]!++
          perNeuron[i]! += k
          prev[i] = g[n]!
        })
      },
    ])
    expect(bad).toBe(0)
    const total = neurons * steps
    const lambda = (rate * dt) / 1000 // 0.1 events per step
    let events = 0
    let sq = 0
    for (let k = 0; k < 4; k++) {
      events += k * hist[k]!
      sq += k * k * hist[k]!
    }
    const mean = events / total
    const variance = sq / total - mean * mean
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / total))
    expect(Math.abs(variance / mean - 1)).toBeLessThan(0.02)
    // Chi-square of the count distribution against Poisson(λ) (3 degrees of freedom).
    const p = [Math.exp(-lambda), lambda * Math.exp(-lambda), ((lambda * lambda) / 2) * Math.exp(-lambda)]
    p.push(1 - p[0]! - p[1]! - p[2]!)
    let chi2 = 0
    for (let k = 0; k < 4; k++) chi2 += (hist[k]! - total * p[k]!) ** 2 / (total * p[k]!)
    expect(chi2).toBeLessThan(16.27) // χ²(3), α = 0.001
    // Counts per neuron over 1 s: Poisson(1000), so their variance across neurons ≈ 1000.
    const m = perNeuron.reduce((a, b) => a + b, 0) / neurons
    const v = perNeuron.reduce((a, b) => a + (b - m) ** 2, 0) / (neurons - 1)
    expect(Math.abs(m - 1000)).toBeLessThan(5 * Math.sqrt(1000 / neurons))
    expect(v).toBeGreaterThan(650)
    expect(v).toBeLessThan(1400)
  })
})
