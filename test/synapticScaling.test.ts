/**
 * Homeostatic synaptic scaling (systems/synapticScaling.ts): the multiplicative signature (one factor
 * per neuron, exact e^(Δt/τ) in silence), the fixed point at the target rate, scaling down above it,
 * excitatory inputs only, bounds, zero effect when off, determinism and snapshot round-trips.
 */
import { describe, it, expect } from 'vitest'
import { createSim, createEmptySim, defaultParams, type Sim } from '../src/engine/world.ts'
import { run, fastForward, slowTick } from '../src/engine/pipeline.ts'
import { addNeuron, addSynapse, neuronIds } from '../src/engine/entities.ts'
import { stateHash } from '../src/engine/hash.ts'
import { save, load } from '../src/engine/snapshot.ts'
import { applyDrug } from '../systems/drugs.ts'
import { enableScaling } from '../systems/synapticScaling.ts'
import { scalingNetwork } from '../scenes/scalingNetwork.ts'
import { SCALE_MAX, SCALING_TAU_H } from '../components/homeostasis.ts'

const H_MS = 3_600_000

/** One LIF neuron with `k` excitatory AMPA inputs of different weights and 2 GABA_A inputs. */
function small(k = 8): { sim: Sim; post: number; exc: number[]; inh: number[] } {
  const sim = createEmptySim('scalingTest', 7, { dt_ms: 0.1, slowTick_ms: 1000, timeWarp: 1 }, defaultParams())
  const post = addNeuron(sim, { model: 'lif' })
  const exc: number[] = []
  const inh: number[] = []
  for (let i = 0; i < k; i++) exc.push(addSynapse(sim, addNeuron(sim, { model: 'lif' }), post, { weight: 0.5 + 0.37 * i, receptor: 'AMPA' }))
  for (let i = 0; i < 2; i++) inh.push(addSynapse(sim, addNeuron(sim, { model: 'lif', excitatory: false }), post, { weight: 3, receptor: 'GABA_A' }))
  return { sim, post, exc, inh }
}

const weights = (sim: Sim, ids: number[]) => ids.map((s) => sim.components.Synapse.weight[s]!)

describe('synaptic scaling', () => {
  it('48 h of silence (TTX) multiply every excitatory input by e^(48 h/τ), one factor for all, inhibitory untouched', () => {
    const { sim, post, exc, inh } = small()
    enableScaling(sim, post, { target_Hz: 5 })
    const w0 = weights(sim, exc)
    const i0 = weights(sim, inh)
    applyDrug(sim, 'TTX')
    fastForward(sim, 48 * H_MS)
    const ratios = weights(sim, exc).map((w, i) => w / w0[i]!)
    const expected = Math.exp(48 / SCALING_TAU_H) // test code: Math.exp is fine outside the simulation
    expect(expected).toBeCloseTo(2, 10)
    for (const r of ratios) expect(r).toBeCloseTo(expected, 5)
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length
    const sd = Math.sqrt(ratios.reduce((a, r) => a + (r - mean) ** 2, 0) / ratios.length)
    expect(sd / mean).toBeLessThan(1e-6)
    expect(weights(sim, inh)).toEqual(i0)
    expect(sim.components.Homeostasis.scale[post]).toBeCloseTo(expected, 6)
  })

  it('does nothing at the target rate and scales down above it (fast-forward reads the last measured rate)', () => {
    const { sim, post, exc } = small()
    enableScaling(sim, post, { target_Hz: 4, tau_h: 10 })
    const w0 = weights(sim, exc)
    sim.components.Homeostasis.rate_Hz[post] = 4
    fastForward(sim, 24 * H_MS)
    expect(weights(sim, exc)).toEqual(w0)
    sim.components.Homeostasis.rate_Hz[post] = 8 // twice the target: d ln w/dt = −1/τ
    fastForward(sim, 5 * H_MS)
    weights(sim, exc).forEach((w, i) => expect(w / w0[i]!).toBeCloseTo(Math.exp(-0.5), 5))
  })

  it('while spiking, drives the rate of a real network to the target (and the weights stay finite and positive)', () => {
    const scene = scalingNetwork({ nInput: 40, nPyramidal: 6, nInterneuron: 4, inputsPerCell: 30, dt_ms: 0.2 })
    scene.clock.timeWarp = 21600
    const sim = createSim(scene, 3)
    const pyr = Array.from(neuronIds(sim)).filter((n) => sim.components.Neuron.population[n] === 1)
    let spikes = 0
    const count = (s: Sim) => {
      for (let i = 0; i < s.spikes.count; i++) if (s.components.Neuron.population[s.spikes.ids[i]!] === 1) spikes++
    }
    run(sim, 15_000, [count])
    spikes = 0
    run(sim, 10_000, [count])
    const rate = spikes / pyr.length / 10
    expect(rate).toBeGreaterThan(4)
    expect(rate).toBeLessThan(6)
    for (const w of sim.components.Synapse.weight) expect(Number.isFinite(w) && w >= 0).toBe(true)
  })

  it('keeps the cumulative scale within its bounds (no overflow in very long silence)', () => {
    const { sim, post, exc } = small(3)
    enableScaling(sim, post, { target_Hz: 5, tau_h: 1 })
    applyDrug(sim, 'TTX')
    fastForward(sim, 1e5 * H_MS)
    expect(sim.components.Homeostasis.scale[post]).toBe(SCALE_MAX)
    for (const w of weights(sim, exc)) expect(Number.isFinite(w)).toBe(true)
  })

  it('is off without the component: slow ticks leave the weights alone', () => {
    const { sim, exc } = small()
    const w0 = weights(sim, exc)
    applyDrug(sim, 'TTX')
    for (let i = 0; i < 10; i++) slowTick(sim, 24 * H_MS)
    expect(weights(sim, exc)).toEqual(w0)
  })

  it('refuses bad settings', () => {
    const { sim, post } = small(1)
    expect(() => enableScaling(sim, post, { target_Hz: 0 })).toThrow(/target_Hz/)
    expect(() => enableScaling(sim, post, { target_Hz: 5, tau_h: -1 })).toThrow(/tau_h/)
    expect(() => enableScaling(sim, 9999, { target_Hz: 5 })).toThrow(/not a neuron/)
  })

  it('is deterministic and survives a snapshot round-trip (state hashed, run 2 s ≡ 1 s → save → load → 1 s)', () => {
    const make = () => {
      const scene = scalingNetwork({ nInput: 20, nPyramidal: 4, nInterneuron: 2, inputsPerCell: 10 })
      scene.clock.timeWarp = 36000
      return createSim(scene, 11)
    }
    const a = make()
    run(a, 2000)
    const b = make()
    run(b, 1000)
    const c = load(save(b))
    run(c, 1000)
    const d = make()
    run(d, 2000)
    expect(stateHash(c)).toBe(stateHash(a))
    expect(stateHash(d)).toBe(stateHash(a))
    // The scaling state is part of the hash.
    const pyr = Array.from(neuronIds(a)).find((n) => a.components.Neuron.population[n] === 1)!
    const before = stateHash(a)
    a.components.Homeostasis.scale[pyr] = a.components.Homeostasis.scale[pyr]! * 1.5
    expect(stateHash(a)).not.toBe(before)
  })
})
