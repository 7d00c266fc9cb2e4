/**
 * BCM sliding modification threshold (Intrator & Cooper 1992), on the slow clock, for every neuron
 * with a `Bcm` component. Model, parameters and references: components/bcm.ts.
 *
 * Each slow tick covering h ms of slow time, with the neuron's activity y held over the tick:
 *   θ_M ← y²/y0 + (θ_M − y²/y0) e^(−h/τ_θ)          (exact for constant y)
 * y: for neurons postsynaptic to calcium-control synapses, their spike count over the tick ÷ the
 * fast time between ticks, slowTick_ms (the exact mean rate of the tick; during `advance`, where
 * nothing spikes, the last tick's rate); for other spiking neurons `activityRate_Hz(sim, n)`; for
 * rate-based units `Bcm.y_Hz`.
 * (E[y²] is taken over 1-s bins, so it includes the bins' counting variance.)
 * Then, for neurons that are postsynaptic to calcium-control synapses (components/calciumControl.ts):
 *   nmdaScale = y0 / max(θ_M, 10⁻³ y0)
 * (Shouval, Bear & Cooper 2002, metaplasticity as an activity-dependent NMDA conductance).
 *
 * Cost: nothing in worlds without Bcm neurons (one query); otherwise O(Bcm neurons) per slow tick.
 *
 * References: Intrator N, Cooper LN (1992) Neural Netw 5:3; Shouval HZ, Bear MF, Cooper LN (2002)
 *   PNAS 99:10831; Yeung LC et al. (2004) PNAS 101:14943.
 */
import { addComponent, hasComponent, query } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { clearEntity, ensure } from '../src/engine/store.ts'
import { exp } from '../src/engine/detmath.ts'
import { activityRate_Hz } from './membraneCache.ts'
import { THETA_FLOOR } from '../components/bcm.ts'

export interface BcmInit {
  y0_Hz: number
  tau_ms: number
  /** Initial θ_M (default y0). */
  theta_Hz?: number
  /** A rate-based unit (systems/bcmRate.ts) instead of a spiking neuron. */
  rate?: boolean
  /** Rate units: η of the BCM rule on their input synapses (1/(s·Hz³); 0 = input unit). */
  eta?: number
}

/** Give neuron n a sliding threshold (or change its parameters). */
export function setBcm(sim: Sim, n: number, init: BcmInit): void {
  if (!(init.y0_Hz > 0 && Number.isFinite(init.y0_Hz))) throw new Error(`setBcm: y0_Hz must be a finite number > 0, got ${init.y0_Hz}`)
  if (!(init.tau_ms > 0 && Number.isFinite(init.tau_ms))) throw new Error(`setBcm: tau_ms must be a finite number > 0, got ${init.tau_ms}`)
  const theta = init.theta_Hz ?? init.y0_Hz
  if (!(theta >= 0 && Number.isFinite(theta))) throw new Error(`setBcm: theta_Hz must be a finite number ≥ 0, got ${theta}`)
  const entry = sim.stores.Bcm
  if (!hasComponent(sim.world, n, entry.data)) {
    ensure(entry, n)
    clearEntity(entry, n)
    addComponent(sim.world, n, entry.data)
  }
  const B = entry.data
  B.y0_Hz[n] = init.y0_Hz
  B.tau_ms[n] = init.tau_ms
  B.theta_Hz[n] = theta
  B.rate[n] = init.rate === true ? 1 : 0
  const eta = init.eta ?? 0
  if (!(eta >= 0 && Number.isFinite(eta))) throw new Error(`setBcm: eta must be a finite number ≥ 0, got ${eta}`)
  B.eta[n] = eta
  applyScale(sim, n)
}

/** y0/θ_M into the neuron's calcium-control NMDA scale, if it has one. */
function applyScale(sim: Sim, n: number): void {
  const P = sim.stores.CalciumControlNeuron
  if (!hasComponent(sim.world, n, P.data)) return
  const B = sim.components.Bcm
  const y0 = B.y0_Hz[n]!
  P.data.nmdaScale[n] = y0 / Math.max(B.theta_Hz[n]!, THETA_FLOOR * y0)
}

/**
 * The activity y of neuron n over the slow tick just ended (Hz): rate units their `y_Hz`; neurons
 * postsynaptic to calcium-control synapses their spike count over the tick ÷ the fast time between
 * ticks (exact rate over the tick; during `advance` no spikes happen and the last tick's rate is
 * kept); other spiking neurons their averaged rate `activityRate_Hz`.
 */
function activity(sim: Sim, n: number): number {
  const B = sim.components.Bcm
  if (B.rate[n] === 1) return B.y_Hz[n]!
  const P = sim.stores.CalciumControlNeuron
  if (!hasComponent(sim.world, n, P.data)) return activityRate_Hz(sim, n)
  if (sim.time.fastForward) return B.y_Hz[n]!
  // Spikes were counted over the fast time between ticks (slowTick_ms), not over the tick's slow time
  // h = slowTick_ms · timeWarp (reviewer fix 2026-11-23: with timeWarp ≠ 1 dividing by h scaled y by 1/timeWarp).
  const y = (P.data.spikes[n]! * 1000) / sim.time.slowTick_ms
  P.data.spikes[n] = 0
  B.y_Hz[n] = y
  return y
}

export function bcm(sim: Sim): void {
  const B = sim.stores.Bcm.data
  const ids = query(sim.world, [B])
  if (ids.length === 0) return
  const h = sim.time.slowTickDt_ms
  if (!(h > 0)) return
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    const y = activity(sim, n)
    const target = (y * y) / B.y0_Hz[n]!
    B.theta_Hz[n] = target + (B.theta_Hz[n]! - target) * exp(-h / B.tau_ms[n]!)
    applyScale(sim, n)
  }
}
