/**
 * Random deviates (src/engine/rng.ts): the ziggurat exponential against the exact Exp(1) law —
 * moments, a Kolmogorov–Smirnov test, a chi-square over equiprobable bins and the tail beyond the
 * base layer — its determinism (same seed ⇒ same draws, a restored stream state continues the
 * sequence); Poisson counts by table inversion (moments and chi-square for λ from 0 to 150, split
 * tables included); and the Poisson background drive built on them, seen through the engine, with
 * both of its methods (intervals at λ = 0.1, counts at λ = 1.75): the number of events a neuron
 * takes per step is Poisson(rate · dt), and a snapshot-restored world draws the same counts.
 *
 * All sample sizes are fixed and seeded, so each statistic is one deterministic number; the bounds
 * are the usual critical values (α ≈ 0.001–0.01) for a correct sampler, so a wrong table, a skipped
 * wedge test or a biased tail fails them.
 */
import { describe, expect, test } from 'vitest'
import { createRng, exponential, poisson, poissonTable, restoreStream, standardExponential, stream } from '../src/engine/rng.ts'
import { createSim, type Sim } from '../src/engine/world.ts'
import { load, save } from '../src/engine/snapshot.ts'
import { DRIVE_COUNT_MIN_EVENTS } from '../systems/stimulation.ts'
import { addNeuron, setDrive } from '../src/engine/entities.ts'
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

/** Poisson(λ) probabilities of 0…K−1 and of ≥ K (Math.exp is fine in a test). */
function poissonBins(lambda: number, K: number): number[] {
  const p: number[] = []
  let q = Math.exp(-lambda)
  for (let k = 0; k < K; k++) {
    p.push(q)
    q = (q * lambda) / (k + 1)
  }
  p.push(Math.max(0, 1 - p.reduce((a, b) => a + b, 0)))
  return p
}

/** χ² of a count histogram (last bin: ≥ K) against Poisson(λ), bins merged until ≥ 20 expected. */
function chiSquare(hist: number[], lambda: number): { chi2: number; df: number } {
  const total = hist.reduce((a, b) => a + b, 0)
  const p = poissonBins(lambda, hist.length - 1)
  let chi2 = 0
  let bins = 0
  let o = 0
  let e = 0
  for (let k = 0; k < hist.length; k++) {
    o += hist[k]!
    e += total * p[k]!
    if (e >= 20 || k === hist.length - 1) {
      if (e > 0) {
        chi2 += ((o - e) * (o - e)) / e
        bins++
      }
      o = 0
      e = 0
    }
  }
  return { chi2, df: bins - 1 }
}

/** Upper α = 0.001 critical value of χ²(df) (Wilson–Hilferty; within 1 % for df ≥ 2). */
function chi2Critical(df: number): number {
  const z = 3.0902
  const a = 2 / (9 * df)
  return df * (1 - a + z * Math.sqrt(a)) ** 3
}

describe('Poisson counts by table inversion', () => {
  test.each([0.3, 1.75, 10, 150])('λ = %s: mean, variance and χ² over counts', (lambda) => {
    const tab = poissonTable(lambda)
    expect(tab.parts).toBe(lambda > 64 ? 3 : 1)
    const s = stream(createRng(`poisson-${lambda}`), 'p')
    const N = 200_000
    const K = Math.ceil(lambda + 6 * Math.sqrt(lambda) + 4)
    const hist = new Array<number>(K + 1).fill(0)
    let m1 = 0
    let m2 = 0
    let bad = 0
    for (let i = 0; i < N; i++) {
      const k = poisson(s, tab)
      if (!(Number.isInteger(k) && k >= 0)) bad++
      hist[Math.min(K, k)]!++
      m1 += k
      m2 += k * k
    }
    expect(bad).toBe(0)
    m1 /= N
    const variance = m2 / N - m1 * m1
    expect(Math.abs(m1 - lambda)).toBeLessThan(5 * Math.sqrt(lambda / N))
    // SE of the sample variance of Poisson(λ): √((λ + 2λ²)/N).
    expect(Math.abs(variance - lambda)).toBeLessThan(5 * Math.sqrt((lambda + 2 * lambda * lambda) / N))
    const { chi2, df } = chiSquare(hist, lambda)
    expect(df).toBeGreaterThanOrEqual(2)
    expect(chi2).toBeLessThan(chi2Critical(df))
  })

  test('table: CDF non-decreasing to 1, guide consistent with it; λ = 0 gives 0; bad λ is refused', () => {
    for (const lambda of [0.5, 1.75, 64, 1000]) {
      const { cdf, guide } = poissonTable(lambda)
      for (let k = 1; k < cdf.length; k++) expect(cdf[k]!).toBeGreaterThanOrEqual(cdf[k - 1]!)
      expect(cdf[cdf.length - 1]).toBe(1)
      const G = guide.length
      expect(G & (G - 1)).toBe(0)
      for (let i = 0; i < G; i++) {
        const k = guide[i]!
        expect(cdf[k]!).toBeGreaterThan(i / G)
        if (k > 0) expect(cdf[k - 1]!).toBeLessThanOrEqual(i / G)
      }
    }
    const s = stream(createRng(1), 'z')
    const zero = poissonTable(0)
    for (let i = 0; i < 100; i++) expect(poisson(s, zero)).toBe(0)
    expect(() => poissonTable(-1)).toThrow(/Poisson mean/)
    expect(() => poissonTable(NaN)).toThrow(/Poisson mean/)
  })
})

/** A world of `neurons` LIF neurons that never fire, each driven at rate_Hz with weight 1 on AMPA. */
function drivenWorld(rate: number, dt: number, neurons: number): { sim: Sim; ids: number[] } {
  const sim = createSim({ name: 'drive-test', clock: { dt_ms: dt }, build: () => {} }, 11)
  // Weight 1 on AMPA, and a threshold no input reaches: the count is read off g_AMPA.
  const ids = Array.from({ length: neurons }, (_, k) =>
    addNeuron(sim, { model: 'lif', x_um: k, lif: { Vth_mV: 1e9 }, drive: { rate_Hz: rate, weight: 1, receptor: 'AMPA' } }),
  )
  return { sim, ids }
}

/** Per-step event counts of every neuron over `steps` steps, read off g_AMPA (histogram, last bin ≥ K). */
function driveCounts(sim: Sim, ids: number[], steps: number, K: number): { hist: number[]; perNeuron: Float64Array; bad: number } {
  const dA = exp(-sim.time.dt_ms / sim.params.receptors.tauAMPA_ms)
  const g = sim.components.Receptors.g_AMPA
  const prev = Float64Array.from(ids, (n) => g[n]!)
  const hist = new Array<number>(K + 1).fill(0)
  const perNeuron = new Float64Array(ids.length)
  let bad = 0
  runSteps(sim, steps, [
    () => {
      ids.forEach((n, i) => {
        const c = g[n]! - prev[i]! * dA
        const k = Math.round(c)
        if (Math.abs(c - k) > 1e-9 * Math.max(1, g[n]!)) bad++
        hist[Math.min(K, k)]!++
        perNeuron[i]! += k
        prev[i] = g[n]!
      })
    },
  ])
  return { hist, perNeuron, bad }
}

describe('high-rate drive: per-step counts (λ = 1.75, the count method)', () => {
  const dt = 0.1
  const rate = 17_500
  const lambda = (rate * dt) / 1000

  test('events per neuron and step are Poisson(λ): mean, variance, χ² over counts', () => {
    expect(lambda).toBeGreaterThanOrEqual(DRIVE_COUNT_MIN_EVENTS)
    const neurons = 100
    const steps = 4000
    const { sim, ids } = drivenWorld(rate, dt, neurons)
    const K = 10
    const { hist, perNeuron, bad } = driveCounts(sim, ids, steps, K)
    expect(bad).toBe(0)
    // The count method keeps no pending event time.
    for (const n of ids) expect(sim.components.Drive.nextEvent_ms[n]).toBe(-1)
    const total = neurons * steps
    let m1 = 0
    let m2 = 0
    hist.forEach((h, k) => {
      m1 += k * h
      m2 += k * k * h
    })
    expect(hist[K]!).toBeLessThan(total * 1e-4) // P(≥ 10) ≈ 7·10⁻⁶
    m1 /= total
    const variance = m2 / total - m1 * m1
    expect(Math.abs(m1 - lambda)).toBeLessThan(5 * Math.sqrt(lambda / total))
    expect(Math.abs(variance - lambda)).toBeLessThan(5 * Math.sqrt((lambda + 2 * lambda * lambda) / total))
    const { chi2, df } = chiSquare(hist, lambda)
    expect(df).toBeGreaterThanOrEqual(6)
    expect(chi2).toBeLessThan(chi2Critical(df))
    // Neurons are independent: counts over the run are Poisson(λ·steps) across neurons.
    const mu = lambda * steps
    const m = perNeuron.reduce((a, b) => a + b, 0) / neurons
    const v = perNeuron.reduce((a, b) => a + (b - m) ** 2, 0) / (neurons - 1)
    expect(Math.abs(m - mu)).toBeLessThan(5 * Math.sqrt(mu / neurons))
    expect(v / mu).toBeGreaterThan(0.6)
    expect(v / mu).toBeLessThan(1.5)
  })

  test('deterministic, and a snapshot-restored world draws the same counts', () => {
    const a = drivenWorld(rate, dt, 50)
    const b = drivenWorld(rate, dt, 50)
    runSteps(a.sim, 200)
    runSteps(b.sim, 100)
    const c = load(save(b.sim))
    runSteps(b.sim, 100)
    runSteps(c, 100)
    const g = (s: Sim) => Array.from(a.ids, (n) => s.components.Receptors.g_AMPA[n]!)
    expect(g(b.sim)).toEqual(g(a.sim))
    expect(g(c)).toEqual(g(a.sim))
    expect(g(a.sim).some((x) => x > 0)).toBe(true)
  })

  test('switching methods by setDrive keeps the statistics (interval → count → interval)', () => {
    const { sim, ids } = drivenWorld(1000, dt, 200)
    runSteps(sim, 50)
    const D = sim.components.Drive
    expect(ids.some((n) => D.nextEvent_ms[n]! > 0)).toBe(true) // interval method: pending events
    for (const n of ids) setDrive(sim, n, { rate_Hz: rate, weight: 1, receptor: 'AMPA' })
    const hi = driveCounts(sim, ids, 500, 12)
    expect(Math.abs(hi.perNeuron.reduce((x, y) => x + y, 0) / (200 * 500) - lambda)).toBeLessThan(5 * Math.sqrt(lambda / 1e5))
    for (const n of ids) setDrive(sim, n, { rate_Hz: 1000, weight: 1, receptor: 'AMPA' })
    const lo = driveCounts(sim, ids, 2000, 4)
    expect(Math.abs(lo.perNeuron.reduce((x, y) => x + y, 0) / (200 * 2000) - 0.1)).toBeLessThan(5 * Math.sqrt(0.1 / 4e5))
  })
})

describe('drive method per world', () => {
  test('two worlds with different dt stepped in turn: each uses the method of its own λ', () => {
    const rate = 5000 // λ = 0.5 at dt = 0.1 (counts), 0.25 at dt = 0.05 (intervals)
    const a = drivenWorld(rate, 0.1, 100)
    const b = drivenWorld(rate, 0.05, 100)
    expect(0.5).toBeGreaterThanOrEqual(DRIVE_COUNT_MIN_EVENTS)
    expect(0.25).toBeLessThan(DRIVE_COUNT_MIN_EVENTS)
    let na = 0
    let nb = 0
    for (let k = 0; k < 20; k++) {
      na += driveCounts(a.sim, a.ids, 50, 8).perNeuron.reduce((x, y) => x + y, 0)
      nb += driveCounts(b.sim, b.ids, 50, 8).perNeuron.reduce((x, y) => x + y, 0)
    }
    expect(a.ids.every((n) => a.sim.components.Drive.nextEvent_ms[n] === -1)).toBe(true)
    expect(b.ids.every((n) => b.sim.components.Drive.nextEvent_ms[n]! > 0)).toBe(true)
    // 100 neurons × 1000 steps each: means 0.5 and 0.25 per step.
    expect(Math.abs(na / 1e5 - 0.5)).toBeLessThan(5 * Math.sqrt(0.5 / 1e5))
    expect(Math.abs(nb / 1e5 - 0.25)).toBeLessThan(5 * Math.sqrt(0.25 / 1e5))
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
