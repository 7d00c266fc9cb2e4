/**
 * The two clocks.
 *
 * Fast time advances by a fixed `dt_ms` per step; spiking, transmission, calcium and synaptic
 * plasticity run every fast step. Slow time advances in slow ticks: every `slowTick_ms` of fast time
 * the slow systems run once and slow time advances by `slowTick_ms · timeWarp` (timeWarp 3600: one
 * second of spiking is one hour of structural life). Fast-forward advances slow time by running only
 * the slow systems, in ticks of at least `slowTick_ms · timeWarp`; slow systems then read each
 * neuron's averaged rate (`activityRate_Hz` in systems/membrane.ts) instead of spikes.
 *
 * Fast time is kept as an integer step count (t = step · dt), so it never drifts.
 */
import type { SceneClock } from './world.ts'

export interface Clock {
  readonly dt_ms: number
  /** Fast steps taken since the world was built. */
  step: number
  /** Fast time between slow ticks. */
  readonly slowTick_ms: number
  /** Fast steps between slow ticks (slowTick_ms / dt_ms, rounded). */
  readonly slowTickSteps: number
  /** Slow time per fast time during normal running. */
  timeWarp: number
  /** Slow time elapsed since the world was built. */
  slow_ms: number
  /** Slow ticks run so far. */
  slowTicks: number
  /** Slow time covered by the slow tick now running (set before each tick). */
  slowTickDt_ms: number
  /** True while a fast-forward runs the slow systems without spiking. */
  fastForward: boolean
  /** True while a `sleep` fast-forward runs (slow systems may downscale; absent otherwise). */
  sleeping?: boolean
}

export function createClock(c: SceneClock): Clock {
  if (!(c.dt_ms > 0) || !Number.isFinite(c.dt_ms)) throw new Error(`dt_ms must be a positive number, got ${c.dt_ms}`)
  const slowTick_ms = c.slowTick_ms ?? 1000
  const slowTickSteps = Math.max(1, Math.round(slowTick_ms / c.dt_ms))
  const timeWarp = c.timeWarp ?? 1
  return {
    dt_ms: c.dt_ms,
    step: 0,
    slowTick_ms: slowTickSteps * c.dt_ms,
    slowTickSteps,
    timeWarp,
    slow_ms: 0,
    slowTicks: 0,
    slowTickDt_ms: slowTickSteps * c.dt_ms * timeWarp,
    fastForward: false,
  }
}

/** Fast time in ms. */
export function now_ms(clock: Clock): number {
  return clock.step * clock.dt_ms
}

/** Steps needed to cover `duration_ms` of fast time (rounded to the nearest step). */
export function stepsFor(clock: Clock, duration_ms: number): number {
  return Math.round(duration_ms / clock.dt_ms)
}

/** "day 3, 14:00" style label of slow time (day 1 is the first day). */
export function formatSlow(slow_ms: number): string {
  const minutes = Math.floor(slow_ms / 60000)
  const day = Math.floor(minutes / 1440) + 1
  const hh = Math.floor((minutes % 1440) / 60)
  const mm = minutes % 60
  return `day ${day}, ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`
}
