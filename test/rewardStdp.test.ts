/**
 * Dopamine-modulated STDP (Izhikevich 2007; components/rewardStdp.ts): a single synapse paired once
 * at Δt = +10 ms, then one dopamine puff of Δd = 1/τ_d a time T after the post spike. Expected
 * (analytic, derived in components/rewardStdp.ts):
 *   Δw = A+ e^(−Δt/τ+) · e^(−T/τ_c) · Δd · τ_c τ_d/(τ_c + τ_d) = 0.18594 for T = 1 s,
 *   and e^(−1) = 0.36788 of that for T = 2 s.
 */
import { describe, expect, it } from 'vitest'
import { createSim, type Scene, type Sim } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { runSteps } from '../src/engine/pipeline.ts'
import { release, setGlobalLevel } from '../systems/neuromodulation.ts'
import { eligibility, flushRewardWeights } from '../systems/rewardStdp.ts'
import { save, load } from '../src/engine/snapshot.ts'
import { stateHash } from '../src/engine/hash.ts'

const DT = 0.1
const scene: Scene = {
  name: 'rewardPairTest',
  clock: { dt_ms: DT },
  params: { width_um: 100, height_um: 100 },
  build(sim) {
    PRE = addNeuron(sim, { x_um: 10, y_um: 10 })
    POST = addNeuron(sim, { x_um: 50, y_um: 50 })
    SYN = addSynapse(sim, PRE, POST, { weight: 0, receptor: 'delta', delay_ms: 1, reward: 'izhikevich2007' })
  },
}

// Entity ids of the scene (the same in every world built from it).
let PRE = -1
let POST = -1
let SYN = -1

/** Step to time t_ms (absolute). */
function until(sim: Sim, t_ms: number): void {
  runSteps(sim, Math.round(t_ms / DT) - sim.time.step)
}
function force(sim: Sim, n: number): void {
  sim.components.Neuron.forceSpike[n] = 1
}

/** Pair pre at 100 ms, post at 110 ms; dopamine puff (µM) at 110 ms + T; run to `end`. */
function experiment(T_ms: number | null, puff_uM: number, end_ms: number, seed = 1): Sim {
  const sim = createSim(scene, seed)
  until(sim, 100)
  force(sim, PRE)
  until(sim, 110)
  force(sim, POST)
  if (T_ms !== null) {
    until(sim, 110 + T_ms)
    release(sim, { modulator: 'dopamine', amount_uM: puff_uM })
  }
  until(sim, end_ms)
  flushRewardWeights(sim)
  return sim
}

describe('reward STDP (Izhikevich 2007 three-factor rule)', () => {
  const expected1 = Math.exp(-0.5) * Math.exp(-1) * 5 * (1 / (1 / 1 + 1 / 0.2))
  it('the synapse is one of a pair and the identifiers are as assumed', () => {
    const sim = createSim(scene, 1)
    expect(sim.components.Synapse.pre[SYN]).toBe(PRE)
    expect(sim.components.Synapse.post[SYN]).toBe(POST)
    expect(sim.components.RewardStdp.rule[SYN]).toBe(1)
  })

  it('eligibility after +10 ms pairing is A+·e^(−0.5) and decays with τ_c = 1 s', () => {
    const sim = createSim(scene, 1)
    until(sim, 100)
    force(sim, PRE)
    until(sim, 110)
    force(sim, POST)
    until(sim, 110.1)
    expect(eligibility(sim, SYN)).toBeCloseTo(Math.exp(-0.5) * Math.exp(-0.1 / 1000), 9)
    until(sim, 1110)
    expect(eligibility(sim, SYN)).toBeCloseTo(Math.exp(-0.5) * Math.exp(-1), 9)
  })

  it('dopamine 1 s after the pairing: Δw = 0.1859 (± 0.5 %)', () => {
    const sim = experiment(1000, 5, 5000)
    const dw = sim.components.Synapse.weight[SYN]!
    expect(expected1).toBeCloseTo(0.18594, 4)
    expect(Math.abs(dw / expected1 - 1)).toBeLessThan(0.005)
    expect(Math.abs(dw / 0.1859 - 1)).toBeLessThan(0.005)
  })

  it('dopamine 2 s later instead: ratio 0.368 (± 0.5 %)', () => {
    const w1 = experiment(1000, 5, 6000).components.Synapse.weight[SYN]!
    const w2 = experiment(2000, 5, 6000).components.Synapse.weight[SYN]!
    expect(Math.abs(w2 / w1 / 0.368 - 1)).toBeLessThan(0.005)
    expect(w2 / w1).toBeCloseTo(Math.exp(-1), 4)
  })

  it('no dopamine: no weight change, however long', () => {
    const sim = experiment(null, 0, 8000)
    expect(sim.components.Synapse.weight[SYN]).toBe(0)
    expect(eligibility(sim, SYN)).toBeGreaterThan(0)
  })

  it('dopamine before the pairing does nothing once it has gone, and a negative pairing depresses', () => {
    const sim = createSim(scene, 1)
    sim.components.Synapse.weight[SYN] = 1
    release(sim, { modulator: 'dopamine', amount_uM: 5 })
    until(sim, 20_000) // dopamine gone (below ε) long before the pairing
    expect(sim.state.neuromodulation!.global[0]).toBe(0)
    force(sim, POST)
    until(sim, 20_010)
    force(sim, PRE) // pre 10 ms after post: c = −A− e^(−0.5)
    until(sim, 21_010)
    expect(sim.components.Synapse.weight[SYN]).toBe(1)
    release(sim, { modulator: 'dopamine', amount_uM: 5 })
    until(sim, 26_000)
    flushRewardWeights(sim)
    const dw = sim.components.Synapse.weight[SYN]! - 1
    expect(dw / (-1.5 * expected1)).toBeCloseTo(1, 3)
  })

  it('tonic dopamine: the weight follows k·∫c·d with d at its steady state', () => {
    const sim = createSim(scene, 1)
    setGlobalLevel(sim, 'dopamine', 0.5)
    sim.state.neuromodulation!.tonic[0] = 2.5 // d_ss = 2.5 µM/s · 0.2 s = 0.5 µM
    until(sim, 100)
    force(sim, PRE)
    until(sim, 110)
    force(sim, POST)
    until(sim, 10_000)
    flushRewardWeights(sim)
    // ∫_0^∞ c·d = e^(−0.5) · 0.5 µM · τ_c, minus the tail after 9.89 s
    const expected = Math.exp(-0.5) * 0.5 * 1 * (1 - Math.exp(-9.89))
    expect(sim.components.Synapse.weight[SYN]! / expected).toBeCloseTo(1, 4)
  })

  it('snapshot round trip mid-reward continues identically', () => {
    const a = createSim(scene, 7)
    until(a, 100)
    force(a, PRE)
    until(a, 110)
    force(a, POST)
    until(a, 600)
    release(a, { modulator: 'dopamine', amount_uM: 5 })
    until(a, 650)
    const b = load(save(a))
    expect(stateHash(b)).toBe(stateHash(a))
    until(a, 2000)
    until(b, 2000)
    expect(stateHash(b)).toBe(stateHash(a))
    expect(b.components.Synapse.weight[SYN]).toBe(a.components.Synapse.weight[SYN])
  })
})

describe('scenario release action', () => {
  const file = (timeline: string) => `name: t
scene: { builder: izhikevich2007, params: { variant: pair } }
duration: 3 s
timeline:
${timeline}
`
  it('parses puffs (global, local) and tonic levels into engine units', async () => {
    const { parseScenario } = await import('../src/scenario/parse.ts')
    const sc = parseScenario(
      file(`  - { at: 1 s, release: { modulator: dopamine, amount: 500 nM } }
  - { at: 2 s, release: { modulator: acetylcholine, amount: 1 uM, x_um: 10, y_um: 20, radius_um: 5 } }
  - { at: 0 s, release: { modulator: noradrenaline, tonic: 0.1 uM } }`),
      'x.yaml',
    )
    expect(sc.timeline.map((a) => a.kind)).toEqual(['release', 'release', 'release'])
    expect(sc.timeline[0]).toMatchObject({ modulator: 'noradrenaline', tonic_uM: 0.1 })
    expect(sc.timeline[1]).toMatchObject({ modulator: 'dopamine', amount_uM: 0.5, at_ms: 1000 })
    expect(sc.timeline[2]).toMatchObject({ modulator: 'acetylcholine', amount_uM: 1, x_um: 10, y_um: 20, radius_um: 5 })
  })
  it('rejects ambiguous or incomplete releases with a located message', async () => {
    const { parseScenario } = await import('../src/scenario/parse.ts')
    expect(() => parseScenario(file('  - { at: 1 s, release: { modulator: dopamine } }'), 'x.yaml')).toThrow(/exactly one of amount/)
    expect(() => parseScenario(file('  - { at: 1 s, release: { modulator: dopamine, amount: 1 uM, x_um: 3 } }'), 'x.yaml')).toThrow(/both x_um and y_um/)
    expect(() => parseScenario(file('  - { at: 1 s, release: { modulator: serotonin, amount: 1 uM } }'), 'x.yaml')).toThrow(/modulator/)
  })
  it('a run applies them: the puff raises the global dopamine, tonic sets the steady-state rate', async () => {
    const { parseScenario } = await import('../src/scenario/parse.ts')
    const { createRun } = await import('../src/scenario/runner.ts')
    const { SCENES } = await import('../scenes/index.ts')
    const sc = parseScenario(
      file(`  - { at: 1 s, release: { modulator: dopamine, amount: 5 uM } }
  - { at: 0 s, release: { modulator: noradrenaline, tonic: 0.1 uM } }`),
      'x.yaml',
    )
    const run = createRun(sc, { scenes: SCENES })
    run.advance(10_000) // steps 0 … 9999: the puff at 1 s (step 10000) has not come yet
    expect(run.sim.state.neuromodulation!.global[0]).toBe(0)
    expect(run.sim.state.neuromodulation!.tonic[2]).toBeCloseTo(0.1 / 4.2, 12)
    run.advance(1) // released just before step 10000, then cleared over that step
    expect(run.sim.state.neuromodulation!.global[0]).toBeCloseTo(5 * Math.exp(-0.1 / 200), 12)
  })
})
