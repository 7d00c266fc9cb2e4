/**
 * What the page is running: a world, and, for the default scene, the scenario run that drives it.
 * `advance(n)` moves the world n fast steps — through the scenario's runner while the scenario has
 * steps left (so its timeline and probes act), then by plain engine steps: when the scenario's
 * duration is over, the tissue keeps living.
 */
import type { Sim } from '../engine/world.ts'
import { createSim } from '../engine/world.ts'
import { runSteps } from '../engine/pipeline.ts'
import { parseScenario } from '../scenario/parse.ts'
import { createRun, type Run } from '../scenario/runner.ts'
import type { Scenario } from '../scenario/types.ts'
import { SCENES } from '../../scenes/index.ts'

export interface Session {
  readonly sim: Sim
  /** Shown in the HUD: the scenario's name or the scene's. */
  readonly title: string
  readonly scenario?: Scenario
  readonly run?: Run
  /** 'scenario' while the scenario has steps left, 'free' after (or without a scenario). */
  phase(): 'scenario' | 'free'
  advance(steps: number): void
}

/** Open a scenario file's text (the default scene is scenes/quickstart.yaml). Throws ScenarioError. */
export function openScenario(text: string, file: string, seed?: number): Session {
  const scenario = parseScenario(text, file)
  const run = createRun(scenario, { scenes: SCENES, ...(seed !== undefined ? { seed } : {}) })
  return {
    sim: run.sim,
    title: scenario.name,
    scenario,
    run,
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
    phase: () => 'free',
    advance(steps: number) {
      runSteps(sim, steps)
    },
  }
}
