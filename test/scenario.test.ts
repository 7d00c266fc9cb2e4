/**
 * Scenario files and the runner: the shipped files parse and pass; bad files are refused with the
 * right file:line:column, field path and reason; quantities convert; the runner places electrodes,
 * plays the timeline at the right steps, records probes and measures expectations exactly as
 * hand-written engine calls would; run(0.4 s) ≡ run(0.2 s) → save → resume → run(to 0.4 s).
 */
import { describe, it, expect } from 'vitest'
import { readFileSync } from 'node:fs'
import { query } from 'bitecs'
import { parseScenario, ScenarioError } from '../src/scenario/parse.ts'
import { createRun, type Run } from '../src/scenario/runner.ts'
import { resolveScenario } from '../src/scenario/resolve.ts'
import { parseQuantity, TIME, FREQUENCY, formatTime } from '../src/scenario/units.ts'
import { probeCsv } from '../src/scenario/metrics.ts'
import { SCENES } from '../scenes/index.ts'
import { createSim } from '../src/engine/world.ts'
import { runSteps } from '../src/engine/pipeline.ts'
import { addElectrode } from '../src/engine/entities.ts'
import { startProtocol } from '../src/engine/protocols.ts'
import { stateHash } from '../src/engine/hash.ts'
import { save } from '../src/engine/snapshot.ts'

const SHIPPED = ['scenes/quickstart.yaml', 'scenes/examples/izhikevich2003.yaml', 'scenes/examples/corticalSheet.yaml']

/** A small slice; line numbers below are referred to by the error tests. */
const BASE = `name: test
scene:
  builder: hippocampalSlice
  params: { nCA3: 20, nCA1: 10, nInterneurons: 0 }
seed: 3
duration: 400 ms
electrodes:
  A:
    x_um: 350
    y_um: 255
    radius_um: 400
    population: CA3 S1
timeline:
  - at: 100 ms
    stimulate: { electrode: A, protocol: { kind: train, freq: 50 Hz, count: 10 } }
probes:
  s1: { spikes: { population: CA3 S1 } }
  s1rate: { rate: { population: CA3 S1, bin: 10 ms } }
  w: { weight: { pathway: S1, every: 50 ms } }
  v1: { v: { neurons: [1], every: 0.1 ms } }
expect:
  - name: ten pulses reach ten cells
    metric: { probe: s1, reduce: count, window: [100 ms, 300 ms] }
    range: [100, 100]
  - name: mean rate
    metric: { probe: s1rate, reduce: mean, window: [100 ms, 300 ms] }
    range: [49, 51]
  - name: peak bin rate
    metric: { probe: s1rate, reduce: max, window: [100 ms, 300 ms] }
    range: [0, 99]
  - name: spikes per neuron per second
    metric: { probe: s1, reduce: mean, window: [100 ms, 300 ms] }
    range: [50, 50]
  - name: rate against a silent baseline
    metric: { probe: s1rate, reduce: mean, window: [100 ms, 300 ms], relativeTo: [0 ms, 100 ms] }
    range: [2, .inf]
  - name: silent after the train
    metric: { probe: s1rate, reduce: max, window: [300 ms, 400 ms] }
    range: [0, 0]
`

function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`test setup: "${from}" not in text`)
  return text.replace(from, to)
}

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn()
  } catch (e) {
    if (e instanceof ScenarioError) return e
    throw new Error(`expected a ScenarioError, got ${(e as Error).stack}`)
  }
  throw new Error('expected a ScenarioError, got none')
}

function runToEnd(run: Run): Run {
  while (!run.done) run.advance(997) // an odd chunk: action steps fall inside chunks
  return run
}

describe('units', () => {
  it('converts times and frequencies to engine units', () => {
    expect(parseQuantity('2 s', TIME)).toBe(2000)
    expect(parseQuantity('500 ms', TIME)).toBe(500)
    expect(parseQuantity('1.5 min', TIME)).toBe(90_000)
    expect(parseQuantity('1 h', TIME)).toBe(3_600_000)
    expect(parseQuantity('2 d', TIME)).toBe(172_800_000)
    expect(parseQuantity('.5s', TIME)).toBe(500)
    expect(parseQuantity('1e3 ms', TIME)).toBe(1000)
    expect(parseQuantity('-5 ms', TIME, true)).toBe(-5)
    expect(parseQuantity('2 kHz', FREQUENCY)).toBe(2000)
    expect(formatTime(1500)).toBe('1.5 s')
  })
  it('refuses bare numbers, unknown units, other dimensions and negatives', () => {
    expect(() => parseQuantity('2', TIME)).toThrow(/with a unit/)
    expect(() => parseQuantity('2 sec', TIME)).toThrow(/unknown time unit "sec"/)
    expect(() => parseQuantity('5 Hz', TIME)).toThrow(/unknown time unit "Hz"/)
    expect(() => parseQuantity('-5 ms', TIME)).toThrow(/negative/)
    expect(() => parseQuantity('fast', FREQUENCY)).toThrow(/frequency/)
  })
})

describe('parsing', () => {
  it('accepts the shipped scenario files and their scenes', () => {
    for (const file of SHIPPED) {
      const sc = parseScenario(readFileSync(file, 'utf8'), file)
      expect(sc.file).toBe(file)
      expect(sc.expect.length).toBeGreaterThan(0)
      expect(() => resolveScenario(sc, SCENES)).not.toThrow()
    }
    const q = parseScenario(readFileSync(SHIPPED[0]!, 'utf8'), SHIPPED[0]!)
    expect(q.scene.builder).toBe('hippocampalSlice')
    expect(q.duration_ms).toBe(4000)
    expect(q.electrodes.map((e) => e.name)).toEqual(['S1'])
    expect(q.timeline[0]).toMatchObject({ kind: 'stimulate', at_ms: 500, electrode: 'S1', preset: 'HFS', protocol: { kind: 'train', freq_Hz: 100, count: 100 } })
    expect(q.expect.find((x) => x.name === 'CA1 fires during the train')?.range).toEqual([5, Infinity])
  })

  it('normalises the base file', () => {
    const sc = parseScenario(BASE, 'base.yaml')
    expect(sc.seed).toBe(3)
    expect(sc.electrodes[0]).toEqual({ name: 'A', x_um: 350, y_um: 255, radius_um: 400, population: 'CA3 S1', mode: 'spike', amplitude: 0, pulseWidth_ms: 1 })
    expect(sc.timeline[0]).toEqual({ kind: 'stimulate', at_ms: 100, index: 0, electrode: 'A', protocol: { kind: 'train', freq_Hz: 50, count: 10 } })
    expect(sc.probes.map((p) => p.kind)).toEqual(['spikes', 'rate', 'weight', 'v'])
    expect(sc.expect[4]).toMatchObject({ window_ms: [100, 300], relativeTo_ms: [0, 100], range: [2, Infinity] })
  })

  // [what, from, to, line, column, path, reason]
  const BAD: [string, string, string, number, number, string, RegExp][] = [
    ['unknown action', '    stimulate: {', '    inject: {', 15, 5, 'timeline[0].inject', /unknown action "inject" \(actions: stimulate, pair/],
    ['wrong unit', 'duration: 400 ms', 'duration: 400 msec', 6, 11, 'duration', /unknown time unit "msec" \(units: ms, s, min, h, d\)/],
    ['no unit', 'duration: 400 ms', 'duration: 400', 6, 11, 'duration', /expected a time with a unit, e.g. "500 ms".*got number 400/],
    ['time out of range', '  - at: 100 ms', '  - at: 500 ms', 14, 9, 'timeline[0].at', /out of range: the scenario lasts 400 ms/],
    ['window out of range', 'window: [300 ms, 400 ms]', 'window: [300 ms, 450 ms]', 38, 60, 'expect[5].metric.window[1]', /"450 ms" is out of range/],
    ['missing field', '    radius_um: 400\n', '', 9, 5, 'electrodes.A.radius_um', /missing \(expected a number\)/],
    ['unknown key', '    population: CA3 S1', '    populaton: CA3 S1', 12, 5, 'electrodes.A.populaton', /unknown key "populaton" \(expected one of: x_um, y_um, radius_um, population/],
    ['unknown electrode', '{ electrode: A,', '{ electrode: B,', 15, 29, 'timeline[0].stimulate.electrode', /unknown electrode "B" \(electrodes: A\)/],
    ['unknown preset', 'protocol: { kind: train, freq: 50 Hz, count: 10 }', 'protocol: HSF', 15, 42, 'timeline[0].stimulate.protocol', /unknown protocol preset "HSF" \(presets: pulse, LFS, HFS, TBS, poisson/],
    ['inline protocol without count', ', count: 10 }', ' }', 15, 42, 'timeline[0].stimulate.protocol.count', /missing/],
    ['reduce that does not fit the probe', '{ probe: s1, reduce: mean', '{ probe: s1, reduce: max', 32, 34, 'expect[3].metric.reduce', /"max" does not apply to a spikes probe/],
    ['unknown probe', '{ probe: s1, reduce: count', '{ probe: s2, reduce: count', 23, 22, 'expect[0].metric.probe', /unknown probe "s2" \(probes: s1, s1rate, w, v1\)/],
    ['empty range', 'range: [100, 100]', 'range: [100, 10]', 24, 12, 'expect[0].range', /low ≤ high/],
    ['wrong type', 'seed: 3', 'seed: three', 5, 7, 'seed', /expected a number, got string "three"/],
  ]
  for (const [what, from, to, line, column, path, reason] of BAD) {
    it(`refuses: ${what}`, () => {
      const e = errorOf(() => parseScenario(edit(BASE, from, to), 'bad.yaml'))
      expect({ file: e.file, line: e.line, column: e.column, path: e.path }).toEqual({ file: 'bad.yaml', line, column, path })
      expect(e.reason).toMatch(reason)
      expect(e.message.split('\n')[0]).toBe(`bad.yaml:${line}:${column}: ${path}: ${e.reason}`)
    })
  }

  it('refuses names the scene does not have, at their place in the file', () => {
    const sc = parseScenario(edit(BASE, 'population: CA3 S1\ntimeline', 'population: CA3 S9\ntimeline'), 'pop.yaml')
    const e = errorOf(() => resolveScenario(sc, SCENES))
    expect([e.line, e.column, e.path]).toEqual([12, 17, 'electrodes.A.population'])
    expect(e.reason).toBe('unknown population "CA3 S9" (populations of hippocampalSlice: CA3 S1, CA3 S2, CA1 pyramidal, CA1 interneuron)')
    // createRun checks the same before building anything.
    expect(errorOf(() => createRun(sc, { scenes: SCENES })).path).toBe('electrodes.A.population')
    const w = errorOf(() => resolveScenario(parseScenario(edit(BASE, 'pathway: S1', 'pathway: S7'), 'w.yaml'), SCENES))
    expect([w.line, w.path]).toEqual([19, 'probes.w.weight.pathway'])
    expect(w.reason).toMatch(/unknown pathway "S7" \(pathways of hippocampalSlice: none, S1, S2\)/)
    const b = errorOf(() => resolveScenario(parseScenario(edit(BASE, 'builder: hippocampalSlice', 'builder: hippocampus'), 'b.yaml'), SCENES))
    expect([b.line, b.column, b.path]).toEqual([3, 12, 'scene.builder'])
    const p = errorOf(() => resolveScenario(parseScenario(edit(BASE, 'nCA1: 10', 'nCA1: -1'), 'p.yaml'), SCENES))
    expect([p.line, p.path]).toEqual([4, 'scene.params.nCA1'])
    expect(p.reason).toMatch(/outside/)
    const n = errorOf(() => createRun(parseScenario(edit(BASE, 'neurons: [1]', 'neurons: [1, 9999]'), 'n.yaml'), { scenes: SCENES }))
    expect([n.line, n.path]).toEqual([20, 'probes.v1.v.neurons[1]'])
  })

  it('reports every problem, in file order, and YAML errors with their position', () => {
    const e = errorOf(() => parseScenario(edit(edit(BASE, 'seed: 3', 'seed: -1'), 'y_um: 255', 'y_um: 255\n    colour: red'), 'two.yaml'))
    expect(e.issues.map((i) => [i.line, i.path])).toEqual([
      [5, 'seed'],
      [11, 'electrodes.A.colour'],
    ])
    expect(e.message.split('\n')).toHaveLength(2)
    const y = errorOf(() => parseScenario(edit(BASE, 'params: { nCA3: 20, nCA1: 10, nInterneurons: 0 }', 'params: { nCA3: 20'), 'y.yaml'))
    expect(y.line).toBeGreaterThanOrEqual(4)
    expect(y.reason).toMatch(/^YAML: /)
    expect(errorOf(() => parseScenario(edit(BASE, 'seed: 3', 'seed: 3\nseed: 4'), 'd.yaml')).reason).toMatch(/unique/)
    expect(errorOf(() => parseScenario('', 'empty.yaml')).message).toBe('empty.yaml:1:1: expected a mapping of scenario fields (name, scene, duration, …), got null')
  })

  it('evaluates nothing as code', () => {
    const e = errorOf(() => parseScenario(edit(BASE, 'seed: 3', 'seed: !!js/function "function () { return 1 }"'), 'tag.yaml'))
    expect([e.line, e.reason]).toEqual([5, expect.stringMatching(/Unresolved tag/)])
  })
})

describe('runner', () => {
  it('measures expectations from the probes', () => {
    const run = runToEnd(createRun(parseScenario(BASE, 'base.yaml'), { scenes: SCENES }))
    const s = run.summary(123)
    expect(s).toMatchObject({ scenario: 'test', scene: 'hippocampalSlice', seed: 3, dt_ms: 0.1, start_ms: 0, end_ms: 400, simulated_ms: 400, steps: 4000, wall_ms: 123 })
    const m = Object.fromEntries(s.expectations.map((x) => [x.name, x]))
    expect(m['ten pulses reach ten cells']).toMatchObject({ measured: 100, pass: true, expected: '= 100', unit: 'spikes' })
    expect(m['mean rate']!.measured).toBeCloseTo(50, 9)
    expect(m['mean rate']!.pass).toBe(true)
    // One spike per cell in a 10 ms bin is 100 Hz: above the range → fails.
    expect(m['peak bin rate']).toMatchObject({ pass: false, expected: 'in [0, 99]' })
    expect(m['peak bin rate']!.measured).toBeCloseTo(100, 9)
    expect(m['spikes per neuron per second']!.measured).toBeCloseTo(50, 9)
    expect(m['rate against a silent baseline']).toMatchObject({ measured: null, pass: true, unit: 'ratio', range: [2, null] })
    expect(m['rate against a silent baseline']!.note).toMatch(/baseline mean is 0/)
    expect(m['silent after the train']).toMatchObject({ measured: 0, pass: true })
    expect(s.pass).toBe(false)
    expect(s.metrics.s1).toMatchObject({ kind: 'spikes', spikes: 100, neurons: 10 })

    // The same world built and driven by hand: same state, same recordings.
    const sim = createSim(SCENES.hippocampalSlice!({ nCA3: 20, nCA1: 10, nInterneurons: 0 }), 3)
    const e = addElectrode(sim, { x_um: 350, y_um: 255, radius_um: 400, population: 0, mode: 'spike', amplitude: 0, pulseWidth_ms: 1 })
    const v: number[] = []
    const firstSpike: number[] = []
    const obs = [(w: typeof sim) => {
      v.push(w.components.Neuron.v_mV[1]!)
      if (w.spikes.count && firstSpike.length === 0) firstSpike.push(w.time.step)
    }]
    runSteps(sim, 1000, obs)
    startProtocol(sim, e, { kind: 'train', freq_Hz: 50, count: 10 })
    runSteps(sim, 3000, obs)
    expect(stateHash(run.sim)).toBe(stateHash(sim))
    expect(firstSpike).toEqual([1000])
    const rows = [...run.recorders.find((r) => r.def.name === 'v1')!.table().rows()]
    expect(rows[0]).toEqual([0, -65]) // the initial state
    expect(rows.slice(1).map((r) => r[1])).toEqual(v)
    expect(rows.at(-1)![0]).toBeCloseTo(400, 9)
    const vmax = run.recorders.find((r) => r.def.name === 'v1')!.reduce('max', 0, 400.05).value
    expect(vmax).toBe(Math.max(-65, ...v))

    // Weight: mean over the S1 synapses, computed here from the stores.
    const S = sim.components.Synapse
    let sum = 0
    let n = 0
    for (let i = 0; i < S.alive.length; i++) if (S.alive[i] && S.pathway[i] === 1) (sum += S.weight[i]!), n++
    expect(s.metrics.w).toMatchObject({ kind: 'weight', synapses: n, samples: 9 })
    expect(s.metrics.w!.mean).toBeCloseTo(sum / n, 12)
    expect(probeCsv(run.recorders.find((r) => r.def.name === 's1')!).split('\n')[1]).toMatch(/^100,\d+$/)
  })

  it('does not measure windows it has not recorded', () => {
    const run = createRun(parseScenario(BASE, 'base.yaml'), { scenes: SCENES })
    run.advance(1500)
    expect(run.stepsDone).toBe(1500)
    const x = run.summary(0).expectations[0]!
    expect(x).toMatchObject({ measured: null, pass: false })
    expect(x.note).toMatch(/not reached yet/)
    const short = runToEnd(createRun(parseScenario(BASE, 'base.yaml'), { scenes: SCENES, duration_ms: 250 }))
    expect(short.totalSteps).toBe(2500)
    expect(short.summary(0).expectations[0]!.note).toMatch(/ends after the end of the run \(250 ms\)/)
    run.advance(1e9)
    expect(run.done && run.stepsDone === 4000).toBe(true)
    run.advance(10) // past the end: nothing happens
    expect(run.sim.time.step).toBe(4000)
  })

  it('plays pairings with the post pulse after (dt > 0) or before (dt < 0) the pre pulse', () => {
    for (const dt of [5, -5]) {
      const text = edit(
        edit(BASE, 'timeline:\n  - at: 100 ms\n    stimulate: { electrode: A, protocol: { kind: train, freq: 50 Hz, count: 10 } }', `timeline:\n  - at: 100 ms\n    pair: { pre: A, post: B, dt: ${dt} ms, freq: 10 Hz, count: 3 }`),
        'timeline:',
        '  B: { x_um: 350, y_um: 645, radius_um: 300, population: CA3 S2 }\ntimeline:',
      ).replace('probes:\n', 'probes:\n  s2: { spikes: { population: CA3 S2 } }\n')
      const run = runToEnd(createRun(parseScenario(text, 'pair.yaml'), { scenes: SCENES }))
      const times = (name: string) => [...new Set([...run.recorders.find((r) => r.def.name === name)!.table().rows()].map((r) => Math.round(r[0]! * 10) / 10))]
      const pre = dt > 0 ? [100, 200, 300] : [105, 205, 305]
      const post = dt > 0 ? [105, 205, 305] : [100, 200, 300]
      expect(times('s1')).toEqual(pre)
      expect(times('s2')).toEqual(post)
    }
  })

  it('run(0.4 s) ≡ run(0.2 s) → save → resume → run(to 0.4 s)', () => {
    // Actions before, at and after the split; a train running across it.
    const text = edit(BASE, '    stimulate: { electrode: A, protocol: { kind: train, freq: 50 Hz, count: 10 } }\n', `    stimulate: { electrode: A, protocol: { kind: train, freq: 50 Hz, count: 10 } }
  - at: 200 ms
    stimulate: { electrode: A, protocol: pulse }
  - at: 250 ms
    stimulate: { electrode: A, protocol: { kind: thetaBurst, bursts: 2 } }
`)
    const sc = parseScenario(text, 'split.yaml')
    const straight = runToEnd(createRun(sc, { scenes: SCENES }))
    const first = runToEnd(createRun(sc, { scenes: SCENES, duration_ms: 200 }))
    expect(first.sim.time.step).toBe(2000)
    const resumed = createRun(sc, { scenes: SCENES, fromSnapshot: save(first.sim) })
    expect([resumed.startStep, resumed.totalSteps]).toEqual([2000, 2000])
    runToEnd(resumed)
    expect(stateHash(resumed.sim)).toBe(stateHash(straight.sim))
    expect(query(resumed.sim.world, resumed.sim.queries.electrodes).length).toBe(1) // matched, not added again
    // The split-point action matters: leaving it out changes the state (the hash can tell).
    const without = runToEnd(createRun(parseScenario(text.replace('protocol: pulse', 'protocol: { kind: pulse }').replace('  - at: 200 ms', '  - at: 210 ms'), 's.yaml'), { scenes: SCENES }))
    expect(stateHash(without.sim)).not.toBe(stateHash(straight.sim))
    // The resumed run measures what it recorded.
    expect(resumed.summary(0).expectations.find((x) => x.name === 'silent after the train')).toMatchObject({ pass: true, measured: 0 })
    expect(resumed.summary(0).expectations[0]!.note).toMatch(/before this run's first recorded time/)
  })

  it('refuses a snapshot of another scene or past the end', () => {
    const sc = parseScenario(BASE, 'base.yaml')
    const other = createRun(parseScenario(readFileSync(SHIPPED[1]!, 'utf8').replace('params: { ne: 800, ni: 200 }', 'params: { ne: 8, ni: 2 }').replace('neurons: [1, 801]', 'neurons: [1, 9]'), 'izh.yaml'), { scenes: SCENES, duration_ms: 5 })
    runToEnd(other)
    expect(() => createRun(sc, { scenes: SCENES, fromSnapshot: save(other.sim) })).toThrow(/snapshot is of scene "izhikevich2003", the scenario runs "hippocampalSlice"/)
    const long = runToEnd(createRun(sc, { scenes: SCENES }))
    expect(() => createRun(sc, { scenes: SCENES, fromSnapshot: save(long.sim), duration_ms: 300 })).toThrow(/past the end of the scenario/)
    expect(() => createRun(sc, { scenes: SCENES, fromSnapshot: save(long.sim), seed: 4 })).toThrow(/seed/)
  })

  it('a seed override makes a different world', () => {
    const sc = parseScenario(BASE, 'base.yaml')
    const a = createRun(sc, { scenes: SCENES, duration_ms: 1 })
    const b = createRun(sc, { scenes: SCENES, duration_ms: 1, seed: 4 })
    expect(b.sim.seed).toBe('4')
    expect(stateHash(a.sim)).not.toBe(stateHash(b.sim))
  })

  it('quickstart passes, and fails with the electrode off the S1 cells', () => {
    const text = readFileSync('scenes/quickstart.yaml', 'utf8')
    const good = runToEnd(createRun(parseScenario(text, 'q.yaml'), { scenes: SCENES })).summary(0)
    expect(good.warnings).toEqual([])
    expect(good.expectations.filter((x) => !x.pass)).toEqual([])
    expect(good.pass).toBe(true)
    // Over CA1 instead of CA3: the electrode (filtered to CA3 S1) reaches nobody, CA1 stays silent.
    const moved = runToEnd(createRun(parseScenario(edit(text, 'x_um: 350', 'x_um: 1200'), 'q.yaml'), { scenes: SCENES }))
    const bad = moved.summary(0)
    expect(bad.warnings.join()).toMatch(/electrode "S1" reaches no neurons/)
    expect(bad.expectations.filter((x) => !x.pass).map((x) => x.name)).toEqual(
      expect.arrayContaining(['every S1 cell follows the 100 Hz train', 'CA1 fires during the train']),
    )
    expect(bad.pass).toBe(false)
  }, 120_000)

  it('runs the example scenarios (briefly)', () => {
    for (const file of SHIPPED.slice(1)) {
      const sc = parseScenario(readFileSync(file, 'utf8'), file)
      const small = { ...sc, scene: { ...sc.scene, params: sc.scene.builder === 'corticalSheet' ? { n: 200, model: 'lif' } : { ne: 80, ni: 20 } } }
      if (sc.scene.builder === 'izhikevich2003') small.probes = small.probes.map((p) => (p.kind === 'v' ? { ...p, neurons: [1, 81] } : p))
      const run = runToEnd(createRun(small, { scenes: SCENES, duration_ms: 50 }))
      expect(run.summary(1).steps).toBe(run.totalSteps)
    }
  })
})
