/**
 * STDP (components/plasticity.ts, systems/stdp.ts), driven through the real engine at dt 0.1 ms:
 * pre and post neurons are made to fire by spike-mode electrodes running the 'pairing' protocol
 * (or by Neuron.forceSpike); the synapse between them is a δ synapse too weak to make the post
 * neuron fire, and every test checks that the neurons fired exactly the spikes it asked for.
 *
 * Expectations come from two independent places: the closed forms of the papers (the pair window,
 * the soft-bound recurrence, the triplet rule's steady state under periodic pairing), and an
 * event-driven, continuous-time evaluation of the rule's equations over the recorded spike times
 * (`reference` in test/stdpHelpers.ts: exact exponentials between events, no step grid). Random
 * spike trains, snapshots and bad input: test/stdpState.test.ts.
 *
 *   VALIDATION item 3: additive pair rule, A+ = 0.005, A− = −1.05·A+, τ = 20 ms, 60 pairs at 1 Hz,
 *   Δw = 60·A+·e^(−Δt/20) (Δt > 0), 60·A−·e^(Δt/20) (Δt < 0), within 1 % at Δt = ±5, ±10, ±20, ±40 ms.
 *
 *   Triplet rule (Pfister & Gerstner 2006, minimal all-to-all visual-cortex fit, Table 3), 60 pairings
 *   at 1–50 Hz: at +10 ms potentiation grows with frequency (none at 1 Hz); at −10 ms depression
 *   at 1–20 Hz turns into potentiation at 40–50 Hz — the pattern of Sjöström et al. (2001).
 */
import { describe, expect, test } from 'vitest'
import type { Sim } from '../src/engine/world.ts'
import { startProtocol } from '../src/engine/protocols.ts'
import { run, step } from '../src/engine/pipeline.ts'
import { STDP_RULES, type StdpRule } from '../components/plasticity.ts'
import { DT, VALIDATION_RULE, addPair, emptyWorld, forceSchedule, recorder, reference, runPairings } from './stdpHelpers.ts'

// ---------------------------------------------------------------------------------------------
// VALIDATION item 3: the pair window
// ---------------------------------------------------------------------------------------------

describe('pair STDP window (VALIDATION item 3)', () => {
  test('60 pairs at 1 Hz: Δw = 60·A+·e^(−Δt/20), 60·A−·e^(Δt/20) within 1 %, Δt = 0 does not pair', () => {
    const sim = emptyWorld([VALIDATION_RULE])
    const offsets = [-40, -20, -10, -5, 0, 5, 10, 20, 40]
    const pairs = offsets.map((_, i) => addPair(sim, i, 'validation'))
    const rec = runPairings(sim, pairs.map((pair, i) => ({ pair, dt_ms: offsets[i]!, freq_Hz: 1, count: 60 })))
    const W = sim.components.Synapse.weight
    const Ap = VALIDATION_RULE.Aplus
    const Am = -VALIDATION_RULE.Aminus // VALIDATION's signed A− = −1.05·A+
    offsets.forEach((dt, i) => {
      const p = pairs[i]!
      // Exactly the 60 forced spikes each, Δt apart on the step grid.
      const pre = rec.of(p.pre)
      const post = rec.of(p.post)
      expect(pre.length).toBe(60)
      expect(post.length).toBe(60)
      for (let k = 0; k < 60; k++) expect(Math.round((post[k]! - pre[k]!) / DT)).toBe(Math.round(dt / DT))
      const dw = W[p.syn]! - 0.5
      if (dt === 0) {
        expect(dw).toBe(0)
        return
      }
      const expected = dt > 0 ? 60 * Ap * Math.exp(-dt / 20) : 60 * Am * Math.exp(dt / 20)
      expect(Math.abs(dw - expected)).toBeLessThanOrEqual(0.01 * Math.abs(expected))
      // The continuous-time rule over the recorded spikes (cross-pair terms included), f32 weights.
      expect(Math.abs(dw - (reference(VALIDATION_RULE, pre, post, 0.5) - 0.5))).toBeLessThan(2e-6)
    })
  })
})

// ---------------------------------------------------------------------------------------------
// Spike pairing schemes, bounds
// ---------------------------------------------------------------------------------------------

describe('all-to-all vs nearest-spike pairing', () => {
  const tau = 20
  const e = (t: number) => Math.exp(-t / tau)
  // (a) two post spikes then a pre; (b) two pre spikes then a post; (c) post – pre – post.
  const cases = [
    { name: 'post, post, pre', pre: [20], post: [0, 10] },
    { name: 'pre, pre, post', pre: [0, 10], post: [20] },
    { name: 'post, pre, post', pre: [10], post: [0, 25] },
  ]
  const rule = (pairing: 'allToAll' | 'nearest'): StdpRule => ({ ...VALIDATION_RULE, name: pairing, pairing })
  const expected: Record<string, Record<string, number>> = {
    allToAll: {
      'post, post, pre': -0.00525 * (e(10) + e(20)),
      'pre, pre, post': 0.005 * (e(10) + e(20)),
      'post, pre, post': -0.00525 * e(10) + 0.005 * e(15),
    },
    // Traces saturate at 1: only the most recent spike of the other side counts.
    nearest: {
      'post, post, pre': -0.00525 * e(10),
      'pre, pre, post': 0.005 * e(10),
      'post, pre, post': -0.00525 * e(10) + 0.005 * e(15),
    },
  }
  for (const pairing of ['allToAll', 'nearest'] as const) {
    test(`${pairing}: Δw for three-spike patterns as the trace algebra says`, () => {
      const sim = emptyWorld([rule(pairing)])
      const pairs = cases.map((_, i) => addPair(sim, i, pairing))
      const schedule: [number, number][] = []
      cases.forEach((c, i) => {
        for (const t of c.pre) schedule.push([5 + t, pairs[i]!.pre])
        for (const t of c.post) schedule.push([5 + t, pairs[i]!.post])
      })
      const rec = recorder(sim)
      forceSchedule(sim, schedule, 10, [rec.observe])
      cases.forEach((c, i) => {
        const p = pairs[i]!
        expect(rec.of(p.pre).length).toBe(c.pre.length)
        expect(rec.of(p.post).length).toBe(c.post.length)
        const dw = sim.components.Synapse.weight[p.syn]! - 0.5
        expect(Math.abs(dw - expected[pairing]![c.name]!)).toBeLessThan(1e-7)
      })
    })
  }

  test('the two schemes differ exactly where a neuron fires twice before its partner', () => {
    const d = (name: string) => expected.allToAll![name]! - expected.nearest![name]!
    expect(d('post, post, pre')).toBeCloseTo(-0.00525 * e(20), 12)
    expect(d('pre, pre, post')).toBeCloseTo(0.005 * e(20), 12)
    expect(d('post, pre, post')).toBe(0)
  })

  test('a world refuses rules in use that disagree on pairing (traces are per neuron)', () => {
    const sim = emptyWorld([rule('allToAll'), rule('nearest')])
    addPair(sim, 0, 'allToAll')
    addPair(sim, 1, 'nearest')
    expect(() => step(sim)).toThrow(/"allToAll" and "nearest" are both in use but differ in pairing/)
  })
})

describe('weight bounds', () => {
  const strong = (weightDependence: 'additive' | 'multiplicative'): StdpRule => ({
    ...VALIDATION_RULE, name: weightDependence, weightDependence, Aplus: 0.1, Aminus: 0.1,
  })
  for (const dep of ['additive', 'multiplicative'] as const) {
    test(`${dep}: 60 strong pairings at 10 Hz stay inside [0, w_max] and match the equations`, () => {
      const rule = strong(dep)
      const sim = emptyWorld([rule])
      const up = addPair(sim, 0, dep)
      const down = addPair(sim, 1, dep)
      const W = sim.components.Synapse.weight
      let lo = Infinity
      let hi = -Infinity
      const watch = () => {
        for (const s of [up.syn, down.syn]) {
          lo = Math.min(lo, W[s]!)
          hi = Math.max(hi, W[s]!)
        }
      }
      const rec = runPairings(sim, [
        { pair: up, dt_ms: 5, freq_Hz: 10, count: 60 },
        { pair: down, dt_ms: -5, freq_Hz: 10, count: 60 },
      ], 100, [watch])
      const wUp = W[up.syn]!
      const wDown = W[down.syn]!
      expect(Math.abs(wUp - reference(rule, rec.of(up.pre), rec.of(up.post), 0.5))).toBeLessThan(1e-5)
      expect(Math.abs(wDown - reference(rule, rec.of(down.pre), rec.of(down.post), 0.5))).toBeLessThan(1e-5)
      // Every step of the run, not only the end.
      expect(lo).toBeGreaterThanOrEqual(0)
      expect(hi).toBeLessThanOrEqual(1)
      if (dep === 'additive') {
        // Hard bounds: the additive steps (≈ 0.078 per pairing) hit the bounds and stay there.
        expect(wUp).toBe(1)
        expect(wDown).toBe(0)
      } else {
        // Soft bounds: w_max − w (resp. w) shrinks geometrically towards the balance with the weak
        // cross-pair terms (≈ 0.011 from the bound) and never reaches the bound.
        expect(wUp).toBeGreaterThan(0.98)
        expect(wDown).toBeLessThan(0.02)
        expect(lo).toBeGreaterThan(0)
        expect(hi).toBeLessThan(1)
      }
    })
  }

  test('multiplicative: isolated potentiating pairs follow w_max − w_n = (w_max − w_0)(1 − A+·e^(−Δt/τ))^n', () => {
    const rule: StdpRule = { ...VALIDATION_RULE, name: 'mult', weightDependence: 'multiplicative', Aplus: 0.05, Aminus: 0.05 }
    const sim = emptyWorld([rule])
    const p = addPair(sim, 0, 'mult', 0.2)
    runPairings(sim, [{ pair: p, dt_ms: 10, freq_Hz: 2, count: 20 }])
    // At 2 Hz the cross-pair terms are e^(−490/20) ≈ 2e−11: the pairs are isolated.
    const expected = 1 - 0.8 * (1 - 0.05 * Math.exp(-10 / 20)) ** 20
    expect(Math.abs(sim.components.Synapse.weight[p.syn]! - expected)).toBeLessThan(1e-6)
  })
})

// ---------------------------------------------------------------------------------------------
// Triplet rule: frequency dependence of the pairing protocol
// ---------------------------------------------------------------------------------------------

/**
 * Steady-state Δw per pairing of the triplet rule (all-to-all) under an endless periodic train of
 * pairs (period T, post − pre = dt), from Pfister & Gerstner's equations: geometric sums of the
 * traces just before each spike (additive rule). Returns the potentiation and depression parts.
 */
function tripletSteadyState(r: StdpRule, freq_Hz: number, dt: number): { ltp: number; ltd: number } {
  const T = 1000 / freq_Hz
  const d = Math.abs(dt)
  const sum = (first: number, tau: number) => Math.exp(-first / tau) / (1 - Math.exp(-T / tau))
  const o2 = sum(T, r.tauY_ms!) // post's own earlier spikes, just before it fires
  const r2 = sum(T, r.tauX_ms!)
  // Pre → post interval and post → pre interval within a period.
  const prePost = dt > 0 ? d : T - d
  const postPre = dt > 0 ? T - d : d
  const ltp = sum(prePost, r.tauPlus_ms) * (r.Aplus + r.A3plus! * o2)
  const ltd = -sum(postPre, r.tauMinus_ms) * (r.Aminus + r.A3minus! * r2)
  return { ltp, ltd }
}

describe('triplet STDP (Pfister & Gerstner 2006, visual cortex, minimal all-to-all)', () => {
  test('frequency dependence: LTP at +10 ms grows with frequency; LTD at −10 ms turns into LTP at 40–50 Hz', () => {
    // Far from the bounds (w 5 ± 1, w_max 10): the published amplitudes are in units of a weight scale of 1.
    const rule = { ...STDP_RULES.find((r) => r.name === 'tripletVisualMinimal')!, wMax: 10 }
    const sim = emptyWorld([rule])
    const freqs = [1, 10, 20, 40, 50]
    const specs = freqs.flatMap((f) => [10, -10].map((dt) => ({ f, dt })))
    const pairs = specs.map((_, i) => addPair(sim, i, rule.name, 5))
    const rec = recorder(sim)
    const start = 100
    const mid = new Map<number, number>() // weight once both neurons have fired 30 times
    specs.forEach(({ f, dt }, i) => {
      const spec = { kind: 'pairing' as const, postElectrode: pairs[i]!.postE, dt_ms: dt, freq_Hz: f, count: 60 }
      startProtocol(sim, pairs[i]!.preE, spec, start)
    })
    const sample = (s: Sim) => {
      pairs.forEach((p, i) => {
        if (!mid.has(i) && rec.of(p.pre).length === 30 && rec.of(p.post).length === 30) mid.set(i, s.components.Synapse.weight[p.syn]!)
      })
    }
    run(sim, start + 59_000 + 100, [rec.observe, sample])
    const W = sim.components.Synapse.weight
    const dw = specs.map((_, i) => W[pairs[i]!.syn]! - 5)
    specs.forEach(({ f, dt }, i) => {
      const p = pairs[i]!
      expect(rec.of(p.pre).length).toBe(60)
      expect(rec.of(p.post).length).toBe(60)
      // The rule's equations over the recorded spikes (weights are f32: ≤ 120 roundings of ≤ 2.4e−7 near 5).
      expect(Math.abs(dw[i]! - (reference(rule, rec.of(p.pre), rec.of(p.post), 5) - 5))).toBeLessThan(3e-5)
      // Pairings 31–60 at steady state: the closed form per pairing.
      const { ltp, ltd } = tripletSteadyState(rule, f, dt)
      const perPair = (W[p.syn]! - mid.get(i)!) / 30
      expect(Math.abs(perPair - (ltp + ltd))).toBeLessThanOrEqual(0.01 * (ltp - ltd) + 1e-6)
    })
    const at = (f: number, dt: number) => dw[specs.findIndex((s) => s.f === f && s.dt === dt)]!
    // +10 ms: nothing at 1 Hz (o2 has decayed, and A2+ = 0), then monotonically more LTP.
    expect(Math.abs(at(1, 10))).toBeLessThan(1e-4)
    for (let k = 1; k < freqs.length; k++) expect(at(freqs[k]!, 10)).toBeGreaterThan(at(freqs[k - 1]!, 10) + 0.05)
    // −10 ms: LTD at 1–20 Hz, LTP at 40 and 50 Hz.
    for (const f of [1, 10, 20]) expect(at(f, -10)).toBeLessThan(-0.2)
    for (const f of [40, 50]) expect(at(f, -10)).toBeGreaterThan(0.1)
    // The closed form gives the same sign pattern for an endless train.
    const ss = (f: number, dt: number) => {
      const { ltp, ltd } = tripletSteadyState(rule, f, dt)
      return ltp + ltd
    }
    expect(freqs.map((f) => Math.sign(ss(f, -10)))).toEqual([-1, -1, -1, 1, 1])
    expect(freqs.map((f) => ss(f, 10)).every((v, k, a) => k === 0 || v > a[k - 1]!)).toBe(true)
  })

  test('with A3± = 0 the triplet rule is the pair rule, bit for bit', () => {
    const pairRule: StdpRule = { ...VALIDATION_RULE, name: 'pair', tauPlus_ms: 16.8, tauMinus_ms: 33.7 }
    const tripRule: StdpRule = { ...pairRule, name: 'trip', kind: 'triplet', A3plus: 0, A3minus: 0, tauX_ms: 101, tauY_ms: 125 }
    const weights = (rule: StdpRule) => {
      const sim = emptyWorld([rule])
      const p = addPair(sim, 0, rule.name)
      runPairings(sim, [{ pair: p, dt_ms: 7, freq_Hz: 30, count: 40 }])
      return sim.components.Synapse.weight[p.syn]!
    }
    expect(weights(tripRule)).toBe(weights(pairRule))
  })
})
