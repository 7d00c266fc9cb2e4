/**
 * Membrane dynamics: integrates every neuron one fast step and detects spikes.
 *
 * Input current (both models):
 *   I = I_bias + I_ext + I_syn,   I_syn = g_AMPA (E_AMPA − v) + g_NMDA B(v) (E_NMDA − v) + g_GABA (E_GABA − v)
 *   B(v) = 1 / (1 + [Mg²⁺]/3.57 · exp(−0.062 v))        (Jahr & Stevens 1990)
 * δ input: Izhikevich neurons add I_delta to I (the 2003 network's S matrix); LIF neurons jump
 * V += I_delta mV (Brunel 2000).
 *
 * Izhikevich (2003):  v' = 0.04v² + 5v + 140 − u + I,  u' = a(bv − u);  v ≥ 30 ⇒ v ← c, u ← u + d.
 * Two integration schemes (params.integrator), because published spike counts depend on it:
 *   'euler':          v ← v + dt·v'(v,u),  u ← u + dt·a(bv − u)      (both from the old state)
 *   'izhikevich2003': the paper's code: v ← v + (dt/2)·v' twice (v' re-evaluated), then
 *                     u ← u + dt·a(bv − u) with the new v; meant for dt = 1 ms.
 * LIF (forward Euler): C V' = g_L(E_L − V) + I;  V ≥ V_th ⇒ V ← V_reset, held for t_ref.
 * A neuron with `forceSpike` set (electrode, sensory channel) fires this step whatever its state.
 *
 * Also keeps each neuron's averaged rate: rate ← rate·exp(−dt/τ) + [spike]·1000/τ  (Hz), τ = activityTau_ms.
 * Spiking neurons are listed in `sim.spikes` in ascending id order for propagation.
 *
 * Performance (docs/benchmarks.md): the loops run over cached ascending id lists per model (not a
 * bitecs query) and skip the NMDA term — and its exp() — while a neuron's g_NMDA is 0.
 *
 * References: Izhikevich EM (2003) IEEE TNN 14:1569. doi:10.1109/TNN.2003.820440
 *   Vogels TP, Abbott LF (2005) J Neurosci 25:10786; Brunel N (2000) J Comput Neurosci 8:183.
 */
import { hasComponent } from 'bitecs'
import { IZH_VPEAK_mV } from '../components/neuron.ts'
import type { Sim } from '../src/engine/world.ts'
import { exp } from '../src/engine/detmath.ts'
import { neuronIds } from '../src/engine/entities.ts'

/** Izhikevich and LIF neuron ids, each ascending, derived from one version of the neuron list. */
interface ModelLists {
  source: Uint32Array
  izh: Uint32Array
  lif: Uint32Array
}
const modelCache = new WeakMap<Sim, ModelLists>()

function modelLists(sim: Sim): ModelLists {
  const ids = neuronIds(sim)
  const cached = modelCache.get(sim)
  // neuronIds hands out a new array whenever the neuron set changed.
  if (cached && cached.source === ids) return cached
  const { Izhikevich, LIF } = sim.components
  const izh: number[] = []
  const lif: number[] = []
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    if (hasComponent(sim.world, n, Izhikevich)) izh.push(n)
    if (hasComponent(sim.world, n, LIF)) lif.push(n)
  }
  const lists = { source: ids, izh: Uint32Array.from(izh), lif: Uint32Array.from(lif) }
  modelCache.set(sim, lists)
  return lists
}

export function membrane(sim: Sim): void {
  const { izh, lif } = modelLists(sim)
  const sp = sim.spikes
  // Room for every neuron to fire, so the loops below append without a bounds check.
  if (sp.ids.length < izh.length + lif.length) sp.ids = new Uint32Array(Math.max(64, 2 * (izh.length + lif.length)))
  let count = 0
  if (izh.length > 0) count = izhikevich(sim, izh, sp.ids, count)
  if (lif.length > 0) count = lifStep(sim, lif, sp.ids, count)
  sp.count = count
  // Each list is ascending; only a mixed world needs the two merged.
  if (izh.length > 0 && lif.length > 0 && count > 1) sp.ids.subarray(0, count).sort()
}

/**
 * This step's loop constants. They travel in a Float64Array because a number read from one is a
 * plain double in the loop, while one read from an object or passed as an argument may be unboxed
 * again on every iteration (integers like E_GABA = −80 are stored as small integers).
 */
const K = new Float64Array(8)
const K_DT = 0
const K_T = 1
const K_MG = 2
const K_DECAY = 3 // rate_Hz decay per step
const K_JUMP = 4 // rate_Hz increment per spike
const K_EA = 5
const K_EN = 6
const K_EG = 7

function loopConstants(sim: Sim): Float64Array {
  const rp = sim.params.receptors
  const dt = sim.time.dt_ms
  K[K_DT] = dt
  K[K_T] = sim.time.step * dt
  K[K_MG] = rp.Mg_mM / 3.57
  K[K_DECAY] = exp(-dt / sim.params.activityTau_ms)
  K[K_JUMP] = 1000 / sim.params.activityTau_ms
  K[K_EA] = rp.E_AMPA_mV
  K[K_EN] = rp.E_NMDA_mV
  K[K_EG] = rp.E_GABA_mV
  return K
}

/**
 * I_syn + I0 with the NMDA term skipped when g_NMDA = 0 (then it is ±0 and changes nothing):
 * its Mg²⁺ block needs an exp(), the costliest operation of the step.
 */
function input(I0: number, gA: number, gN: number, gG: number, v: number, eA: number, eN: number, eG: number, mg: number): number {
  let I = I0 + gA * (eA - v)
  if (gN !== 0) I += (gN * (eN - v)) / (1 + mg * exp(-0.062 * v))
  return I + gG * (eG - v)
}

function izhikevich(sim: Sim, ids: Uint32Array, out: Uint32Array, count: number): number {
  const N = sim.components.Neuron
  const Z = sim.components.Izhikevich
  const R = sim.components.Receptors
  const k = loopConstants(sim)
  const dt = k[K_DT]!
  const h = dt * 0.5
  const t = k[K_T]!
  const mg = k[K_MG]!
  const decay = k[K_DECAY]!
  const jump = k[K_JUMP]!
  const eA = k[K_EA]!
  const eN = k[K_EN]!
  const eG = k[K_EG]!
  const twoHalf = sim.params.integrator === 'izhikevich2003'
  const { v_mV, I_ext, I_bias, forceSpike, spiked, lastSpike_ms, rate_Hz } = N
  const { a, b, c_mV, d, u } = Z
  const { g_AMPA, nmdaRise, nmdaDecay, g_GABA, I_delta } = R
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    let v = v_mV[n]!
    let uu = u[n]!
    let fired = forceSpike[n] === 1
    if (!fired) {
      const Iin = I_bias[n]! + I_ext[n]! + I_delta[n]!
      const gA = g_AMPA[n]!
      const gN = nmdaDecay[n]! - nmdaRise[n]!
      const gG = g_GABA[n]!
      if (twoHalf) {
        v += h * (0.04 * v * v + 5 * v + 140 - uu + input(Iin, gA, gN, gG, v, eA, eN, eG, mg))
        v += h * (0.04 * v * v + 5 * v + 140 - uu + input(Iin, gA, gN, gG, v, eA, eN, eG, mg))
        uu += dt * a[n]! * (b[n]! * v - uu)
      } else {
        const dv = 0.04 * v * v + 5 * v + 140 - uu + input(Iin, gA, gN, gG, v, eA, eN, eG, mg)
        const du = a[n]! * (b[n]! * v - uu)
        v += dt * dv
        uu += dt * du
      }
      fired = v >= IZH_VPEAK_mV
    }
    if (fired) {
      v = c_mV[n]!
      uu += d[n]!
      forceSpike[n] = 0
      spiked[n] = 1
      lastSpike_ms[n] = t
      rate_Hz[n] = rate_Hz[n]! * decay + jump
      out[count++] = n
    } else {
      spiked[n] = 0
      rate_Hz[n] = rate_Hz[n]! * decay
    }
    v_mV[n] = v
    u[n] = uu
  }
  return count
}

function lifStep(sim: Sim, ids: Uint32Array, out: Uint32Array, count: number): number {
  const N = sim.components.Neuron
  const L = sim.components.LIF
  const R = sim.components.Receptors
  const k = loopConstants(sim)
  const dt = k[K_DT]!
  const t = k[K_T]!
  const mg = k[K_MG]!
  const decay = k[K_DECAY]!
  const jump = k[K_JUMP]!
  const eA = k[K_EA]!
  const eN = k[K_EN]!
  const eG = k[K_EG]!
  // Refractory for round(t_ref / dt) steps: compare with half a step of slack, so float rounding
  // of t and t_spike + t_ref never adds or drops a step.
  const halfStep = 0.5 * dt
  const { v_mV, I_ext, I_bias, forceSpike, spiked, lastSpike_ms, refractoryUntil_ms, rate_Hz } = N
  const { C_pF, gL_nS, EL_mV, Vth_mV, Vreset_mV, tRef_ms } = L
  const { g_AMPA, nmdaRise, nmdaDecay, g_GABA, I_delta } = R
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    let v = v_mV[n]!
    let fired = forceSpike[n] === 1
    if (!fired && t >= refractoryUntil_ms[n]! - halfStep) {
      const I = input(I_bias[n]! + I_ext[n]!, g_AMPA[n]!, nmdaDecay[n]! - nmdaRise[n]!, g_GABA[n]!, v, eA, eN, eG, mg)
      v += (dt * (gL_nS[n]! * (EL_mV[n]! - v) + I)) / C_pF[n]! + I_delta[n]!
      fired = v >= Vth_mV[n]!
    }
    if (fired) {
      v = Vreset_mV[n]!
      forceSpike[n] = 0
      spiked[n] = 1
      lastSpike_ms[n] = t
      refractoryUntil_ms[n] = t + tRef_ms[n]!
      rate_Hz[n] = rate_Hz[n]! * decay + jump
      out[count++] = n
    } else {
      spiked[n] = 0
      rate_Hz[n] = rate_Hz[n]! * decay
    }
    v_mV[n] = v
  }
  return count
}
