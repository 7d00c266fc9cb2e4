/**
 * What the page is running: a world, and, for the default scene, the scenario run that drives it.
 * `advance(n)` moves the world n fast steps — through the scenario's runner while the scenario has
 * steps left (so its timeline and probes act), then by plain engine steps: when the scenario's
 * duration is over, the tissue keeps living.
 */
import type { Sim } from '../engine/world.ts'
import { createSim } from '../engine/world.ts'
import { runSteps } from '../engine/pipeline.ts'
import { load } from '../engine/snapshot.ts'
import { parseScenario } from '../scenario/parse.ts'
import { createRun, type Run } from '../scenario/runner.ts'
import type { Scenario } from '../scenario/types.ts'
import { SCENES } from '../../scenes/index.ts'
import type { ShareSource } from './url.ts'

export interface Session {
  readonly sim: Sim
  /** Shown in the HUD: the scenario's name or the scene's. */
  readonly title: string
  readonly scenario?: Scenario
  readonly run?: Run
  /** 'scenario' while the scenario has steps left, 'free' after (or without a scenario). */
  phase(): 'scenario' | 'free'
  advance(steps: number): void
  /** What a share link reproduces (the world as it started). */
  readonly source: ShareSource
}

/** The seed a world was built from, for links (as the URL's `seed` takes it). */
const seedOf = (sim: Sim) => sim.seed

/**
 * Open a scenario file's text (the default scene is scenes/quickstart.yaml). Throws ScenarioError.
 * `shipped`: the file is one of the repository's (a link can name it instead of carrying its text).
 */
export function openScenario(text: string, file: string, seed?: number, shipped = true): Session {
  const scenario = parseScenario(text, file)
  const run = createRun(scenario, { scenes: SCENES, ...(seed !== undefined ? { seed } : {}) })
  return {
    sim: run.sim,
    title: scenario.name,
    scenario,
    run,
    source: { kind: 'scenario', ...(shipped ? { file } : {}), text, seed: seedOf(run.sim) },
    phase: () => (run.done ? 'free' : 'scenario'),
    advance(steps: number) {
      let left = steps
      if (!run.done) {
        const k = Math.min(left, Math.max(0, run.totalSteps - run.stepsDone))
        if (k > 0) run.advance(k)
        left -= k
      }
      if (left > 0) runSteps(run.sim, left)
    },
  }
}

/** Open a bare scene from the registry. Throws SceneParamError on bad parameters. */
export function openScene(name: string, params: Record<string, unknown>, seed = 1): Session {
  const builder = SCENES[name]
  if (!builder) throw new Error(`unknown scene "${name}" (known scenes: ${Object.keys(SCENES).join(', ')})`)
  const sim = createSim(builder(params), seed)
  return {
    sim,
    title: name,
    source: { kind: 'scene', scene: name, params: { ...params }, seed: seedOf(sim) },
    phase: () => 'free',
    advance(steps: number) {
      runSteps(sim, steps)
    },
  }
}

/**
 * A world loaded from a snapshot: it runs free (a scenario's timeline does not travel with a
 * snapshot). Its link reproduces its scene, with the parameters it was built with, and its seed.
 */
export function openSnapshot(sim: Sim, fileName: string): Session {
  return {
    sim,
    title: `${sim.sceneName} (from ${fileName})`,
    source: { kind: 'scene', scene: sim.sceneName, params: { ...sim.params.scene }, seed: seedOf(sim) },
    phase: () => 'free',
    advance(steps: number) {
      runSteps(sim, steps)
    },
  }
}

/**
 * The same session, continued from `bytes` (a snapshot of its world taken at another time: by the
 * background Worker, or earlier for a rewind): if the snapshot is within its scenario's duration,
 * the scenario's timeline resumes from there (its probes start afresh); otherwise the world runs
 * free. Title and link stay those of `prev`.
 */
export function resumeSession(prev: Session, bytes: Uint8Array): Session {
  const sim = load(bytes)
  if (prev.scenario && sim.time.step < Math.round(prev.scenario.duration_ms / sim.time.dt_ms)) {
    const run = createRun(prev.scenario, { scenes: SCENES, fromSnapshot: bytes })
    return {
      sim: run.sim,
      title: prev.title,
      scenario: prev.scenario,
      run,
      source: prev.source,
      phase: () => (run.done ? 'free' : 'scenario'),
      advance(steps: number) {
        let left = steps
        if (!run.done) {
          const k = Math.min(left, Math.max(0, run.endStep - run.sim.time.step))
          if (k > 0) run.advance(k)
          left -= k
        }
        if (left > 0) runSteps(run.sim, left)
      },
    }
  }
  return {
    sim,
    title: prev.title,
    ...(prev.scenario ? { scenario: prev.scenario } : {}),
    source: prev.source,
    phase: () => 'free',
    advance(steps: number) {
      runSteps(sim, steps)
    },
  }
}
