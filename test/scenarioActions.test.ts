/**
 * The `field` probe (src/scenario/fieldProbe.ts) and the tissue actions (src/scenario/actions.ts):
 * lesion, deprive/restore, train, sleep, set, snapshot — each through a real run, and each bad use
 * rejected with the file position and the reason.
 */
import { describe, expect, test } from 'vitest'
import { addNeuron, addSynapse, neuronIds, setDrive } from '../src/engine/entities.ts'
import { addChannel } from '../src/engine/protocols.ts'
import { load } from '../src/engine/snapshot.ts'
import { stateHash } from '../src/engine/hash.ts'
import type { Scene } from '../src/engine/world.ts'
import { parseScenario } from '../src/scenario/parse.ts'
import { ScenarioError } from '../src/scenario/errors.ts'
import { createRun } from '../src/scenario/runner.ts'
import { sampleStats } from '../src/scenario/fieldProbe.ts'

/** 20 driven LIF-free Izhikevich cells in two populations, a sensory channel over the first five, 40 synapses. */
function tinyScene(): Scene {
  return {
    name: 'tiny',
    clock: { dt_ms: 0.5, slowTick_ms: 100, timeWarp: 1 },
    params: { populations: ['A', 'B'], pathways: ['none', 'P'], width_um: 200, height_um: 100 },
    build(sim) {
      const ids: number[] = []
      for (let k = 0; k < 20; k++) {
        const n = addNeuron(sim, { x_um: 10 * k, y_um: 50, population: k < 10 ? 0 : 1 })
        setDrive(sim, n, { rate_Hz: 500, weight: 0.5, receptor: 'AMPA' })
        ids.push(n)
      }
      for (let k = 0; k < 40; k++) addSynapse(sim, ids[k % 10]!, ids[10 + ((k * 7) % 10)]!, { weight: 0.1 + 0.01 * k, receptor: 'AMPA', pathway: k < 20 ? 1 : 0 })
      addChannel(sim, 'C1', ids.slice(0, 5), 0)
    },
  }
}
const scenes = { tiny: tinyScene }
const head = `name: actions
scene: { builder: tiny }
duration: 2 s
`
const runOf = (text: string) => {
  const r = createRun(parseScenario(head + text, 'actions.yaml'), { scenes })
  while (!r.done) r.advance(10_000)
  return r
}
const badOf = (text: string): string => {
  try {
    runOf(text)
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError)
    return (e as Error).message
  }
  throw new Error('accepted')
}

describe('field probe', () => {
  test('statistics of one sample', () => {
    const s = sampleStats(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 7)
    expect(s.mean).toBe(5.5)
    expect(s.sd).toBeCloseTo(Math.sqrt(8.25), 12)
    expect(s.cv).toBeCloseTo(Math.sqrt(8.25) / 5.5, 12)
    expect([s.min, s.p10, s.median, s.p90, s.max]).toEqual([1, 1, 5, 9, 10])
    expect([s.fractionAbove, s.fractionBelow, s.n]).toEqual([0.3, 0.6, 10])
    expect(sampleStats(new Float64Array(0), 0).n).toBe(0)
  })

  test('synapse fields by pathway and onto; neuron fields by population and disc', () => {
    const r = runOf(`probes:
  wP: { field: { of: Synapse.weight, pathway: P, every: 1 s } }
  wMax: { field: { of: Synapse.weight, stat: max, every: 1 s } }
  above: { field: { of: Synapse.weight, stat: fractionAbove, threshold: 0.295, every: 1 s } }
  vA: { field: { of: Neuron.v_mV, population: A, stat: n, every: 1 s } }
  disc: { field: { of: Neuron.v_mV, within: { x_um: 0, y_um: 50, radius_um: 25 }, stat: n, every: 1 s } }
expect:
  - { name: mean P, metric: { probe: wP, reduce: mean, window: [0 s, 2 s] }, range: [0.1949, 0.1951] }
  - { name: max, metric: { probe: wMax, reduce: max, window: [0 s, 2 s] }, range: [0.4899, 0.4901] }
  - { name: above, metric: { probe: above, reduce: mean, window: [0 s, 2 s] }, range: [0.5, 0.5] }
  - { name: A, metric: { probe: vA, reduce: mean, window: [0 s, 2 s] }, range: [10, 10] }
  - { name: disc, metric: { probe: disc, reduce: mean, window: [0 s, 2 s] }, range: [3, 3] }
`)
    const s = r.summary(0)
    for (const x of s.expectations) expect(x.pass, `${x.name}: ${x.measured}`).toBe(true)
  })

  test('bad field probes are located and explained', () => {
    expect(badOf('probes:\n  p: { field: { of: Synapse.wieght } }\n')).toMatch(/actions\.yaml:5:\d+: probes\.p\.field\.of: component Synapse has no field "wieght" \(fields: .*weight/)
    expect(badOf('probes:\n  p: { field: { of: Neuron.v_mV, pathway: P } }\n')).toMatch(/not a synapse field/)
    expect(badOf('probes:\n  p: { field: { of: Foo.bar } }\n')).toMatch(/unknown component "Foo"/)
    expect(badOf('probes:\n  p: { field: { of: Synapse.weight, stat: fractionAbove } }\n')).toMatch(/needs a threshold/)
  })
})

describe('response probe (fEPSP-style)', () => {
  test('one record per pulse; doubling every weight doubles the peak AMPA response exactly', () => {
    const r = runOf(`electrodes:
  E: { x_um: 45, y_um: 50, radius_um: 60, population: A }
timeline:
  - { at: 0 s, deprive: { population: A } }
  - { at: 0 s, deprive: { population: B } }
  - { at: 500 ms, stimulate: { electrode: E, protocol: pulse } }
  - { at: 1 s, set: { field: Synapse.weight, scale: 2 } }
  - { at: 1.5 s, stimulate: { electrode: E, protocol: pulse } }
probes:
  resp: { response: { electrode: E, population: B, window: 30 ms } }
  pulses: { response: { electrode: E, population: B } }
expect:
  - { name: ratio, metric: { probe: resp, reduce: mean, window: [1.4 s, 2 s], relativeTo: [0 s, 1 s] }, range: [1.999999, 2.000001] }
  - { name: two pulses, metric: { probe: pulses, reduce: count, window: [0 s, 2 s] }, range: [2, 2] }
`)
    const s = r.summary(0)
    for (const x of s.expectations) expect(x.pass, `${x.name}: ${x.measured} ${x.note ?? ''}`).toBe(true)
    const rows = Array.from(r.recorders[0]!.table().rows())
    expect(rows.map((x) => x[0])).toEqual([500, 1500])
    expect(rows[0]![1]).toBeGreaterThan(0)
  })

  test('an unknown electrode is located', () => {
    expect(badOf('probes:\n  p: { response: { electrode: X } }\n')).toMatch(/probes\.p\.response\.electrode: unknown electrode "X"/)
  })
})

describe('tissue actions', () => {
  test('lesion removes the neurons in the disc and their synapses', () => {
    const r = runOf(`timeline:
  - { at: 1 s, lesion: { x_um: 0, y_um: 50, radius_um: 25 } }
`)
    expect(neuronIds(r.sim).length).toBe(17)
    const S = r.sim.components.Synapse
    for (let s = 1; s < S.alive.length; s++) if (S.alive[s]) expect(r.sim.components.Position.x_um[S.pre[s]!]).toBeGreaterThan(25)
  })

  test('deprive silences a population drive and restore gives it back; channels and train', () => {
    const quiet = runOf(`timeline:
  - { at: 0 s, deprive: { population: A } }
probes:
  rA: { rate: { population: A } }
expect:
  - { name: silent, metric: { probe: rA, reduce: mean, window: [0.2 s, 2 s] }, range: [0, 0] }
`)
    expect(quiet.summary(0).pass).toBe(true)
    const back = runOf(`timeline:
  - { at: 0 s, deprive: { population: A } }
  - { at: 1 s, restore: { population: A } }
probes:
  rA: { rate: { population: A } }
expect:
  - { name: silent, metric: { probe: rA, reduce: mean, window: [0.2 s, 1 s] }, range: [0, 0] }
  - { name: back, metric: { probe: rA, reduce: mean, window: [1.2 s, 2 s] }, range: [1, .inf] }
`)
    expect(back.summary(0).pass).toBe(true)
    // The drive weights are exactly as before.
    const ref = runOf('')
    const D = back.sim.components.Drive
    for (const n of neuronIds(back.sim)) expect(D.weight[n]).toBe(ref.sim.components.Drive.weight[n])
    const trained = runOf(`timeline:
  - { at: 0 s, train: { channel: C1, rate: 50 Hz, duration: 100 ms, every: 500 ms, count: 3 } }
`)
    expect(trained.sim.state.channels[0]!.rate_Hz).toBe(0)
    expect(trained.sim.state.deprived).toEqual({ channels: {}, drive: {}, trainBase: {} })
  })

  test('sleep fast-forwards slow time; set changes a param or a field of a selection; snapshot keeps the state', () => {
    const r = runOf(`timeline:
  - { at: 0 s, set: { param: receptors.Mg_mM, value: 0 } }
  - { at: 0 s, set: { field: Izhikevich.d, population: B, value: 4 } }
  - { at: 0 s, set: { field: Synapse.weight, pathway: P, scale: 2 } }
  - { at: 500 ms, snapshot: half }
  - { at: 1 s, sleep: 8 h }
`)
    expect(r.sim.params.receptors.Mg_mM).toBe(0)
    const Z = r.sim.components.Izhikevich
    for (const n of neuronIds(r.sim)) expect(Z.d[n]).toBe(r.sim.components.Neuron.population[n] === 1 ? 4 : 8)
    const S = r.sim.components.Synapse
    const ref = runOf('')
    let doubled = 0
    for (let s = 0; s < S.alive.length; s++) {
      if (!S.alive[s]) continue
      const w0 = ref.sim.components.Synapse.weight[s]!
      expect(S.weight[s]).toBe(S.pathway[s] === 1 ? Math.fround(2 * w0) : w0)
      if (S.pathway[s] === 1) doubled++
    }
    expect(doubled).toBe(20)
    expect(r.sim.time.slow_ms).toBeGreaterThanOrEqual(8 * 3_600_000)
    expect(r.sim.time.sleeping).toBeUndefined()
    expect(r.snapshots.map((s) => [s.name, s.at_ms])).toEqual([['half', 500]])
    // The snapshot resumes to the same end state.
    const again = createRun(parseScenario(head + `timeline:
  - { at: 0 s, set: { param: receptors.Mg_mM, value: 0 } }
  - { at: 0 s, set: { field: Izhikevich.d, population: B, value: 4 } }
  - { at: 0 s, set: { field: Synapse.weight, pathway: P, scale: 2 } }
  - { at: 500 ms, snapshot: half }
  - { at: 1 s, sleep: 8 h }
`, 'actions.yaml'), { scenes, fromSnapshot: r.snapshots[0]!.data })
    while (!again.done) again.advance(10_000)
    expect(stateHash(again.sim)).toBe(stateHash(r.sim))
    expect(load(r.snapshots[0]!.data).time.step).toBe(1000)
  })

  test('bad actions are located and explained', () => {
    expect(badOf('timeline:\n  - { at: 0 s, restore: { channel: C1 } }\n')).toMatch(/actions\.yaml:5:\d+: timeline\[0\]\.restore: channel C1 is not deprived/)
    expect(badOf('timeline:\n  - { at: 0 s, deprive: { channel: C9 } }\n')).toMatch(/timeline\[0\]\.deprive\.channel: unknown sensory channel "C9" \(channels of tiny: C1\)/)
    expect(badOf('timeline:\n  - { at: 0 s, deprive: { population: Z } }\n')).toMatch(/unknown population "Z"/)
    expect(badOf('timeline:\n  - { at: 0 s, set: { param: receptors.Mgg, value: 1 } }\n')).toMatch(/"receptors\.Mgg" is not a numeric world parameter \(numbers here: .*Mg_mM/)
    expect(badOf('timeline:\n  - { at: 0 s, set: { field: Izhikevich.q, value: 1 } }\n')).toMatch(/has no field "q"/)
    expect(badOf('timeline:\n  - { at: 0 s, set: { param: receptors.Mg_mM, value: 1, scale: 2 } }\n')).toMatch(/exactly one of value/)
    expect(badOf('timeline:\n  - { at: 1.9 s, train: { channel: C1, rate: 5 Hz, duration: 100 ms, count: 2 } }\n')).toMatch(/out of range/)
  })
})

describe('fork: control and treatment in one run', () => {
  test('an untouched variant ends exactly as the main line; a treated one differs where it should', () => {
    const r = runOf(`timeline:
  - { at: 500 ms, fork: same }
  - { at: 500 ms, fork: deprived }
  - { at: 500 ms, variant: deprived, deprive: { population: A } }
probes:
  rA: { rate: { population: A } }
  rB: { rate: { population: B } }
expect:
  - { name: before the fork, metric: { probe: rA, variant: deprived, reduce: mean, window: [0 s, 500 ms] }, range: [1, .inf] }
  - { name: deprived after, metric: { probe: rA, variant: deprived, reduce: mean, window: [700 ms, 2 s] }, range: [0, 0] }
  - { name: control after, metric: { probe: rA, reduce: mean, window: [700 ms, 2 s] }, range: [1, .inf] }
  - { name: treatment ÷ control, metric: { probe: rA, variant: deprived, reduce: mean, window: [700 ms, 2 s], relativeTo: [700 ms, 2 s], relativeVariant: main }, range: [0, 0] }
  - { name: same as main, metric: { probe: rB, variant: same, reduce: mean, window: [700 ms, 2 s], relativeTo: [700 ms, 2 s], relativeVariant: main }, range: [1, 1] }
  - { name: spans the fork, metric: { probe: rA, variant: deprived, reduce: mean, window: [0 s, 2 s] }, range: [0, .inf] }
`)
    const s = r.summary(0)
    for (const x of s.expectations.slice(0, 5)) expect(x.pass, `${x.name}: ${x.measured} ${x.note ?? ''}`).toBe(true)
    expect(s.expectations[5]!.pass).toBe(false)
    expect(s.expectations[5]!.note).toMatch(/spans the fork of the variant "deprived" at 500 ms/)
    expect(s.variants!.map((v) => [v.name, v.forkAt_ms])).toEqual([['same', 500], ['deprived', 500]])
    expect(s.variants![0]!.stateHash).toBe(s.stateHash)
    expect(s.variants![1]!.stateHash).not.toBe(s.stateHash)
    expect(r.variants.map((v) => v.sim.time.step)).toEqual([r.sim.time.step, r.sim.time.step])
  })

  test('bad forks and variants are located and explained', () => {
    expect(badOf('timeline:\n  - { at: 0 s, variant: x, drug: { apply: APV } }\n')).toMatch(/timeline\[0\]\.variant: no variant "x" exists at 0 ms \(make one first/)
    expect(badOf('timeline:\n  - { at: 0 s, fork: a }\n  - { at: 1 s, fork: a }\n')).toMatch(/variant "a" is already made by timeline\[0\]/)
    expect(badOf('timeline:\n  - { at: 0 s, fork: main }\n')).toMatch(/cannot name a variant/)
    expect(badOf('probes:\n  r: { rate: {} }\nexpect:\n  - { name: x, metric: { probe: r, variant: b, reduce: mean, window: [0 s, 1 s] }, range: [0, 1] }\n')).toMatch(/metric\.variant: no variant "b"/)
  })
})
