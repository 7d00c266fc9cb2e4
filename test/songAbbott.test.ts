/**
 * Competitive STDP scene (scenes/songAbbott.ts; Song, Miller & Abbott 2000), short runs:
 * the scene is built as the paper describes, the weights stay within [0, g_max] under the additive
 * rule, and competition begins — with A− > A+ uncorrelated pairs depress on average, so from the
 * uniform start the mean weight and the output rate fall and synapses leave the middle of the range
 * for the bounds. The full 5000 s run is VALIDATION item 10 (scenes/validation/item10-*.yaml).
 */
import { describe, expect, test } from 'vitest'
import { createSim, type Sim } from '../src/engine/world.ts'
import { runSteps } from '../src/engine/pipeline.ts'
import { songAbbott } from '../scenes/songAbbott.ts'
import { STDP_RULES } from '../components/plasticity.ts'

const RULE = STDP_RULES.find((r) => r.name === 'songAbbott2000')!
const GMAX = Math.fround(RULE.wMax)

function excWeights(sim: Sim, post: number): number[] {
  const S = sim.components.Synapse
  const out: number[] = []
  for (let s = 1; s < S.alive.length; s++) if (S.alive[s] === 1 && S.post[s] === post && S.receptor[s] === 1) out.push(S.weight[s]!)
  return out
}

function stats(w: number[]) {
  const mean = w.reduce((a, b) => a + b, 0) / w.length
  const near = w.filter((x) => x <= 0.1 * RULE.wMax || x >= 0.9 * RULE.wMax).length / w.length
  return { mean, near, min: Math.min(...w), max: Math.max(...w) }
}

/** Spikes of neuron n over `steps` steps. */
function countSpikes(sim: Sim, n: number, steps: number): number {
  let k = 0
  runSteps(sim, steps, [(s) => void (s.components.Neuron.spiked[n] === 1 && k++)])
  return k
}

describe('Song, Miller & Abbott (2000) scene', () => {
  test('built as the paper: 1 LIF, 1000 excitatory STDP inputs in [0, g_max], 200 fixed inhibitory inputs', () => {
    const sim = createSim(songAbbott({ rates_Hz: [20] }), 1)
    const post = 1
    const L = sim.components.LIF
    expect([L.C_pF[post]! / L.gL_nS[post]!, L.EL_mV[post], L.Vth_mV[post], L.Vreset_mV[post]]).toEqual([20, -70, -54, -60])
    const w = excWeights(sim, post)
    expect(w.length).toBe(1000)
    const s = stats(w)
    expect(s.min).toBeGreaterThanOrEqual(0)
    expect(s.max).toBeLessThanOrEqual(GMAX)
    expect(s.mean).toBeGreaterThan(0.4 * RULE.wMax) // uniform start: mean g_max/2
    expect(s.mean).toBeLessThan(0.6 * RULE.wMax)
    const S = sim.components.Synapse
    let inh = 0
    for (let e = 1; e < S.alive.length; e++) if (S.alive[e] && S.receptor[e] === 2) inh++
    expect(inh).toBe(200)
    expect(RULE.Aminus / RULE.Aplus).toBeCloseTo(1.05, 12)
  })

  test('30 s: weights stay in [0, g_max]; mean weight and output rate fall; synapses move to the bounds', { timeout: 120_000 }, () => {
    const sim = createSim(songAbbott({ rates_Hz: [20] }), 2)
    const post = 1
    const before = stats(excWeights(sim, post))
    const early = countSpikes(sim, post, 20_000) // first 2 s
    runSteps(sim, 260_000)
    const late = countSpikes(sim, post, 20_000) // 28–30 s
    const after = stats(excWeights(sim, post))
    expect(after.min).toBeGreaterThanOrEqual(0)
    expect(after.max).toBeLessThanOrEqual(GMAX)
    expect(after.mean).toBeLessThan(0.9 * before.mean)
    expect(late).toBeLessThan(0.7 * early)
    expect(after.near).toBeGreaterThan(before.near + 0.05)
  })

  test('control without STDP: the weights do not move', () => {
    const sim = createSim(songAbbott({ rates_Hz: [20], plastic: false }), 2)
    const before = excWeights(sim, 1)
    runSteps(sim, 20_000)
    expect(excWeights(sim, 1)).toEqual(before)
  })
})

describe('scenario probes for weight distributions and cross-probe ratios', () => {
  test('weight `between` records the fraction in [lo, hi]; `relativeProbe` divides by another probe', async () => {
    const { parseScenario } = await import('../src/scenario/parse.ts')
    const { createRun } = await import('../src/scenario/runner.ts')
    const { SCENES } = await import('../scenes/index.ts')
    const text = [
      'name: between and relativeProbe',
      'scene: { builder: songAbbott, params: { rates_Hz: [40, 80], nExc: 300, nInh: 40 } }',
      'seed: 5',
      'duration: 1 s',
      'probes:',
      '  low: { weight: { pathway: exc40, every: 0.5 s, between: [0, 0.075] } }',
      '  all: { weight: { pathway: exc40, every: 0.5 s, between: [0, 0.15] } }',
      '  out40: { spikes: { population: out40 } }',
      '  out80: { spikes: { population: out80 } }',
      'expect:',
      '  - { name: ratio, metric: { probe: out80, reduce: mean, window: [0 s, 1 s], relativeProbe: out40 }, range: [null, null] }',
      '  - { name: low, metric: { probe: low, reduce: mean, window: [0 s, 0.1 s] }, range: [null, null] }',
      '  - { name: all, metric: { probe: all, reduce: min, window: [0 s, 1 s] }, range: [1, 1] }',
    ].join('\n')
    const run = createRun(parseScenario(text, 'between.yaml'), { scenes: SCENES })
    // The fraction at t = 0, counted by hand.
    const S = run.sim.components.Synapse
    const path = run.sim.params.pathways.indexOf('exc40')
    let n = 0
    let low = 0
    for (let s = 1; s < S.alive.length; s++) {
      if (S.alive[s] !== 1 || S.pathway[s] !== path) continue
      n++
      if (S.weight[s]! <= Math.fround(0.075)) low++
    }
    run.advance(run.totalSteps)
    const sum = run.summary(1)
    const by = Object.fromEntries(sum.expectations.map((e) => [e.name, e]))
    expect(n).toBe(300)
    expect(by.low!.measured).toBeCloseTo(low / n, 12)
    expect(low / n).toBeGreaterThan(0.3) // uniform start: about half below g_max/2
    expect(low / n).toBeLessThan(0.7)
    expect(by.all!.pass).toBe(true)
    const r40 = sum.metrics.out40!.mean!
    const r80 = sum.metrics.out80!.mean!
    expect(r40).toBeGreaterThan(0)
    expect(by.ratio!.measured).toBeCloseTo(r80 / r40, 9)
  })
})
