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
 * Drugs (systems/drugs.ts, components/drugs.ts): conductance arrivals are scaled by the bath's
 * ampaGain (CNQX), nmdaGain (APV, D-serine) and gabaGain (bicuculline) — factors of exactly 1
 * without drugs, so drug-free runs are bit-identical. Under TTX no spike is emitted: threshold
 * crossings reset silently, forced spikes fail, and background drive delivers nothing.
 *
 * Averaged rate (τ = activityTau_ms), what `Neuron.rate_Hz` stands for:
 *   r(t) = Σ_spikes (1000/τ) · exp(−(t − t_spike)/τ) Hz  (≡ r ← r·exp(−dt/τ) + [spike]·1000/τ per step).
 * It is kept lazily: `rate_Hz` holds r just after the neuron's last spike (at `lastSpike_ms`) and
 * is advanced only when the neuron fires; `activityRate_Hz(sim, n)` gives r after the last step.
 * Spiking neurons are listed in `sim.spikes` in ascending id order for propagation.
 *
 * One pass per neuron (docs/architecture.md, "Departures from the design card"): each neuron
 * takes, in this order, its Poisson background events and noise current (models in
 * systems/stimulation.ts), its receptor decay and delay-ring arrivals (model and equations in
 * systems/transmission.ts), then the membrane update — the arithmetic of the three separate passes
 * it replaces, with the neuron's state read once.
 *
 * | parameter                                  | unit          | default, source                  |
 * |--------------------------------------------|---------------|----------------------------------|
 * | a, b, c_mV, d (Izhikevich, per neuron)     | 1/ms, –, mV, – | cell type, components/neuron.ts  |
 * | C_pF, gL_nS, EL_mV, Vth_mV (LIF, per neuron) | pF, nS, mV, mV | 200, 10, −60, −50 (Vogels & Abbott 2005) |
 * | Vreset_mV, tRef_ms (LIF, per neuron)       | mV, ms        | −60, 5                           |
 * | I_bias, noiseSigma (per neuron)            | pA or mV/ms   | 0 (scene)                        |
 * | activityTau_ms (world)                     | ms            | 1000                             |
 *
 * Performance (docs/benchmarks.md). V8 11 re-checks every typed array on every loop iteration
 * (map, length, data pointer: ≈ 8 instructions), so each loop reads only the arrays that can matter:
 *   - parameters every neuron of the model shares are constants (systems/membraneCache.ts; code
 *     that writes them other than through addNeuron must call `neuronParamsChanged(sim)`);
 *   - NMDA states only while the world has a glutamate channel (only it makes them non-zero),
 *     I_delta only while it has a δ channel (otherwise it stays 0);
 *   - `I_ext` only when this step's stimulation injected current, `forceSpike` only when a scan
 *     of the store found one set;
 *   - `spiked` and the averaged rate only for spiking neurons; contiguous ids directly.
 * The NMDA term — and its exp() — is skipped while a neuron's g_NMDA is 0. The loops run in chunks
 * of 1024 neurons (see `membrane`).
 *
 * References: Izhikevich EM (2003) IEEE TNN 14:1569. doi:10.1109/TNN.2003.820440
 *   Vogels TP, Abbott LF (2005) J Neurosci 25:10786; Brunel N (2000) J Comput Neurosci 8:183.
 */
import { query } from 'bitecs'
import { IZH_VPEAK_mV } from '../components/neuron.ts'
import type { Sim } from '../src/engine/world.ts'
import { exp } from '../src/engine/detmath.ts'
import { stream, normal, type Stream } from '../src/engine/rng.ts'
import { receptorConstants, R_DA, R_DR, R_DD, R_DG, R_RK } from './transmission.ts'
import { driveEvents, driveStep, stimulationFlags } from './stimulation.ts'
import { drugEffects } from './drugs.ts'
import { anyForced, cacheFor, checkShared, clearSpiked, recordSpikes, U_BIAS, U_LIF, U_NOISE, type ModelList } from './membraneCache.ts'

export { activityRate_Hz, neuronParamsChanged } from './membraneCache.ts'

/** What the per-neuron pass needs besides the stores and K: this step's ring slot, streams, flags. */
interface StepInputs {
  /** Offset of this step's slot in each delay-ring channel. */
  base: number
  /** 'drive' stream when some neuron has background drive, else undefined. */
  drive: Stream | undefined
  /** 'noise' stream, created when the first neuron with noise is met. */
  noise: Stream | undefined
  /** forceSpike / I_ext may be non-zero this step. */
  forced: boolean
  current: boolean
}

/** Neurons per call of a model loop. */
const CHUNK = 1024

export function membrane(sim: Sim): void {
  const c = cacheFor(sim)
  checkShared(sim, c)
  const izh = c.izh.ids
  const lif = c.lif.ids
  const sp = sim.spikes
  // Room for every neuron to fire, so the loops below append without a bounds check.
  if (sp.ids.length < izh.length + lif.length) sp.ids = new Uint32Array(Math.max(64, 2 * (izh.length + lif.length)))
  clearSpiked(sim, c)
  const ring = sim.indices.delay
  const flags = stimulationFlags(sim)
  const io: StepInputs = {
    base: (sim.time.step % ring.length) * ring.width,
    drive: query(sim.world, sim.queries.driven).length > 0 ? stream(sim.rng, 'drive') : undefined,
    noise: undefined,
    forced: anyForced(sim, c),
    current: flags === undefined || flags.current,
  }
  loopConstants(sim)
  const ttx = drugEffects(sim).spikesBlocked
  // The drive keys its method cache on the rate per event; the world's dt is given per step. Under
  // TTX its events are drawn but deliver nothing (the spiking tissue it stands for is silent).
  if (io.drive !== undefined) driveStep(sim.time.dt_ms, ttx ? 0 : 1)
  let count = 0
  // In chunks: V8 then optimizes the loops as ordinary calls within a few steps, instead of
  // sometimes running them for thousands of steps as on-stack-replaced code (measured 1.5× slower).
  for (let lo = 0; lo < izh.length; lo += CHUNK) count = izhikevich(sim, c.izh, lo, Math.min(lo + CHUNK, izh.length), sp.ids, count, io)
  for (let lo = 0; lo < lif.length; lo += CHUNK) count = lifStep(sim, c.lif, lo, Math.min(lo + CHUNK, lif.length), sp.ids, count, io)
  // TTX: no action potential this step — threshold crossings were reset silently, forced spikes fail.
  if (ttx) count = 0
  sp.count = count
  // Each list is ascending; only a mixed world needs the two merged.
  if (izh.length > 0 && lif.length > 0 && count > 1) sp.ids.subarray(0, count).sort()
  recordSpikes(sim, c, sp.ids, count, K[K_T]!)
}

/**
 * This step's loop constants. They travel in a Float64Array because a number read from one is a
 * plain double in the loop, while one read from an object or passed as an argument may be unboxed
 * again on every iteration (integers like E_GABA = −80 are stored as small integers).
 * Slots 0–4 hold the receptor constants of systems/transmission.ts.
 */
const K = new Float64Array(16)
const K_DT = 5
const K_T = 6
const K_MG = 7
const K_EA = 8
const K_EN = 9
const K_EG = 10
/** Drug gains on conductance arrivals (systems/drugs.ts): AMPA, NMDA (folded into its increment), GABA_A. */
const K_GA = 11
const K_RKN = 12
const K_GG = 13

function loopConstants(sim: Sim): void {
  const rp = sim.params.receptors
  const dt = sim.time.dt_ms
  receptorConstants(sim, K)
  K[K_DT] = dt
  K[K_T] = sim.time.step * dt
  K[K_MG] = rp.Mg_mM / 3.57
  K[K_EA] = rp.E_AMPA_mV
  K[K_EN] = rp.E_NMDA_mV
  K[K_EG] = rp.E_GABA_mV
  const fx = drugEffects(sim)
  K[K_GA] = fx.ampaGain
  K[K_RKN] = K[R_RK]! * fx.nmdaGain
  K[K_GG] = fx.gabaGain
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

/** Noise current of neuron n added to I_ext[n] (only neurons with noiseSigma ≠ 0 get here). */
function addNoise(sim: Sim, io: StepInputs, I_ext: Float64Array, n: number, sd: number): number {
  io.noise ??= stream(sim.rng, 'noise')
  return (I_ext[n]! += sd * normal(io.noise))
}

/*
 * izhikevich() and lifStep() repeat the same input block (drive, noise, receptor decay and ring
 * arrivals) on purpose: each is one monomorphic loop per model, and the block sets four locals
 * (gA, gN, gG, I_delta) that a shared helper could only return through an object or an array —
 * an allocation or extra loads per neuron-step in the hottest loop (docs/benchmarks.md). A change
 * to the block must be made in both; test/membrane.test.ts checks both models against the
 * separate-pass equations of systems/transmission.ts.
 */
function izhikevich(sim: Sim, list: ModelList, lo: number, hi: number, out: Uint32Array, count: number, io: StepInputs): number {
  const { ids, U } = list
  const N = sim.components.Neuron
  const Z = sim.components.Izhikevich
  const R = sim.components.Receptors
  const k = K
  const dA = k[R_DA]!
  const dR = k[R_DR]!
  const dD = k[R_DD]!
  const dG = k[R_DG]!
  const rk = k[K_RKN]!
  const ga = k[K_GA]!
  const gg = k[K_GG]!
  const dt = k[K_DT]!
  const h = dt * 0.5
  const t = k[K_T]!
  const tEnd = t + dt
  const mg = k[K_MG]!
  const eA = k[K_EA]!
  const eN = k[K_EN]!
  const eG = k[K_EG]!
  const twoHalf = sim.params.integrator === 'izhikevich2003'
  const { v_mV, I_ext, I_bias, noiseSigma, forceSpike } = N
  const { a, b, c_mV, d, u } = Z
  const { g_AMPA, nmdaRise, nmdaDecay, g_GABA, I_delta } = R
  const nextEvent_ms = sim.components.Drive.nextEvent_ms
  const chans = sim.indices.delay.channels
  const { base, drive } = io
  // Plain booleans: read from an object they are of unknown type, and every test costs a full
  // ToBoolean (≈ 10 instructions) per neuron.
  const forced = io.forced === true
  const current = io.current === true
  let glu = chans[0] ?? null
  let ampa = chans[1] ?? null
  let gaba = chans[2] ?? null
  let delta = chans[3] ?? null
  const first = ids[0]!
  const contiguous = ids[ids.length - 1]! - first === ids.length - 1
  // Shared parameters (see ModelList) as constants; the arrays are read only when they differ.
  const biasShared = U[U_BIAS] === 1
  const bias0 = U[U_BIAS + 1]!
  const noiseShared = U[U_NOISE] === 1
  const noise0 = U[U_NOISE + 1]!
  for (let i = lo; i < hi; i++) {
    const n = contiguous ? first + i : ids[i]!
    const j = base + n
    // Inputs (systems/stimulation.ts): background events join this step's ring slot, noise I_ext.
    if (drive !== undefined && nextEvent_ms[n]! < tEnd) {
      driveEvents(sim, drive, n, j, t, tEnd)
      // An event may have allocated its receptor's channel.
      glu = chans[0] ?? null
      ampa = chans[1] ?? null
      gaba = chans[2] ?? null
      delta = chans[3] ?? null
    }
    let Iext = current ? I_ext[n]! : 0
    const sd = noiseShared ? noise0 : noiseSigma[n]!
    if (sd !== 0) Iext = addNoise(sim, io, I_ext, n, sd)
    // Receptors (systems/transmission.ts): exact decay, then this step's arrivals (branch-free).
    let gA = g_AMPA[n]! * dA
    let gG = g_GABA[n]! * dG
    let gN = 0
    let Id = 0
    if (glu !== null) {
      const w = glu[j]!
      const sR = nmdaRise[n]! * dR + w * rk
      const sD = nmdaDecay[n]! * dD + w * rk
      gA += w * ga
      glu[j] = 0
      nmdaRise[n] = sR
      nmdaDecay[n] = sD
      gN = sD - sR
    }
    if (ampa !== null) {
      gA += ampa[j]! * ga
      ampa[j] = 0
    }
    if (gaba !== null) {
      gG += gaba[j]! * gg
      gaba[j] = 0
    }
    if (delta !== null) {
      Id = delta[j]!
      delta[j] = 0
      I_delta[n] = Id
    }
    g_AMPA[n] = gA
    g_GABA[n] = gG
    // Membrane.
    let v = v_mV[n]!
    let uu = u[n]!
    let fired = forced && forceSpike[n] === 1
    if (!fired) {
      const Iin = (biasShared ? bias0 : I_bias[n]!) + Iext + Id
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
      out[count++] = n
    }
    v_mV[n] = v
    u[n] = uu
  }
  return count
}

function lifStep(sim: Sim, list: ModelList, lo: number, hi: number, out: Uint32Array, count: number, io: StepInputs): number {
  const { ids, U } = list
  const N = sim.components.Neuron
  const L = sim.components.LIF
  const R = sim.components.Receptors
  const k = K
  const dA = k[R_DA]!
  const dR = k[R_DR]!
  const dD = k[R_DD]!
  const dG = k[R_DG]!
  const rk = k[K_RKN]!
  const ga = k[K_GA]!
  const gg = k[K_GG]!
  const dt = k[K_DT]!
  const t = k[K_T]!
  const tEnd = t + dt
  const mg = k[K_MG]!
  const eA = k[K_EA]!
  const eN = k[K_EN]!
  const eG = k[K_EG]!
  // Refractory for round(t_ref / dt) steps: compare with half a step of slack, so float rounding
  // of t and t_spike + t_ref never adds or drops a step.
  const halfStep = 0.5 * dt
  const { v_mV, I_ext, I_bias, noiseSigma, forceSpike, refractoryUntil_ms } = N
  const { C_pF, gL_nS, EL_mV, Vth_mV, Vreset_mV, tRef_ms } = L
  const lifShared = U[U_LIF] === 1
  const C0 = U[U_LIF + 1]!
  const gL0 = U[U_LIF + 2]!
  const EL0 = U[U_LIF + 3]!
  const Vth0 = U[U_LIF + 4]!
  const { g_AMPA, nmdaRise, nmdaDecay, g_GABA, I_delta } = R
  const nextEvent_ms = sim.components.Drive.nextEvent_ms
  const chans = sim.indices.delay.channels
  const { base, drive } = io
  // Plain booleans: read from an object they are of unknown type, and every test costs a full
  // ToBoolean (≈ 10 instructions) per neuron.
  const forced = io.forced === true
  const current = io.current === true
  let glu = chans[0] ?? null
  let ampa = chans[1] ?? null
  let gaba = chans[2] ?? null
  let delta = chans[3] ?? null
  const first = ids[0]!
  const contiguous = ids[ids.length - 1]! - first === ids.length - 1
  // Shared parameters (see ModelList) as constants; the arrays are read only when they differ.
  const biasShared = U[U_BIAS] === 1
  const bias0 = U[U_BIAS + 1]!
  const noiseShared = U[U_NOISE] === 1
  const noise0 = U[U_NOISE + 1]!
  for (let i = lo; i < hi; i++) {
    const n = contiguous ? first + i : ids[i]!
    const j = base + n
    if (drive !== undefined && nextEvent_ms[n]! < tEnd) {
      driveEvents(sim, drive, n, j, t, tEnd)
      glu = chans[0] ?? null
      ampa = chans[1] ?? null
      gaba = chans[2] ?? null
      delta = chans[3] ?? null
    }
    let Iext = current ? I_ext[n]! : 0
    const sd = noiseShared ? noise0 : noiseSigma[n]!
    if (sd !== 0) Iext = addNoise(sim, io, I_ext, n, sd)
    let gA = g_AMPA[n]! * dA
    let gG = g_GABA[n]! * dG
    let gN = 0
    let Id = 0
    if (glu !== null) {
      const w = glu[j]!
      const sR = nmdaRise[n]! * dR + w * rk
      const sD = nmdaDecay[n]! * dD + w * rk
      gA += w * ga
      glu[j] = 0
      nmdaRise[n] = sR
      nmdaDecay[n] = sD
      gN = sD - sR
    }
    if (ampa !== null) {
      gA += ampa[j]! * ga
      ampa[j] = 0
    }
    if (gaba !== null) {
      gG += gaba[j]! * gg
      gaba[j] = 0
    }
    if (delta !== null) {
      Id = delta[j]!
      delta[j] = 0
      I_delta[n] = Id
    }
    g_AMPA[n] = gA
    g_GABA[n] = gG
    let v = v_mV[n]!
    let fired = forced && forceSpike[n] === 1
    if (!fired && t >= refractoryUntil_ms[n]! - halfStep) {
      const I = input((biasShared ? bias0 : I_bias[n]!) + Iext, gA, gN, gG, v, eA, eN, eG, mg)
      if (lifShared) {
        v += (dt * (gL0 * (EL0 - v) + I)) / C0 + Id
        fired = v >= Vth0
      } else {
        v += (dt * (gL_nS[n]! * (EL_mV[n]! - v) + I)) / C_pF[n]! + Id
        fired = v >= Vth_mV[n]!
      }
    }
    if (fired) {
      v = Vreset_mV[n]!
      forceSpike[n] = 0
      refractoryUntil_ms[n] = t + tRef_ms[n]!
      out[count++] = n
    }
    v_mV[n] = v
  }
  return count
}
