/**
 * The schedule: one ordered list of fast systems (every step) and one of slow systems (every slow
 * tick). A new mechanism takes its place here and nowhere else.
 *
 * Fast step:  stimulation → membrane (with transmission, drive and noise fused in per neuron; see
 *             systems/transmission.ts and docs/architecture.md) → spikeSources (Poisson inputs join
 *             this step's spikes) → propagation → stdp → calciumPlasticity → calciumControl → inhibitoryStdp →
 *             rewardStdp → neuromodulation → [glia] → probes
 * Slow tick:  [consolidation → homeostasis → spines → synaptogenesis → pruning → neurogenesis →
 *             myelination → development] → bcmRate → bcm (sliding threshold) → calciumControlRest → cleanup
 * (Bracketed stages arrive with their mechanisms.)
 */
import type { Sim } from './world.ts'
import { stimulation } from '../../systems/stimulation.ts'
import { membrane } from '../../systems/membrane.ts'
import { propagation } from '../../systems/propagation.ts'
import { stdp } from '../../systems/stdp.ts'
import { calciumPlasticity } from '../../systems/calciumPlasticity.ts'
import { spikeSources } from '../../systems/spikeSources.ts'
import { inhibitoryStdp } from '../../systems/inhibitoryStdp.ts'
import { cleanup } from '../../systems/cleanup.ts'
import { consolidation } from '../../systems/consolidation.ts'
import { synapticScaling } from '../../systems/synapticScaling.ts'
import { calciumControl, calciumControlRest } from '../../systems/calciumControl.ts'
import { bcm } from '../../systems/bcm.ts'
import { bcmRate } from '../../systems/bcmRate.ts'
import { rewardStdp } from '../../systems/rewardStdp.ts'
import { neuromodulation } from '../../systems/neuromodulation.ts'

export type System = (sim: Sim) => void

export const FAST_SYSTEMS: readonly System[] = [stimulation, membrane, spikeSources, propagation, stdp, calciumPlasticity, calciumControl, inhibitoryStdp, rewardStdp, neuromodulation]
export const SLOW_SYSTEMS: readonly System[] = [consolidation, synapticScaling, bcmRate, bcm, calciumControlRest, cleanup]

/** Observers called after every fast step (probes, recorders). They read the world; they never change it. */
export type StepObserver = (sim: Sim) => void

/** Advance fast time by one step (and run a slow tick when one falls due). */
export function step(sim: Sim, observers?: readonly StepObserver[]): void {
  for (let i = 0; i < FAST_SYSTEMS.length; i++) FAST_SYSTEMS[i]!(sim)
  if (observers) for (let i = 0; i < observers.length; i++) observers[i]!(sim)
  sim.time.step++
  sim.spikes.count = 0
  if (sim.time.step % sim.time.slowTickSteps === 0) slowTick(sim, sim.time.slowTick_ms * sim.time.timeWarp)
}

/** Run the slow systems once, covering `slowDt_ms` of slow time. */
export function slowTick(sim: Sim, slowDt_ms: number): void {
  sim.time.slowTickDt_ms = slowDt_ms
  for (let i = 0; i < SLOW_SYSTEMS.length; i++) SLOW_SYSTEMS[i]!(sim)
  sim.time.slow_ms += slowDt_ms
  sim.time.slowTicks++
}

/** Run `steps` fast steps. */
export function runSteps(sim: Sim, steps: number, observers?: readonly StepObserver[]): void {
  for (let i = 0; i < steps; i++) step(sim, observers)
}

/** Run for `duration_ms` of fast time (rounded to whole steps). */
export function run(sim: Sim, duration_ms: number, observers?: readonly StepObserver[]): void {
  runSteps(sim, Math.round(duration_ms / sim.time.dt_ms), observers)
}

/**
 * Fast-forward: advance slow time by `duration_ms` without spiking, running only the slow systems.
 * Ticks are the normal slow tick (slowTick_ms · timeWarp) or longer, so that at most `maxTicks` run.
 */
export function fastForward(sim: Sim, duration_ms: number, maxTicks = 10000): void {
  if (!(duration_ms >= 0)) throw new Error(`fast-forward duration must be ≥ 0, got ${duration_ms}`)
  const normal = sim.time.slowTick_ms * Math.max(sim.time.timeWarp, 1e-9)
  const ticks = Math.min(maxTicks, Math.max(1, Math.ceil(duration_ms / normal)))
  const each = duration_ms / ticks
  sim.time.fastForward = true
  try {
    for (let i = 0; i < ticks; i++) slowTick(sim, each)
  } finally {
    sim.time.fastForward = false
  }
}
