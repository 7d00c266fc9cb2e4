/**
 * Spike sources (components/spikeSource.ts, systems/spikeSources.ts): the discrete-time Poisson
 * (Bernoulli) process of rate r fires in each step with probability p = r·dt/1000, so
 *   expected count over T = N·r·T,  SD = sqrt(N·(T/dt)·p(1 − p));  ISI CV² = 1 − p.
 * Checks: rate and CV against these, the spikes in sim.spikes (ascending, same step, reaching their
 * synapses), determinism (same seed ⇒ same state; a snapshot resumes exactly), limits.
 */
import { describe, expect, test } from 'vitest'
import { createSim, type Scene, type Sim } from '../src/engine/world.ts'
import { runSteps, step } from '../src/engine/pipeline.ts'
import { addNeuron, addSynapse, removeNeuron } from '../src/engine/entities.ts'
import { stateHash } from '../src/engine/hash.ts'
import { save, load } from '../src/engine/snapshot.ts'
import { addSpikeSource, setSourceRate } from '../systems/spikeSources.ts'
import { activityRate_Hz } from '../systems/membraneCache.ts'

const DT = 0.1

function world(build: (sim: Sim) => void, seed = 1): Sim {
  const scene: Scene = { name: 'sources-test', clock: { dt_ms: DT }, build }
  return createSim(scene, seed)
}

/** Spike times (step) per neuron, and a check that every step's spike list is ascending. */
function record(sim: Sim, steps: number): { times: Map<number, number[]>; sorted: boolean } {
  const times = new Map<number, number[]>()
  let sorted = true
  runSteps(sim, steps, [
    (s) => {
      const { ids, count } = s.spikes
      for (let i = 0; i < count; i++) {
        if (i > 0 && ids[i]! <= ids[i - 1]!) sorted = false
        const n = ids[i]!
        if (!times.has(n)) times.set(n, [])
        times.get(n)!.push(s.time.step)
      }
    },
  ])
  return { times, sorted }
}

describe('spike sources', () => {
  test('rate: the count over 50 s of 200 sources at 20 Hz is N·r·T within 4 SD', () => {
    const sim = world((s) => {
      for (let i = 0; i < 200; i++) addSpikeSource(s, { rate_Hz: 20 })
    })
    const steps = 50_000 / DT
    const { times } = record(sim, steps)
    let total = 0
    for (const t of times.values()) total += t.length
    const p = (20 * DT) / 1000
    const mean = 200 * steps * p
    const sd = Math.sqrt(200 * steps * p * (1 - p))
    expect(Math.abs(total - mean)).toBeLessThan(4 * sd) // 4 SD ≈ 1.8 % of 200 000
    expect(total).toBeGreaterThan(0)
  })

  test('ISIs: mean 1/r and CV ≈ sqrt(1 − p) ≈ 1 (50 sources at 40 Hz for 20 s)', () => {
    const sim = world((s) => {
      for (let i = 0; i < 50; i++) addSpikeSource(s, { rate_Hz: 40 })
    })
    const { times } = record(sim, 20_000 / DT)
    const isi: number[] = []
    for (const t of times.values()) for (let i = 1; i < t.length; i++) isi.push((t[i]! - t[i - 1]!) * DT)
    const mean = isi.reduce((a, b) => a + b, 0) / isi.length
    const sd = Math.sqrt(isi.reduce((a, b) => a + (b - mean) ** 2, 0) / isi.length)
    expect(isi.length).toBeGreaterThan(38_000)
    expect(mean).toBeGreaterThan(25 * 0.97)
    expect(mean).toBeLessThan(25 * 1.03)
    expect(sd / mean).toBeGreaterThan(0.97)
    expect(sd / mean).toBeLessThan(1.03)
    // No ISI is shorter than one step (at most one spike per step).
    expect(Math.min(...isi)).toBeGreaterThanOrEqual(DT - 1e-12)
  })

  test('spikes join sim.spikes in ascending order with the membrane\'s, reach their synapses and are recorded', () => {
    let post = 0
    let src: number[] = []
    const sim = world((s) => {
      // Sources on both sides of a LIF neuron in id order, so the two lists interleave.
      src = [addSpikeSource(s, { rate_Hz: 200 })]
      post = addNeuron(s, { model: 'lif', I_bias: 250 }) // fires on its own
      src.push(addSpikeSource(s, { rate_Hz: 200 }))
      for (const n of src) addSynapse(s, n, post, { weight: 1, receptor: 'AMPA', delay_ms: DT })
    })
    const { times, sorted } = record(sim, 20_000)
    expect(sorted).toBe(true)
    expect(times.get(post)?.length ?? 0).toBeGreaterThan(10)
    for (const n of src) expect(times.get(n)!.length).toBeGreaterThan(300)
    // The averaged rate of a source is kept like a neuron's (≈ 200 Hz after 2 s, τ = 1 s: 200·(1 − e^−2)).
    expect(activityRate_Hz(sim, src[0]!)).toBeGreaterThan(120)
    expect(activityRate_Hz(sim, src[0]!)).toBeLessThan(230)
    // A source spike arrives at the target one step later as AMPA conductance.
    const sim2 = world((s) => {
      const a = addSpikeSource(s, { rate_Hz: 10_000 }) // p = 1: fires every step
      const b = addNeuron(s, { model: 'lif' })
      addSynapse(s, a, b, { weight: 2, receptor: 'AMPA', delay_ms: DT })
    })
    step(sim2)
    expect(sim2.spikes.count).toBe(0) // cleared after the step; the flag tells
    expect(sim2.components.Neuron.spiked[1]).toBe(1)
    expect(sim2.components.Receptors.g_AMPA[2]).toBe(0)
    step(sim2)
    expect(sim2.components.Receptors.g_AMPA[2]).toBe(2)
  })

  test('determinism: same seed ⇒ same hash; another seed differs; save → load → run ≡ straight run', () => {
    const build = (s: Sim) => {
      for (let i = 0; i < 50; i++) addSpikeSource(s, { rate_Hz: 5 + i })
    }
    const a = world(build, 7)
    const b = world(build, 7)
    const c = world(build, 8)
    runSteps(a, 5000)
    runSteps(b, 2500)
    const copy = load(save(b))
    runSteps(copy, 2500)
    runSteps(c, 5000)
    expect(stateHash(copy)).toBe(stateHash(a))
    expect(stateHash(c)).not.toBe(stateHash(a))
  })

  test('rate changes, silence, removal and limits', () => {
    let ids: number[] = []
    const sim = world((s) => {
      ids = [addSpikeSource(s, { rate_Hz: 100 }), addSpikeSource(s, { rate_Hz: 0 })]
    })
    const first = record(sim, 10_000).times
    expect(first.get(ids[1]!)).toBeUndefined()
    setSourceRate(sim, ids[0]!, 0)
    setSourceRate(sim, ids[1]!, 100)
    const second = record(sim, 10_000).times
    expect(second.get(ids[0]!)).toBeUndefined()
    expect(second.get(ids[1]!)!.length).toBeGreaterThan(50)
    removeNeuron(sim, ids[1]!)
    expect(record(sim, 1000).times.size).toBe(0)
    expect(() => setSourceRate(sim, ids[0]!, 10_001)).toThrow(/exceeds one spike per step/)
    expect(() => setSourceRate(sim, ids[0]!, -1)).toThrow(/≥ 0/)
    // A world without sources draws nothing from the sources' stream.
    const empty = world((s) => void addNeuron(s, { model: 'lif' }))
    runSteps(empty, 100)
    expect(empty.rng.streams.has('spikeSources')).toBe(false)
  })
})
