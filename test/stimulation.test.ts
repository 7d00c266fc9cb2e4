/**
 * Stimulation protocols (src/engine/protocols.ts, systems/stimulation.ts): pulse counts and times
 * of the LFS / HFS / theta-burst presets, Poisson statistics, current steps and ramps as seen in
 * I_ext, pairing offsets, sensory channels, and Tsodyks–Markram short-term depression against its
 * closed form.
 */
import { describe, expect, test } from 'vitest'
import { createSim, type Sim } from '../src/engine/world.ts'
import { addElectrode, addNeuron, addSynapse } from '../src/engine/entities.ts'
import { PRESETS, addChannel, protocolDuration, pulseTime, setChannelRate, startProtocol, type ProtocolSpec } from '../src/engine/protocols.ts'
import { run, runSteps } from '../src/engine/pipeline.ts'
import { EV_PULSE, readSince } from '../src/engine/events.ts'

function world(dt_ms: number, seed: number | string = 1): Sim {
  return createSim({ name: 'stimulation-test', clock: { dt_ms }, build: () => {} }, seed)
}

/** One neuron under one electrode (spike or current mode); returns their ids. */
function single(sim: Sim, mode: 'spike' | 'current' = 'spike', x_um = 0, extra: { amplitude?: number; pulseWidth_ms?: number } = {}) {
  const neuron = addNeuron(sim, { x_um, y_um: 0 })
  const electrode = addElectrode(sim, { x_um, y_um: 0, radius_um: 1, mode, ...extra })
  return { neuron, electrode }
}

/** Steps in which `neuron` fired, over `steps` steps. */
function spikeSteps(sim: Sim, neuron: number, steps: number): number[] {
  const out: number[] = []
  runSteps(sim, steps, [(s) => void (s.components.Neuron.spiked[neuron] === 1 && out.push(s.time.step))])
  return out
}

/** EV_PULSE records (steps) written while `fn` runs. */
function pulsesDuring(sim: Sim, fn: () => void): number[] {
  let cursor = sim.events.total
  const steps: number[] = []
  const ev = sim.events
  const drain = () => {
    cursor = readSince(ev, cursor, (i) => void (ev.kind[i] === EV_PULSE && steps.push(ev.step[i]!)))
  }
  fn()
  drain()
  return steps
}

describe('pulse trains land on the step grid without drift', () => {
  test('LFS preset arithmetic: 900 pulses, 1 s apart, 899 s long', () => {
    const lfs = PRESETS.LFS!
    expect(lfs).toEqual({ kind: 'train', freq_Hz: 1, count: 900 })
    for (let k = 0; k < 900; k++) expect(pulseTime(lfs, k)).toBe(1000 * k)
    expect(pulseTime(lfs, 900)).toBeUndefined()
    expect(protocolDuration(lfs)).toBe(899000)
  })

  test('LFS 1 Hz × 900 at dt 1 ms delivers exactly 900 pulses at 1000-step intervals, then ends', () => {
    const sim = world(1)
    const { neuron, electrode } = single(sim)
    startProtocol(sim, electrode, PRESETS.LFS!)
    let spikes: number[] = []
    const pulses = pulsesDuring(sim, () => (spikes = spikeSteps(sim, neuron, 900_500)))
    expect(pulses.length).toBe(900)
    expect(spikes).toEqual(pulses)
    pulses.forEach((s, k) => expect(s).toBe(1000 * k))
    expect(sim.state.protocols.length).toBe(0)
  })

  test('LFS shortened to 1 Hz × 20 at dt 0.1 ms: 20 pulses at exactly 1 s intervals', () => {
    const sim = world(0.1)
    const { neuron, electrode } = single(sim)
    startProtocol(sim, electrode, { kind: 'train', freq_Hz: 1, count: 20 }, 2.5)
    const spikes = spikeSteps(sim, neuron, 210_000)
    expect(spikes).toEqual(Array.from({ length: 20 }, (_, k) => 25 + 10_000 * k))
  })

  test('HFS preset: 100 pulses at 100 Hz, all within 1 s', () => {
    for (const dt of [0.1, 0.025]) {
      const sim = world(dt)
      const { neuron, electrode } = single(sim)
      startProtocol(sim, electrode, PRESETS.HFS!)
      const spikes = spikeSteps(sim, neuron, Math.round(1200 / dt))
      expect(spikes.length).toBe(100)
      spikes.forEach((s, k) => expect(s * dt).toBeCloseTo(10 * k, 9))
      expect(spikes[99]! * dt).toBeLessThan(1000)
    }
  })

  test('a period that is not a whole number of steps (30 Hz) is rounded per pulse, not accumulated', () => {
    const sim = world(0.1)
    const { neuron, electrode } = single(sim)
    startProtocol(sim, electrode, { kind: 'train', freq_Hz: 30, count: 60 })
    const spikes = spikeSteps(sim, neuron, 20_000)
    expect(spikes).toEqual(Array.from({ length: 60 }, (_, k) => Math.round((k * 1000) / 30 / 0.1)))
  })

  test('theta burst preset: 4 pulses at 100 Hz, bursts every 200 ms', () => {
    const sim = world(0.1)
    const { neuron, electrode } = single(sim)
    const tbs = PRESETS.TBS as Extract<ProtocolSpec, { kind: 'thetaBurst' }>
    startProtocol(sim, electrode, tbs)
    const spikes = spikeSteps(sim, neuron, 25_000)
    const expected: number[] = []
    for (let b = 0; b < tbs.bursts; b++) for (let j = 0; j < 4; j++) expected.push(2000 * b + 100 * j)
    expect(spikes).toEqual(expected)
  })
})

describe('Poisson protocol', () => {
  test('20 Hz for 10 s: counts within 4 SD of λT in each of 5 seeds; exponential ISIs', () => {
    const all: number[] = []
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = world(0.1, seed)
      const { electrode } = single(sim)
      startProtocol(sim, electrode, { kind: 'poisson', rate_Hz: 20, duration_ms: 10_000 })
      const pulses = pulsesDuring(sim, () => run(sim, 10_500))
      expect(Math.abs(pulses.length - 200), `seed ${seed}: ${pulses.length} pulses`).toBeLessThan(4 * Math.sqrt(200))
      expect(Math.max(...pulses) * 0.1).toBeLessThanOrEqual(10_000)
      for (let i = 1; i < pulses.length; i++) all.push((pulses[i]! - pulses[i - 1]!) * 0.1)
    }
    // Pooled ISIs (≈ 1000): mean 50 ms, CV 1 for an exponential distribution (SE ≈ 3 %).
    const mean = all.reduce((a, b) => a + b, 0) / all.length
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length)
    expect(mean).toBeGreaterThan(45)
    expect(mean).toBeLessThan(55)
    expect(sd / mean).toBeGreaterThan(0.88)
    expect(sd / mean).toBeLessThan(1.12)
  })
})

describe('current electrodes: what a neuron sees in I_ext', () => {
  function trace(sim: Sim, neuron: number, steps: number): number[] {
    const out: number[] = []
    runSteps(sim, steps, [(s) => void out.push(s.components.Neuron.I_ext[neuron]!)])
    return out
  }

  test.each([
    { start: 1, duration: 2 },
    { start: 0.4, duration: 0.1 },
    { start: 0.7, duration: 3.6 },
    { start: 0.1, duration: 17.6 },
    { start: 100, duration: 200 },
  ])('step of 3 from $start ms for $duration ms is on for exactly duration/dt steps', ({ start, duration }) => {
    const sim = world(0.1)
    const { neuron, electrode } = single(sim, 'current')
    startProtocol(sim, electrode, { kind: 'step', amplitude: 3, duration_ms: duration }, start)
    const I = trace(sim, neuron, Math.round((start + duration) / 0.1) + 20)
    const first = Math.round(start / 0.1)
    const n = Math.round(duration / 0.1)
    I.forEach((x, k) => expect(x, `step ${k}`).toBe(k >= first && k < first + n ? 3 : 0))
  })

  test('ramp from −2 to 6 over 5 ms: I = from + (to − from)(t − start)/duration', () => {
    const sim = world(0.1)
    const { neuron, electrode } = single(sim, 'current')
    startProtocol(sim, electrode, { kind: 'ramp', from: -2, to: 6, duration_ms: 5 }, 1)
    const I = trace(sim, neuron, 80)
    for (let k = 0; k < 80; k++) {
      if (k < 10 || k >= 60) expect(I[k], `step ${k}`).toBe(0)
      else expect(I[k]!, `step ${k}`).toBeCloseTo(-2 + (8 * (k - 10) * 0.1) / 5, 12)
    }
  })

  test('pulse-mode current: each pulse lasts pulseWidth; overlapping pulses add', () => {
    const sim = world(0.1)
    const { neuron, electrode } = single(sim, 'current', 0, { amplitude: 2, pulseWidth_ms: 0.5 })
    startProtocol(sim, electrode, { kind: 'train', freq_Hz: 100, count: 3 })
    const I = trace(sim, neuron, 300)
    I.forEach((x, k) => expect(x, `step ${k}`).toBe(k % 100 < 5 && k < 300 ? 2 : 0))

    const wide = world(0.1)
    const w = single(wide, 'current', 0, { amplitude: 2, pulseWidth_ms: 15 })
    startProtocol(wide, w.electrode, { kind: 'train', freq_Hz: 100, count: 2 })
    const J = trace(wide, w.neuron, 300)
    J.forEach((x, k) => expect(x, `step ${k}`).toBe(k < 100 ? 2 : k < 150 ? 4 : k < 250 ? 2 : 0))
  })
})

describe('pairing protocol', () => {
  test.each([10, -10])('Δt = %i ms: every post spike is Δt after its pre spike', (dt_ms) => {
    const sim = world(0.1)
    const pre = single(sim, 'spike', 0)
    const post = single(sim, 'spike', 500)
    startProtocol(sim, pre.electrode, { kind: 'pairing', postElectrode: post.electrode, dt_ms, freq_Hz: 5, count: 6 }, 20)
    const preSpikes: number[] = []
    const postSpikes: number[] = []
    runSteps(sim, 15_000, [
      (s) => {
        if (s.components.Neuron.spiked[pre.neuron]) preSpikes.push(s.time.step)
        if (s.components.Neuron.spiked[post.neuron]) postSpikes.push(s.time.step)
      },
    ])
    // The first pulse of the first pair falls at the start (20 ms = step 200): pre when Δt > 0, post when Δt < 0.
    const lead = Math.max(0, -dt_ms) * 10
    expect(preSpikes).toEqual(Array.from({ length: 6 }, (_, k) => 200 + lead + 2000 * k))
    expect(postSpikes.map((s, k) => (s - preSpikes[k]!) * 0.1)).toEqual(Array(6).fill(dt_ms))
    expect(Math.min(preSpikes[0]!, postSpikes[0]!)).toBe(200)
    expect(sim.state.protocols.length).toBe(0)
  })

  test.each([10, -10])('Δt = %i ms started now (step 0): the first pair keeps its offset too', (dt_ms) => {
    const sim = world(0.1)
    const pre = single(sim, 'spike', 0)
    const post = single(sim, 'spike', 500)
    startProtocol(sim, pre.electrode, { kind: 'pairing', postElectrode: post.electrode, dt_ms, freq_Hz: 5, count: 3 })
    const preSpikes: number[] = []
    const postSpikes: number[] = []
    runSteps(sim, 6_000, [
      (s) => {
        if (s.components.Neuron.spiked[pre.neuron]) preSpikes.push(s.time.step)
        if (s.components.Neuron.spiked[post.neuron]) postSpikes.push(s.time.step)
      },
    ])
    expect(preSpikes.length).toBe(3)
    expect(postSpikes.map((s, k) => (s - preSpikes[k]!) * 0.1)).toEqual(Array(3).fill(dt_ms))
    expect(Math.min(preSpikes[0]!, postSpikes[0]!)).toBe(0)
    expect(protocolDuration({ kind: 'pairing', postElectrode: 0, dt_ms, freq_Hz: 5, count: 3 })).toBe(410)
  })
})

describe('sensory channels', () => {
  test('a channel drives each of its neurons at about its rate; rate 0 silences it', () => {
    const sim = world(0.1)
    const ids = Array.from({ length: 50 }, (_, i) => addNeuron(sim, { x_um: 10 * i, y_um: 0 }))
    const other = addNeuron(sim, { x_um: 9999, y_um: 0 })
    addChannel(sim, 'D3', ids, 20)
    const counts = new Map<number, number>()
    const count = (s: Sim) => {
      for (let i = 0; i < s.spikes.count; i++) counts.set(s.spikes.ids[i]!, (counts.get(s.spikes.ids[i]!) ?? 0) + 1)
    }
    run(sim, 5000, [count])
    const total = ids.reduce((a, n) => a + (counts.get(n) ?? 0), 0)
    expect(Math.abs(total - 5000), `${total} spikes`).toBeLessThan(4 * Math.sqrt(5000)) // 50 × 20 Hz × 5 s
    for (const n of ids) expect(counts.get(n) ?? 0).toBeGreaterThan(40) // each ≈ 100 (P(< 40) ≈ 1e−11)
    expect(counts.get(other) ?? 0).toBe(0)
    setChannelRate(sim, 'D3', 0)
    counts.clear()
    run(sim, 1000, [count])
    expect(counts.size).toBe(0)
  })
})

describe('Tsodyks–Markram short-term plasticity', () => {
  /** Efficacies that arrive at `post` from a 20 Hz train on a synapse with STP `profile`. */
  function efficacies(profile: number, pulses: number): { eff: number[]; sim: Sim } {
    const sim = world(0.1)
    const { neuron: pre, electrode } = single(sim, 'spike', 0)
    const post = addNeuron(sim, { x_um: 500, y_um: 0 })
    addSynapse(sim, pre, post, { weight: 1, receptor: 'AMPA', delay_ms: 1, stpProfile: profile })
    startProtocol(sim, electrode, { kind: 'train', freq_Hz: 20, count: pulses })
    const g: number[] = []
    runSteps(sim, 500 * pulses + 20, [(s) => void g.push(s.components.Receptors.g_AMPA[post]!)])
    const dA = Math.exp(-0.1 / sim.params.receptors.tauAMPA_ms)
    const eff = Array.from({ length: pulses }, (_, n) => {
      const s = 500 * n + 10 // spike at step 500n, delay 10 steps
      return g[s]! - g[s - 1]! * dA
    })
    return { eff, sim }
  }

  test('depressing profile, 20 Hz: efficacy_n = w·U·[x∞ + (1 − x∞)((1 − U)e)^(n−1)]', () => {
    const { eff, sim } = efficacies(1, 12)
    const { U, tauD_ms, tauF_ms } = sim.params.stpProfiles[1]!
    expect(sim.params.stpProfiles[1]!.name).toBe('depressing')
    expect(tauF_ms).toBe(0)
    const e = Math.exp(-50 / tauD_ms)
    const xInf = (1 - e) / (1 - (1 - U) * e)
    eff.forEach((x, i) => {
      const closed = U * (xInf + (1 - xInf) * ((1 - U) * e) ** i)
      expect(Math.abs(x - closed) / closed, `pulse ${i + 1}: ${x} vs ${closed}`).toBeLessThan(1e-5)
    })
    expect(eff[11]! / eff[0]!).toBeLessThan(0.2) // strongly depressed by the 12th pulse
  })

  test('facilitating profile follows the event-driven recursion of the header', () => {
    const { eff, sim } = efficacies(2, 12)
    const { U, tauD_ms, tauF_ms } = sim.params.stpProfiles[2]!
    let u = 0
    let x = 1
    let xAfter = 1
    eff.forEach((got, i) => {
      u = i === 0 ? U : U + u * (1 - U) * Math.exp(-50 / tauF_ms)
      x = i === 0 ? 1 : 1 - (1 - xAfter) * Math.exp(-50 / tauD_ms)
      const want = u * x
      xAfter = x * (1 - u)
      expect(Math.abs(got - want) / want, `pulse ${i + 1}`).toBeLessThan(1e-5)
    })
    expect(eff[3]!).toBeGreaterThan(eff[0]!) // facilitates at first
  })
})
