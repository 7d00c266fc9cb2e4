/**
 * Exact delay arithmetic of the delay ring (src/engine/delay.ts, systems/propagation.ts,
 * systems/transmission.ts): a presynaptic neuron forced to fire at step k by a spike-mode electrode
 * reaches its postsynaptic neuron's AMPA conductance at step k + d exactly (zero at k + d − 1),
 * also when the ring grows (longer delay, more neurons) while input is in flight.
 */
import { describe, expect, test } from 'vitest'
import { createSim, type Params, type Sim } from '../src/engine/world.ts'
import { addElectrode, addNeuron, addSynapse, delayStepsFor, removeNeuron } from '../src/engine/entities.ts'
import { startProtocol } from '../src/engine/protocols.ts'
import { runSteps } from '../src/engine/pipeline.ts'
import { MAX_DELAY_STEPS } from '../components/synapse.ts'

function world(dt_ms = 0.1, params: Partial<Params> = {}): Sim {
  return createSim({ name: 'delay-test', clock: { dt_ms }, params, build: () => {} }, 1)
}

/** A presynaptic neuron at the origin and a spike-mode electrode that reaches only it. */
function presynaptic(sim: Sim, velocity = 0.5): { pre: number; electrode: number } {
  const pre = addNeuron(sim, { x_um: 0, y_um: 0, axonVelocity_m_per_s: velocity })
  const electrode = addElectrode(sim, { x_um: 0, y_um: 0, radius_um: 1, mode: 'spike' })
  return { pre, electrode }
}

/** Force a spike of the electrode's targets at step k. */
function fireAt(sim: Sim, electrode: number, k: number): void {
  startProtocol(sim, electrode, { kind: 'pulse' }, k * sim.time.dt_ms)
}

/** Record g_AMPA of `posts` after every step, from the current step on. */
function recorder(posts: number[]) {
  const g = posts.map(() => [] as number[])
  const first: number[] = []
  const observe = (s: Sim) => {
    if (first.length === 0) first.push(s.time.step)
    posts.forEach((p, i) => g[i]!.push(s.components.Receptors.g_AMPA[p]!))
  }
  /** Conductance of post i after step `step`. */
  const at = (i: number, step: number) => g[i]![step - first[0]!]!
  return { observe, at }
}

/** The weight that arrived at step s: g(s) − g(s − 1)·exp(−dt/τ_AMPA). */
function arrived(sim: Sim, at: (i: number, s: number) => number, i: number, s: number): number {
  return at(i, s) - at(i, s - 1) * Math.exp(-sim.time.dt_ms / sim.params.receptors.tauAMPA_ms)
}

describe('delay ring: arrival exactly d steps after the spike', () => {
  test('fixed delays 1 … 1000 steps (delay_ms = d·dt)', () => {
    const sim = world(0.1)
    const { pre, electrode } = presynaptic(sim)
    const ds = [1, 2, 3, 7, 64, 65, 400, 1000]
    const posts = ds.map((_, i) => addNeuron(sim, { x_um: 5000 + 10 * i, y_um: 0 }))
    const syn = ds.map((d, i) => addSynapse(sim, pre, posts[i]!, { weight: 0.25, receptor: 'AMPA', delay_ms: d * 0.1 }))
    syn.forEach((s, i) => expect(sim.components.Synapse.delaySteps[s]).toBe(ds[i]))
    const k = 5
    fireAt(sim, electrode, k)
    const rec = recorder(posts)
    runSteps(sim, k + 1002, [rec.observe])
    ds.forEach((d, i) => {
      for (let s = 0; s < k + d; s++) expect(rec.at(i, s), `d=${d} step ${s}`).toBe(0)
      expect(rec.at(i, k + d), `d=${d}`).toBe(0.25)
    })
  })

  test('adding a long-delay synapse (ring grows and re-lays) keeps input in flight where it was', () => {
    const sim = world(0.1)
    const { pre, electrode } = presynaptic(sim)
    const a = addNeuron(sim, { x_um: 5000, y_um: 0 })
    const b = addNeuron(sim, { x_um: 6000, y_um: 0 })
    addSynapse(sim, pre, a, { weight: 0.25, receptor: 'AMPA', delay_ms: 0.5 }) // 5 steps
    const lengthBefore = sim.indices.delay.length
    // Three spikes in flight on the 5-step synapse when the ring grows at step 13.
    for (const k of [10, 11, 12, 20]) fireAt(sim, electrode, k)
    const rec = recorder([a, b])
    runSteps(sim, 13, [rec.observe])
    addSynapse(sim, pre, b, { weight: 0.5, receptor: 'AMPA', delay_ms: 30 }) // 300 steps
    expect(sim.indices.delay.length).toBeGreaterThan(300)
    expect(sim.indices.delay.length).toBeGreaterThan(lengthBefore)
    runSteps(sim, 400, [rec.observe])
    for (let s = 1; s < 15; s++) expect(rec.at(0, s), `step ${s}`).toBe(0)
    for (const s of [15, 16, 17, 25]) expect(arrived(sim, rec.at, 0, s), `arrival at ${s}`).toBeCloseTo(0.25, 6)
    for (const s of [18, 19, 20, 21, 22, 23, 24, 26]) expect(Math.abs(arrived(sim, rec.at, 0, s)), `nothing at ${s}`).toBeLessThan(1e-9)
    // The long synapse existed only from step 13: it carries the step-20 spike, arriving at 320.
    for (let s = 0; s < 320; s++) expect(rec.at(1, s)).toBe(0)
    expect(rec.at(1, 320)).toBe(0.5)
  })

  test('neuron births that widen the ring keep in-flight input; a reused id gets none of it', () => {
    const sim = world(0.1)
    const { pre, electrode } = presynaptic(sim)
    const post = addNeuron(sim, { x_um: 5000, y_um: 0 })
    const doomed = addNeuron(sim, { x_um: 6000, y_um: 0 })
    addSynapse(sim, pre, post, { weight: 0.25, receptor: 'AMPA', delay_ms: 2 }) // 20 steps
    addSynapse(sim, pre, doomed, { weight: 0.5, receptor: 'AMPA', delay_ms: 2 })
    fireAt(sim, electrode, 5)
    const rec = recorder([post])
    runSteps(sim, 10, [rec.observe])
    const widthBefore = sim.indices.delay.width
    removeNeuron(sim, doomed) // its in-flight input must vanish with it
    const born: number[] = []
    for (let i = 0; i < 60; i++) born.push(addNeuron(sim, { x_um: 7000 + i, y_um: 0 }))
    expect(sim.indices.delay.width).toBeGreaterThan(widthBefore)
    expect(born).toContain(doomed) // ids are recycled: the column of the removed neuron is reused
    const seen = new Map<number, number>()
    runSteps(sim, 20, [
      rec.observe,
      (s) => {
        for (const n of born) seen.set(n, Math.max(seen.get(n) ?? 0, s.components.Receptors.g_AMPA[n]!))
      },
    ])
    for (let s = 0; s < 25; s++) expect(rec.at(0, s)).toBe(0)
    expect(rec.at(0, 25)).toBe(0.25)
    for (const n of born) expect(seen.get(n), `neuron ${n}${n === doomed ? ' (reused id)' : ''}`).toBe(0)
  })
})

describe('delay from path length and conduction velocity', () => {
  // delaySteps = max(1, round((synDelay_ms + L/(1000 v)) / dt)),  1 m/s = 1000 µm/ms
  const cases = [
    { dt: 0.1, syn: 0.5, v: 0.5, L: 1000, steps: 25 },
    { dt: 0.1, syn: 0.5, v: 0.5, L: 0, steps: 5 },
    { dt: 0.1, syn: 0.5, v: 0.3, L: 600, steps: 25 },
    { dt: 0.1, syn: 0.5, v: 2, L: 3000, steps: 20 },
    { dt: 0.1, syn: 0.5, v: 0.5, L: 12345, steps: 252 }, // 24.69 + 0.5 = 25.19 ms
    { dt: 1, syn: 0.5, v: 0.5, L: 100, steps: 1 }, // 0.7 ms → 1 step
    { dt: 0.1, syn: 0, v: 0.5, L: 0, steps: 1 }, // never below one step
    { dt: 0.025, syn: 0.5, v: 1, L: 777, steps: 51 }, // 1.277 ms / 0.025 = 51.08
  ]
  test.each(cases)('dt $dt, synDelay $syn ms, v $v m/s, L $L µm → $steps steps', ({ dt, syn, v, L, steps }) => {
    const sim = world(dt, { synDelay_ms: syn })
    const { pre } = presynaptic(sim, v)
    const post = addNeuron(sim, { x_um: 5000, y_um: 0 })
    const s = addSynapse(sim, pre, post, { weight: 0.1, pathLength_um: L })
    expect(sim.components.Synapse.delaySteps[s]).toBe(steps)
    expect(delayStepsFor(sim, pre, L)).toBe(steps)
  })

  test('default path is the straight line between the somata, and the spike arrives then', () => {
    const sim = world(0.1)
    const { pre, electrode } = presynaptic(sim, 0.5)
    const post = addNeuron(sim, { x_um: 300, y_um: 400 }) // 500 µm: 1 ms + 0.5 ms = 15 steps
    const s = addSynapse(sim, pre, post, { weight: 0.25, receptor: 'AMPA' })
    expect(sim.components.Synapse.pathLength_um[s]).toBe(500)
    expect(sim.components.Synapse.delaySteps[s]).toBe(15)
    fireAt(sim, electrode, 3)
    const rec = recorder([post])
    runSteps(sim, 30, [rec.observe])
    for (let k = 0; k < 18; k++) expect(rec.at(0, k)).toBe(0)
    expect(rec.at(0, 18)).toBe(0.25)
  })

  test('delays are clamped to the ring maximum', () => {
    const sim = world(0.1)
    const { pre } = presynaptic(sim)
    const post = addNeuron(sim, { x_um: 5000, y_um: 0 })
    const s = addSynapse(sim, pre, post, { weight: 0.1, delay_ms: 1e6 })
    expect(sim.components.Synapse.delaySteps[s]).toBe(MAX_DELAY_STEPS)
  })
})
