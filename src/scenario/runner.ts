/**
 * The scenario runner — one for every face (CLI, page, tests, video recorder). `createRun` makes the
 * world (scene builder + seed, or a snapshot), places the electrodes, schedules the timeline and
 * attaches the probes; `advance(n)` moves it n fast steps (callers slice a run as they like: the page
 * a few steps per frame, the CLI as fast as it can); `summary()` measures the expectations.
 *
 * Time: timeline and window times are fast time from the start of the scenario (step 0 of the
 * world). An action at time t runs just before the step starting at t. A run resumed from a snapshot
 * continues from the snapshot's clock: actions before it already ran (they are in the snapshot's
 * protocol state) and are skipped; the rest run at their steps. So
 *   run(2 s) ≡ run(1 s) → save → resume → run(to 2 s)     (same stateHash).
 * The scenario's duration is its end time; a resumed run covers what is left.
 */
import { query } from 'bitecs'
import type { Sim } from '../engine/world.ts'
import { createSim } from '../engine/world.ts'
import { fastForward, runSteps, type StepObserver } from '../engine/pipeline.ts'
import { applyDrug, washDrug } from '../../systems/drugs.ts'
import { addElectrode, electrodeTargets, isNeuron, neuronIds } from '../engine/entities.ts'
import { startProtocol } from '../engine/protocols.ts'
import { load, save, SnapshotError } from '../engine/snapshot.ts'
import { stateHash } from '../engine/hash.ts'
import { ANY_POPULATION, ANY_REGION, ELECTRODE_CURRENT, ELECTRODE_SPIKE } from '../../components/electrode.ts'
import { ScenarioError, issueAt, pathString } from './errors.ts'
import { checkAgainstParams, resolveScenario, type SceneBuilder } from './resolve.ts'
import { createRecorder, type Recorder } from './probes.ts'
import { evaluateExpectation, probeMetric, type ExpectationResult, type ProbeMetric, type Span } from './metrics.ts'
import { formatTime } from './units.ts'
import { applyTissueAction } from './actions.ts'
import { applyRelease } from '../../systems/neuromodulation.ts'
import type { ElectrodeDef, ExpectDef, Scenario, TimelineAction } from './types.ts'

export type { SceneBuilder } from './resolve.ts'
export type { ExpectationResult, ProbeMetric } from './metrics.ts'

export interface RunOptions {
  scenes: Record<string, SceneBuilder>
  /** Overrides the file's seed (not with fromSnapshot: a snapshot carries its random state). */
  seed?: number
  /** Overrides the file's duration (the end time of the run, from the start of the scenario). */
  duration_ms?: number
  /** Resume from a snapshot (src/engine/snapshot.ts) instead of building the scene. */
  fromSnapshot?: Uint8Array
}

export interface Summary {
  scenario: string
  file: string
  scene: string
  seed: number | string
  dt_ms: number
  /** Scenario time at which this run started (0, or the snapshot's time). */
  start_ms: number
  end_ms: number
  /** Fast time simulated by this run. */
  simulated_ms: number
  steps: number
  wall_ms: number
  /** Simulated time per wall-clock time. */
  speed: number | null
  stateHash: string
  neurons: number
  synapses: number
  metrics: Record<string, ProbeMetric>
  expectations: ExpectationResult[]
  /** Every expectation holds (true when there are none). */
  pass: boolean
  warnings: string[]
  /** Each variant made by a fork: where it began, its final state hash, its probes from the fork on. */
  variants?: { name: string; forkAt_ms: number; stateHash: string; metrics: Record<string, ProbeMetric> }[]
}

export interface Run {
  sim: Sim
  scenario: Scenario
  readonly totalSteps: number
  readonly stepsDone: number
  readonly done: boolean
  /** Run up to `maxSteps` fast steps (fewer when the run ends first). */
  advance(maxSteps: number): void
  summary(wall_ms: number): Summary
  /** World step at which this run started and at which it ends. */
  readonly startStep: number
  readonly endStep: number
  /** Electrode entity ids by scenario name. */
  readonly electrodes: Readonly<Record<string, number>>
  readonly recorders: readonly Recorder[]
  /** Things that look wrong but are not errors (an electrode that reaches no neuron …). */
  readonly warnings: readonly string[]
  /** World states kept by `snapshot` actions, in timeline order (src/engine/snapshot.ts format); `name@variant` in a variant. */
  readonly snapshots: { name: string; at_ms: number; data: Uint8Array }[]
  /** The variants made by fork actions so far (the main line is `sim` / `recorders`). */
  readonly variants: { name: string; sim: Sim; recorders: readonly Recorder[]; forkAt_ms: number }[]
}

/** Sensory channels named by the timeline exist in the world (they are made by the scene builder). */
function checkChannels(sim: Sim, scenario: Scenario): void {
  const have = sim.state.channels.map((c) => c.name)
  const issues = scenario.timeline.flatMap((a) => {
    const channel = a.kind === 'deprive' || a.kind === 'restore' || a.kind === 'channelRate' ? a.channel : undefined
    if (channel === undefined || have.includes(channel)) return []
    const key = a.kind === 'channelRate' ? 'train' : a.kind
    return [issueAt(scenario.locations, `timeline[${a.index}].${key}.channel`, `unknown sensory channel "${channel}" (${have.length ? `channels of ${sim.sceneName}: ${have.join(', ')}` : `${sim.sceneName} has no sensory channels`})`)]
  })
  if (issues.length) throw new ScenarioError(scenario.file, issues)
}

export function createRun(scenario: Scenario, opts: RunOptions): Run {
  const duration_ms = opts.duration_ms ?? scenario.duration_ms
  if (!(duration_ms > 0) || !Number.isFinite(duration_ms)) throw new RangeError(`duration must be a positive number of ms, got ${duration_ms}`)
  const { scene } = resolveScenario(scenario, opts.scenes)
  let sim: Sim
  if (opts.fromSnapshot) {
    if (opts.seed !== undefined) throw new SnapshotError('a seed cannot be given with a snapshot (the snapshot carries its random state)')
    sim = load(opts.fromSnapshot)
    if (sim.sceneName !== scene.name) throw new SnapshotError(`the snapshot is of scene "${sim.sceneName}", the scenario runs "${scene.name}"`)
    if (sim.time.dt_ms !== scene.clock.dt_ms) throw new SnapshotError(`the snapshot's time step is ${sim.time.dt_ms} ms, the scenario's ${scene.clock.dt_ms} ms`)
    checkAgainstParams(scenario, sim.params, sim.sceneName)
  } else {
    sim = createSim(scene, opts.seed ?? scenario.seed)
  }
  const dt = sim.time.dt_ms
  const startStep = sim.time.step
  const endStep = Math.round(duration_ms / dt)
  if (startStep > endStep)
    throw new SnapshotError(`the snapshot is at ${formatTime(startStep * dt)}, past the end of the scenario (${formatTime(endStep * dt)})`)

  const warnings: string[] = []
  const electrodes = placeElectrodes(sim, scenario, opts.fromSnapshot !== undefined)
  for (const e of scenario.electrodes) {
    if (electrodeTargets(sim, electrodes[e.name]!).length === 0)
      warnings.push(`electrode "${e.name}" reaches no neurons (at ${e.x_um}, ${e.y_um} µm, radius ${e.radius_um} µm${e.population ? `, population "${e.population}"` : ''})`)
  }

  // Actions not yet run: those at or after the world's current step.
  const actions = scenario.timeline.map((a) => ({ a, step: Math.round(a.at_ms / dt) })).filter((x) => x.step >= startStep)
  let next = 0

  const recordersFor = (w: Sim) =>
    scenario.probes.map((def) =>
      createRecorder(def, {
        sim: w,
        population: (name) => (name === undefined ? -1 : w.params.populations.indexOf(name)),
        pathway: (name) => (name === undefined ? -1 : w.params.pathways.indexOf(name)),
        electrode: (name) => electrodes[name],
        ...(def.kind === 'v' ? { neurons: probeNeurons(w, scenario, def, warnings) } : {}),
      }),
    )
  const recorders = recordersFor(sim)
  const lookup = {
    population: (name: string | undefined) => (name === undefined ? -1 : sim.params.populations.indexOf(name)),
    pathway: (name: string | undefined) => (name === undefined ? -1 : sim.params.pathways.indexOf(name)),
  }
  const snapshots: Run['snapshots'] = []
  checkChannels(sim, scenario)
  // The main line, then one line per fork (a copy of the main line's world at the fork).
  const lines: Line[] = [{ name: 'main', sim, recorders, observers: recorders.map((r) => r.observe), forkAt_ms: startStep * dt }]

  const apply = (a: TimelineAction): void => {
    if (a.kind === 'fork') {
      const copy = load(save(sim))
      const rec = recordersFor(copy)
      lines.push({ name: a.name, sim: copy, recorders: rec, observers: rec.map((r) => r.observe), forkAt_ms: copy.time.step * dt })
      return
    }
    for (const line of lines) if (a.variant === undefined || a.variant === line.name) applyIn(a, line)
  }
  const applyIn = (a: TimelineAction, line: Line): void => {
    const sim = line.sim
    if (a.kind === 'fork') return
    if (a.kind === 'stimulate') startProtocol(sim, electrodes[a.electrode]!, a.protocol)
    else if (a.kind === 'drug') {
      if (a.op === 'apply') applyDrug(sim, a.drug, a.concentration_uM)
      else washDrug(sim, a.drug)
    } else if (a.kind === 'advance') fastForward(sim, a.duration_ms)
    else if (a.kind === 'release') applyRelease(sim, a)
    else if (a.kind === 'pair')
      // The pair sequence starts at `at` with whichever pulse comes first (post first when dt < 0).
      startProtocol(sim, electrodes[a.pre]!, {
        kind: 'pairing',
        postElectrode: electrodes[a.post]!,
        dt_ms: a.dt_ms,
        freq_Hz: a.freq_Hz,
        count: a.count,
      })
    else
      try {
        const kept = line.name === 'main' ? snapshots : []
        applyTissueAction(sim, a, { ...lookup, snapshots: kept })
        if (line.name !== 'main') for (const k of kept) snapshots.push({ ...k, name: `${k.name}@${line.name}` })
      } catch (e) {
        throw new ScenarioError(scenario.file, [issueAt(scenario.locations, `timeline[${a.index}]`, (e as Error).message)])
      }
  }

  const run: Run = {
    sim,
    scenario,
    totalSteps: endStep - startStep,
    get stepsDone() {
      return sim.time.step - startStep
    },
    get done() {
      return sim.time.step >= endStep
    },
    advance(maxSteps: number) {
      let budget = Math.min(Math.max(0, Math.floor(maxSteps)), endStep - sim.time.step)
      while (budget > 0) {
        while (next < actions.length && actions[next]!.step <= sim.time.step) apply(actions[next++]!.a)
        const until = next < actions.length ? actions[next]!.step - sim.time.step : budget
        const chunk = Math.min(budget, until)
        for (const line of lines) runSteps(line.sim, chunk, line.observers)
        budget -= chunk
      }
    },
    summary(wall_ms: number): Summary {
      const span: Span = { start_ms: startStep * dt, now_ms: sim.time.step * dt, end_ms: endStep * dt }
      const expectations = scenario.expect.map((x) => evaluateInLines(x, lines, span))
      const metrics: Record<string, ProbeMetric> = {}
      for (const r of recorders) metrics[r.def.name] = probeMetric(r, span)
      const variants = lines.slice(1).map((line) => {
        const vspan = { ...span, start_ms: line.forkAt_ms }
        const m: Record<string, ProbeMetric> = {}
        for (const r of line.recorders) m[r.def.name] = probeMetric(r, vspan)
        return { name: line.name, forkAt_ms: line.forkAt_ms, stateHash: stateHash(line.sim), metrics: m }
      })
      const simulated_ms = (sim.time.step - startStep) * dt
      const seed = /^\d+$/.test(sim.seed) ? Number(sim.seed) : sim.seed
      return {
        scenario: scenario.name,
        file: scenario.file,
        scene: sim.sceneName,
        seed,
        dt_ms: dt,
        start_ms: span.start_ms,
        end_ms: span.now_ms,
        simulated_ms,
        steps: sim.time.step - startStep,
        wall_ms,
        speed: wall_ms > 0 ? simulated_ms / wall_ms : null,
        stateHash: stateHash(sim),
        neurons: neuronIds(sim).length,
        synapses: sim.synapseCount,
        metrics,
        expectations,
        pass: expectations.every((x) => x.pass),
        ...(variants.length ? { variants } : {}),
        warnings: [...warnings, ...recorders.filter((r) => r.truncatedAt_ms !== undefined).map((r) => `probe "${r.def.name}" stopped recording at ${formatTime(r.truncatedAt_ms!)} (too many spikes)`)],
      }
    },
    startStep,
    endStep,
    electrodes,
    recorders,
    warnings,
    snapshots,
    get variants() {
      return lines.slice(1).map(({ name, sim, recorders, forkAt_ms }) => ({ name, sim, recorders, forkAt_ms }))
    },
  }
  return run
}

/** One line of a run: the main world, or a variant forked from it. */
interface Line {
  name: string
  sim: Sim
  recorders: Recorder[]
  observers: StepObserver[]
  /** Scenario time at which the line began (the run's start for main). */
  forkAt_ms: number
}

/**
 * A probe as seen from one line: a variant's own records from its fork on, the main line's before
 * (the two lines are the same world until the fork).
 */
function lineRecorder(lines: Line[], variant: string | undefined, probe: string): { rec: Recorder | undefined; forkAt_ms: number } {
  const main = lines[0]!
  const own = main.recorders.find((r) => r.def.name === probe)
  if (variant === undefined || variant === 'main' || !own) return { rec: own, forkAt_ms: -Infinity }
  const line = lines.find((l) => l.name === variant)
  if (!line) return { rec: undefined, forkAt_ms: -Infinity }
  const mine = line.recorders.find((r) => r.def.name === probe)!
  const t = line.forkAt_ms
  const rec: Recorder = {
    ...mine,
    reduce: (reduce, from, to) => (to <= t + 1e-6 ? own.reduce(reduce, from, to) : from >= t - 1e-6 ? mine.reduce(reduce, from, to) : { value: NaN, n: 0 }),
  }
  return { rec, forkAt_ms: t }
}

function evaluateInLines(x: ExpectDef, lines: Line[], span: Span): ExpectationResult {
  const a = lineRecorder(lines, x.variant, x.probe)
  const b = lineRecorder(lines, x.relativeVariant ?? x.variant, x.relativeProbe ?? x.probe)
  const r = evaluateExpectation(x, a.rec, span, b.rec)
  const where = (v: string | undefined) => (v === undefined || v === 'main' ? 'main line' : `variant "${v}"`)
  if ((x.variant ?? 'main') !== 'main' && !a.rec) return { ...r, measured: null, pass: false, note: `the ${where(x.variant)} was not made in this run (a run resumed after its fork)` }
  const spans = (w: [number, number] | undefined, t: number) => w !== undefined && w[0] < t - 1e-6 && w[1] > t + 1e-6
  for (const [w, line, v] of [[x.window_ms, a, x.variant], [x.relativeTo_ms, b, x.relativeVariant ?? x.variant]] as const)
    if (spans(w, line.forkAt_ms))
      return { ...r, measured: null, pass: false, note: `window [${formatTime(w![0])}, ${formatTime(w![1])}) spans the fork of the ${where(v)} at ${formatTime(line.forkAt_ms)}: measure before or after it` }
  return r
}

function electrodeFields(sim: Sim, e: ElectrodeDef) {
  const pop = e.population === undefined ? ANY_POPULATION : sim.params.populations.indexOf(e.population)
  const reg = e.region === undefined ? ANY_REGION : sim.params.regions.indexOf(e.region)
  return { pop, reg, mode: e.mode === 'current' ? ELECTRODE_CURRENT : ELECTRODE_SPIKE }
}

/**
 * Electrode ids by name. A fresh world gets the scenario's electrodes in file order; a world from a
 * snapshot already has them (placed by the run that saved it): each is matched by its fields, and
 * only missing ones are added.
 */
function placeElectrodes(sim: Sim, scenario: Scenario, resumed: boolean): Record<string, number> {
  const out: Record<string, number> = {}
  const E = sim.components.Electrode
  const existing = resumed ? Array.from(query(sim.world, sim.queries.electrodes)).sort((a, b) => a - b) : []
  const taken = new Set<number>()
  for (const e of scenario.electrodes) {
    const f = electrodeFields(sim, e)
    const match = existing.find(
      (id) =>
        !taken.has(id) &&
        E.x_um[id] === Math.fround(e.x_um) &&
        E.y_um[id] === Math.fround(e.y_um) &&
        E.radius_um[id] === Math.fround(e.radius_um) &&
        E.population[id] === f.pop &&
        E.region[id] === f.reg &&
        E.mode[id] === f.mode &&
        E.amplitude[id] === e.amplitude &&
        E.pulseWidth_ms[id] === e.pulseWidth_ms,
    )
    if (match !== undefined) {
      taken.add(match)
      out[e.name] = match
      continue
    }
    out[e.name] = addElectrode(sim, {
      x_um: e.x_um,
      y_um: e.y_um,
      radius_um: e.radius_um,
      ...(e.population !== undefined ? { population: f.pop } : {}),
      ...(e.region !== undefined ? { region: f.reg } : {}),
      mode: e.mode,
      amplitude: e.amplitude,
      pulseWidth_ms: e.pulseWidth_ms,
    })
  }
  return out
}

/** Neuron ids of a v probe: the listed ones (checked), or the first k of a population (or of all). */
function probeNeurons(sim: Sim, scenario: Scenario, def: Extract<Scenario['probes'][number], { kind: 'v' }>, warnings: string[]): number[] {
  if (def.neurons) {
    const ids = neuronIds(sim)
    const range = ids.length ? `${ids[0]}–${ids[ids.length - 1]}` : 'none'
    def.neurons.forEach((n, i) => {
      if (!isNeuron(sim, n)) {
        const path = pathString(['probes', def.name, 'v', 'neurons', i])
        throw new ScenarioError(scenario.file, [issueAt(scenario.locations, path, `${n} is not a neuron of this world (neuron ids: ${range})`)])
      }
    })
    return [...def.neurons]
  }
  const pop = def.population === undefined ? -1 : sim.params.populations.indexOf(def.population)
  const P = sim.components.Neuron.population
  const out: number[] = []
  for (const n of neuronIds(sim)) {
    if (out.length >= def.first) break
    if (pop < 0 || P[n] === pop) out.push(n)
  }
  if (out.length === 0) warnings.push(`probe "${def.name}" records no neurons`)
  return out
}
