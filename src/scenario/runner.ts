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
import { load, SnapshotError } from '../engine/snapshot.ts'
import { stateHash } from '../engine/hash.ts'
import { ANY_POPULATION, ANY_REGION, ELECTRODE_CURRENT, ELECTRODE_SPIKE } from '../../components/electrode.ts'
import { ScenarioError, issueAt, pathString } from './errors.ts'
import { checkAgainstParams, resolveScenario, type SceneBuilder } from './resolve.ts'
import { createRecorder, type Recorder } from './probes.ts'
import { evaluateExpectation, probeMetric, type ExpectationResult, type ProbeMetric, type Span } from './metrics.ts'
import { formatTime } from './units.ts'
import type { ElectrodeDef, Scenario, TimelineAction } from './types.ts'

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

  const recorders = scenario.probes.map((def) =>
    createRecorder(def, {
      sim,
      population: (name) => (name === undefined ? -1 : sim.params.populations.indexOf(name)),
      pathway: (name) => (name === undefined ? -1 : sim.params.pathways.indexOf(name)),
      ...(def.kind === 'v' ? { neurons: probeNeurons(sim, scenario, def, warnings) } : {}),
    }),
  )
  const observers: StepObserver[] = recorders.map((r) => r.observe)

  const apply = (a: TimelineAction): void => {
    if (a.kind === 'stimulate') startProtocol(sim, electrodes[a.electrode]!, a.protocol)
    else if (a.kind === 'drug') {
      if (a.op === 'apply') applyDrug(sim, a.drug, a.concentration_uM)
      else washDrug(sim, a.drug)
    } else if (a.kind === 'advance') fastForward(sim, a.duration_ms)
    else
      // The pair sequence starts at `at` with whichever pulse comes first (post first when dt < 0).
      startProtocol(sim, electrodes[a.pre]!, {
        kind: 'pairing',
        postElectrode: electrodes[a.post]!,
        dt_ms: a.dt_ms,
        freq_Hz: a.freq_Hz,
        count: a.count,
      })
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
        runSteps(sim, chunk, observers)
        budget -= chunk
      }
    },
    summary(wall_ms: number): Summary {
      const span: Span = { start_ms: startStep * dt, now_ms: sim.time.step * dt, end_ms: endStep * dt }
      const byName = new Map(recorders.map((r) => [r.def.name, r]))
      const expectations = scenario.expect.map((x) => evaluateExpectation(x, byName.get(x.probe), span))
      const metrics: Record<string, ProbeMetric> = {}
      for (const r of recorders) metrics[r.def.name] = probeMetric(r, span)
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
        warnings: [...warnings, ...recorders.filter((r) => r.truncatedAt_ms !== undefined).map((r) => `probe "${r.def.name}" stopped recording at ${formatTime(r.truncatedAt_ms!)} (too many spikes)`)],
      }
    },
    startStep,
    endStep,
    electrodes,
    recorders,
    warnings,
  }
  return run
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
