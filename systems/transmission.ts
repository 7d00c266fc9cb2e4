/**
 * Synaptic transmission: receptor conductances decay and take up the input that arrives this
 * step from the delay ring (systems/propagation.ts put it there `delaySteps` ago).
 *
 * Between steps each conductance decays exactly (exponential integration):
 *   g_AMPA ← g_AMPA · exp(−dt/τ_AMPA)              g_GABA ← g_GABA · exp(−dt/τ_GABA)
 *   NMDA = difference of exponentials, g_NMDA = s_decay − s_rise,
 *   s_rise ← s_rise · exp(−dt/τ_rise),  s_decay ← s_decay · exp(−dt/τ_decay)
 * and an arriving glutamatergic weight w adds w to g_AMPA and r·w·κ to both NMDA states, where r is
 * the NMDA/AMPA ratio and κ normalises the NMDA waveform to a peak of r·w:
 *   t_peak = τ_r τ_d/(τ_d − τ_r) · ln(τ_d/τ_r),   κ = 1 / (exp(−t_peak/τ_d) − exp(−t_peak/τ_r))
 * δ input is summed into I_delta for this step only.
 *
 * | parameter       | unit | default | source                                   |
 * |-----------------|------|---------|------------------------------------------|
 * | tauAMPA_ms      | ms   | 5       | Vogels & Abbott 2005 (excitatory)        |
 * | tauNMDArise_ms  | ms   | 2       | Jahr & Stevens 1990; Shouval et al. 2002 |
 * | tauNMDAdecay_ms | ms   | 100     | Shouval et al. 2002                      |
 * | tauGABA_ms      | ms   | 10      | Vogels & Abbott 2005 (inhibitory)        |
 * | E_AMPA_mV, E_NMDA_mV | mV | 0    |                                          |
 * | E_GABA_mV       | mV   | −80     | Vogels & Abbott 2005                     |
 * | Mg_mM           | mM   | 1       | Jahr & Stevens 1990                      |
 * | nmdaRatio       | –    | 0.5     | NMDA/AMPA peak ratio (scene may change)  |
 *
 * Performance (docs/benchmarks.md): one pass over the live neurons that touches each conductance
 * once and takes every channel's slot without branching on whether anything arrived.
 *
 * References: Jahr CE, Stevens CF (1990) J Neurosci 10:3178; Shouval HZ, Bear MF, Cooper LN (2002)
 *   PNAS 99:10831. doi:10.1073/pnas.152343099; Vogels TP, Abbott LF (2005) J Neurosci 25:10786.
 */
import type { Sim } from '../src/engine/world.ts'
import { exp, log } from '../src/engine/detmath.ts'
import { neuronIds } from '../src/engine/entities.ts'

export function nmdaNorm(sim: Sim): number {
  const { tauNMDArise_ms: tr, tauNMDAdecay_ms: td } = sim.params.receptors
  if (td === tr) return Math.E / td // limit of the alpha function
  const tp = ((tr * td) / (td - tr)) * log(td / tr)
  return 1 / (exp(-tp / td) - exp(-tp / tr))
}

export function transmission(sim: Sim): void {
  const p = sim.params.receptors
  const dt = sim.time.dt_ms
  const ring = sim.indices.delay
  const [glu, ampa, gaba, delta] = ring.channels
  K[0] = exp(-dt / p.tauAMPA_ms)
  K[1] = exp(-dt / p.tauNMDArise_ms)
  K[2] = exp(-dt / p.tauNMDAdecay_ms)
  K[3] = exp(-dt / p.tauGABA_ms)
  K[4] = p.nmdaRatio * nmdaNorm(sim)
  const base = (sim.time.step % ring.length) * ring.width
  receive(neuronIds(sim), base, glu ?? null, ampa ?? null, gaba ?? null, delta ?? null, sim.components.Receptors, K)
}

/**
 * Loop constants travel in a Float64Array: read from it they are plain doubles, while numbers passed
 * as arguments would be unboxed again on every iteration.
 */
const K = new Float64Array(5)

/**
 * Decay every neuron's conductances and add this step's slot of each channel (then clear it).
 * Branch-free in the arrivals: about a third of the neurons receive something in a step, a branch
 * on it would be mispredicted that often. (Adding a zero slot changes nothing, except that a
 * conductance of −0 becomes +0.)
 */
function receive(
  ids: Uint32Array,
  base: number,
  glu: Float32Array | null,
  ampa: Float32Array | null,
  gaba: Float32Array | null,
  delta: Float32Array | null,
  R: Sim['components']['Receptors'],
  k: Float64Array,
): void {
  const { g_AMPA, nmdaRise, nmdaDecay, g_GABA, I_delta } = R
  const dA = k[0]!
  const dR = k[1]!
  const dD = k[2]!
  const dG = k[3]!
  const rk = k[4]!
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    const j = base + n
    let a = g_AMPA[n]! * dA
    let r = nmdaRise[n]! * dR
    let d = nmdaDecay[n]! * dD
    let g = g_GABA[n]! * dG
    if (glu !== null) {
      const w = glu[j]!
      a += w
      r += w * rk
      d += w * rk
      glu[j] = 0
    }
    if (ampa !== null) {
      a += ampa[j]!
      ampa[j] = 0
    }
    if (gaba !== null) {
      g += gaba[j]!
      gaba[j] = 0
    }
    if (delta !== null) {
      I_delta[n] = delta[j]!
      delta[j] = 0
    } else I_delta[n] = 0
    g_AMPA[n] = a
    nmdaRise[n] = r
    nmdaDecay[n] = d
    g_GABA[n] = g
  }
}
