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
 * References: Izhikevich EM (2003) IEEE TNN 14:1569. doi:10.1109/TNN.2003.820440
 *   Vogels TP, Abbott LF (2005) J Neurosci 25:10786; Brunel N (2000) J Comput Neurosci 8:183.
 */
import { query } from 'bitecs'
import { IZH_VPEAK_mV } from '../components/neuron.ts'
import type { Sim } from '../src/engine/world.ts'

function pushSpike(sim: Sim, n: number): void {
  const sp = sim.spikes
  if (sp.count === sp.ids.length) {
    const next = new Uint32Array(sp.ids.length * 2)
    next.set(sp.ids)
    sp.ids = next
  }
  sp.ids[sp.count++] = n
}

export function membrane(sim: Sim): void {
  sim.spikes.count = 0
  izhikevich(sim)
  lif(sim)
  // Query order depends on add/remove history; delivery order must not.
  if (sim.spikes.count > 1) sim.spikes.ids.subarray(0, sim.spikes.count).sort()
}

function izhikevich(sim: Sim): void {
  const ids = query(sim.world, sim.queries.izhikevich)
  if (ids.length === 0) return
  const N = sim.components.Neuron
  const Z = sim.components.Izhikevich
  const R = sim.components.Receptors
  const rp = sim.params.receptors
  const dt = sim.time.dt_ms
  const t = sim.time.step * dt
  const twoHalf = sim.params.integrator === 'izhikevich2003'
  const mg = rp.Mg_mM / 3.57
  const decay = Math.exp(-dt / sim.params.activityTau_ms)
  const jump = 1000 / sim.params.activityTau_ms
  const { v_mV, I_ext, I_bias, forceSpike, spiked, lastSpike_ms, rate_Hz } = N
  const { a, b, c_mV, d, u } = Z
  const { g_AMPA, nmdaRise, nmdaDecay, g_GABA, I_delta } = R
  const EA = rp.E_AMPA_mV
  const EN = rp.E_NMDA_mV
  const EG = rp.E_GABA_mV
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    let v = v_mV[n]!
    let uu = u[n]!
    const Iin = I_bias[n]! + I_ext[n]! + I_delta[n]!
    const gA = g_AMPA[n]!
    const gN = nmdaDecay[n]! - nmdaRise[n]!
    const gG = g_GABA[n]!
    let fired = forceSpike[n] === 1
    if (!fired) {
      if (twoHalf) {
        const h = dt * 0.5
        let I = Iin + gA * (EA - v) + (gN * (EN - v)) / (1 + mg * Math.exp(-0.062 * v)) + gG * (EG - v)
        v += h * (0.04 * v * v + 5 * v + 140 - uu + I)
        I = Iin + gA * (EA - v) + (gN * (EN - v)) / (1 + mg * Math.exp(-0.062 * v)) + gG * (EG - v)
        v += h * (0.04 * v * v + 5 * v + 140 - uu + I)
        uu += dt * a[n]! * (b[n]! * v - uu)
      } else {
        const I = Iin + gA * (EA - v) + (gN * (EN - v)) / (1 + mg * Math.exp(-0.062 * v)) + gG * (EG - v)
        const dv = 0.04 * v * v + 5 * v + 140 - uu + I
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
      pushSpike(sim, n)
    } else {
      spiked[n] = 0
      rate_Hz[n] = rate_Hz[n]! * decay
    }
    v_mV[n] = v
    u[n] = uu
  }
}

function lif(sim: Sim): void {
  const ids = query(sim.world, sim.queries.lif)
  if (ids.length === 0) return
  const N = sim.components.Neuron
  const L = sim.components.LIF
  const R = sim.components.Receptors
  const rp = sim.params.receptors
  const dt = sim.time.dt_ms
  const t = sim.time.step * dt
  const mg = rp.Mg_mM / 3.57
  const decay = Math.exp(-dt / sim.params.activityTau_ms)
  const jump = 1000 / sim.params.activityTau_ms
  const { v_mV, I_ext, I_bias, forceSpike, spiked, lastSpike_ms, refractoryUntil_ms, rate_Hz } = N
  const { C_pF, gL_nS, EL_mV, Vth_mV, Vreset_mV, tRef_ms } = L
  const { g_AMPA, nmdaRise, nmdaDecay, g_GABA, I_delta } = R
  const EA = rp.E_AMPA_mV
  const EN = rp.E_NMDA_mV
  const EG = rp.E_GABA_mV
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    let v = v_mV[n]!
    let fired = forceSpike[n] === 1
    if (!fired && t >= refractoryUntil_ms[n]!) {
      const gN = nmdaDecay[n]! - nmdaRise[n]!
      const I =
        I_bias[n]! +
        I_ext[n]! +
        g_AMPA[n]! * (EA - v) +
        (gN * (EN - v)) / (1 + mg * Math.exp(-0.062 * v)) +
        g_GABA[n]! * (EG - v)
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
      pushSpike(sim, n)
    } else {
      spiked[n] = 0
      rate_Hz[n] = rate_Hz[n]! * decay
    }
    v_mV[n] = v
  }
}
