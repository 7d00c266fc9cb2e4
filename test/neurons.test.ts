/**
 * Izhikevich (2003) neuron zoo (VALIDATION item 1), run through the engine pipeline (one neuron,
 * a current electrode with step protocols) by src/engine/zoo.ts, classified by the criteria written
 * there (CLASS_CRITERIA). Two schemes: forward Euler at dt 0.1 ms and the paper's scheme (dt 1 ms,
 * two half-steps for v, u from the new v).
 *
 * Where the paper's scheme gives a different class (TC, both protocols) the test asserts the
 * difference *and* its mechanism: in the paper's scheme u is updated with the v reached after the
 * two half-steps, which in a spike step is the overshoot (30 mV … several hundred mV), so every
 * spike adds  Δu = d + dt·a·(b·v_peak − u)  instead of ≈ d. TC has the smallest d (0.05), so this
 * "overshoot kick" (≈ 1–8, i.e. 20–150 d) dominates its dynamics. docs/neuron-zoo.md has the table.
 */
import { describe, expect, test } from 'vitest'
import { IZH_TYPES, type IzhType } from '../components/neuron.ts'
import type { Integrator } from '../src/engine/world.ts'
import {
  CLASS_CRITERIA,
  TC_REBOUND,
  classifyFiring,
  classifyRebound,
  firingFeatures,
  runZooNeuron,
  type FiringClass,
  type ZooRun,
} from '../src/engine/zoo.ts'

const EULER = { integrator: 'euler', dt_ms: 0.1 } as const
const PAPER = { integrator: 'izhikevich2003', dt_ms: 1 } as const
const SCHEMES = [EULER, PAPER] as const
const WINDOW = { from_ms: 0, to_ms: 1000 }

/** Izhikevich 2003 Fig. 2 classes, in the vocabulary of src/engine/zoo.ts. */
const PUBLISHED: Partial<Record<IzhType, FiringClass>> = {
  RS: 'tonic-adapting', // regular spiking, spike-frequency adaptation
  IB: 'burst-then-tonic', // intrinsically bursting: a burst, then single spikes
  CH: 'chattering', // repeated high-frequency bursts
  FS: 'fast-tonic', // high-frequency tonic firing, practically no adaptation
  LTS: 'burst-then-fast-tonic', // low-threshold spiking: high-frequency onset, then fast tonic
}

const cache = new Map<string, ZooRun>()
function zoo(type: IzhType, s: { integrator: Integrator; dt_ms: number }, rebound = false): ZooRun {
  const key = `${type}/${s.integrator}/${s.dt_ms}/${rebound}`
  let r = cache.get(key)
  if (!r) {
    r = runZooNeuron(type, { ...s, trace: true, current: rebound ? TC_REBOUND : undefined })
    cache.set(key, r)
  }
  return r
}
const classOf = (r: ZooRun) => classifyFiring(firingFeatures(r.spikes_ms, WINDOW))

/** u increment of each spike beyond d (engine trace): the integrated a(bv − u) of the spike step. */
function kicks(r: ZooRun, type: IzhType): number[] {
  const k = r.spikes_ms.map((t) => Math.round(t / r.dt_ms)).filter((k) => k > 0)
  return k.map((k) => r.u![k]! - r.u![k - 1]! - IZH_TYPES[type].d)
}

/** Straight transcription of the two schemes (no engine), for the engine-equivalence check. */
function reference(type: IzhType, integrator: Integrator, dt: number, I: (t: number) => number, T_ms: number): number[] {
  const { a, b, c_mV: c, d } = IZH_TYPES[type]
  let v = -65
  let u = b * v
  const out: number[] = []
  for (let k = 0; k < Math.round(T_ms / dt); k++) {
    const i = I(k * dt)
    if (integrator === 'euler') {
      const dv = 0.04 * v * v + 5 * v + 140 - u + i
      const du = a * (b * v - u)
      v += dt * dv
      u += dt * du
    } else {
      v += (dt / 2) * (0.04 * v * v + 5 * v + 140 - u + i)
      v += (dt / 2) * (0.04 * v * v + 5 * v + 140 - u + i)
      u += dt * a * (b * v - u)
    }
    if (v >= 30) {
      v = c
      u += d
      out.push(k * dt)
    }
  }
  return out
}

describe.each(SCHEMES)('Izhikevich 2003 zoo, $integrator at dt $dt_ms ms, I = 10 for 1 s', (scheme) => {
  test.each(Object.entries(PUBLISHED) as [IzhType, FiringClass][])('%s fires as published: %s', (type, expected) => {
    const r = zoo(type, scheme)
    const f = firingFeatures(r.spikes_ms, WINDOW)
    expect(classifyFiring(f), JSON.stringify(f)).toBe(expected)
  })

  test('LTS and FS settle at a higher rate than RS (and IB); RS adapts, FS hardly', () => {
    const late = (t: IzhType) => firingFeatures(zoo(t, scheme).spikes_ms, WINDOW)
    const [rs, ib, fs, lts] = (['RS', 'IB', 'FS', 'LTS'] as const).map(late)
    expect(lts!.lateRate_Hz).toBeGreaterThan(rs!.lateRate_Hz)
    expect(lts!.lateRate_Hz).toBeGreaterThan(ib!.lateRate_Hz)
    expect(fs!.lateRate_Hz).toBeGreaterThan(2 * rs!.lateRate_Hz)
    expect(rs!.adaptation).toBeGreaterThanOrEqual(CLASS_CRITERIA.adaptRatio)
    expect(fs!.adaptation).toBeLessThan(CLASS_CRITERIA.adaptRatio)
  })

  test('RZ (resonator) fires tonically without bursts under the step', () => {
    const f = firingFeatures(zoo('RZ', scheme).spikes_ms, WINDOW)
    expect(f.bursts).toBe(0)
    expect(f.onsetBurst).toBe(1)
    expect(classifyFiring(f)).toBe('fast-tonic')
  })

  test('the engine reproduces a plain transcription of the scheme (first 10 spikes within one step)', () => {
    for (const type of ['RS', 'IB', 'CH', 'FS', 'LTS', 'TC', 'RZ'] as const) {
      const ref = reference(type, scheme.integrator, scheme.dt_ms, (t) => (t < 1000 ? 10 : 0), 1000)
      const got = zoo(type, scheme).spikes_ms
      expect(got.length, type).toBeGreaterThan(10)
      for (let i = 0; i < 10; i++) expect(Math.abs(got[i]! - ref[i]!), `${type} spike ${i}`).toBeLessThanOrEqual(scheme.dt_ms + 1e-9)
    }
  })
})

describe('TC (thalamo-cortical)', () => {
  test('Euler 0.1 ms: tonic when depolarised from rest; rebound burst after release from I = −10 (100–300 ms)', () => {
    expect(classOf(zoo('TC', EULER))).toBe('fast-tonic')
    const r = zoo('TC', EULER, true)
    expect(classifyRebound(r.spikes_ms, 100, 300, 1000), r.spikes_ms.join(', ')).toBe('rebound-burst')
  })

  test('paper scheme: the rebound is single spikes, not a burst — the overshoot kick uses up the burst margin', () => {
    const paper = zoo('TC', PAPER, true)
    const euler = zoo('TC', EULER, true)
    expect(classifyRebound(paper.spikes_ms, 100, 300, 1000), paper.spikes_ms.join(', ')).toBe('rebound-spiking')
    // The rebound lasts while u < u* = min_v(0.04v² + 5v + 140) = −16.25 (I = 0: v' > 0 for all v).
    // After release u ≈ −18.1, a margin of ≈ 1.9. Each spike raises u by d + dt·a·(b·v_peak − u).
    const uStar = -16.25
    const first = (r: ZooRun) => Math.round(r.spikes_ms[0]! / r.dt_ms)
    const marginAfter = (r: ZooRun) => uStar - r.u![first(r)]!
    const kick = (r: ZooRun) => r.u![first(r)]! - r.u![first(r) - 1]!
    expect(kick(euler)).toBeLessThan(0.2) // 0.05 (d) + 0.05: v_peak ≈ 56 mV, dt 0.1
    expect(kick(paper)).toBeGreaterThan(1) // 0.05 + 1.38: v_peak ≈ 204 mV, dt 1
    expect(marginAfter(euler)).toBeGreaterThan(1.5) // room for 3–4 spikes, first ISI 7.3 ms
    expect(marginAfter(paper)).toBeLessThan(0.5) // slow passage near u*: next ISI 26 ms
    expect(marginAfter(paper)).toBeGreaterThan(0)
  })

  test('paper scheme: depolarised TC is no longer tonic — ISIs follow the size of each overshoot kick', () => {
    const r = zoo('TC', PAPER)
    const f = firingFeatures(r.spikes_ms, WINDOW)
    expect(classifyFiring(f)).toBe('burst-then-fast-tonic')
    const k = kicks(r, 'TC')
    const isi = r.spikes_ms.slice(1).map((t, i) => t - r.spikes_ms[i]!)
    const n = Math.min(k.length, isi.length)
    expect(correlation(k.slice(0, n), isi.slice(0, n))).toBeGreaterThan(0.8)
    expect(mean(k)).toBeGreaterThan(20 * IZH_TYPES.TC.d) // measured ≈ 2.2 = 44 d
    expect(mean(kicks(zoo('TC', EULER), 'TC'))).toBeLessThan(IZH_TYPES.TC.d)
    expect(f.lateCv).toBeGreaterThan(0.3) // Euler: 0.000
  })
})

describe('scheme effects that do not change the class', () => {
  test('FS at the paper scheme: half the rate and irregular, because the kick (≈ 9) exceeds d = 2', () => {
    const e = firingFeatures(zoo('FS', EULER).spikes_ms, WINDOW)
    const p = firingFeatures(zoo('FS', PAPER).spikes_ms, WINDOW)
    expect(p.lateRate_Hz).toBeLessThan(0.6 * e.lateRate_Hz) // 62 vs 130 Hz
    expect(e.lateCv).toBeLessThan(0.05)
    expect(p.lateCv).toBeGreaterThan(0.15)
    expect(mean(kicks(zoo('FS', PAPER), 'FS'))).toBeGreaterThan(2 * IZH_TYPES.FS.d)
  })

  test('Euler classes do not depend on dt in 0.05–0.2 ms', () => {
    for (const dt_ms of [0.05, 0.2])
      for (const [type, expected] of Object.entries(PUBLISHED) as [IzhType, FiringClass][])
        expect(classOf(runZooNeuron(type, { integrator: 'euler', dt_ms })), `${type} at ${dt_ms}`).toBe(expected)
  })
})

describe('RZ resonator: damped subthreshold oscillation', () => {
  test('after a small hyperpolarising step v rings at the linearised frequency; RS only relaxes', () => {
    // I = −1 from 200 ms: new rest v* solves 0.04v² + (5 − b)v + 140 − 1 = 0 (lower root); the
    // Jacobian [[0.08v* + 5, −1], [ab, −a]] has complex eigenvalues for RZ: half-period π/ω.
    const step = [{ kind: 'step' as const, amplitude: -1, start_ms: 200, duration_ms: 400 }]
    const extrema = (type: IzhType) => {
      const r = runZooNeuron(type, { ...EULER, current: step, duration_ms: 600, trace: true })
      const v = r.v_mV!
      const out: number[] = []
      for (let k = 2001; k < v.length - 1; k++) if ((v[k]! - v[k - 1]!) * (v[k + 1]! - v[k]!) < 0) out.push(k * 0.1)
      return out
    }
    const { a, b } = IZH_TYPES.RZ
    const vStar = (-(5 - b) - Math.sqrt((5 - b) ** 2 - 4 * 0.04 * 139)) / (2 * 0.04)
    const j11 = 0.08 * vStar + 5
    const tr = j11 - a
    const det = -a * j11 + a * b
    const omega = Math.sqrt(det - (tr * tr) / 4)
    const rz = extrema('RZ')
    expect(rz.length).toBeGreaterThanOrEqual(2)
    expect(rz[1]! - rz[0]!).toBeGreaterThan(0.8 * (Math.PI / omega))
    expect(rz[1]! - rz[0]!).toBeLessThan(1.2 * (Math.PI / omega))
    expect(extrema('RS').length).toBeLessThanOrEqual(1)
  })
})

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}
function correlation(x: number[], y: number[]): number {
  const mx = mean(x)
  const my = mean(y)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my)
    sxx += (x[i]! - mx) ** 2
    syy += (y[i]! - my) ** 2
  }
  return sxy / Math.sqrt(sxx * syy)
}
