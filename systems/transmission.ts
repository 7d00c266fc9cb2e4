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
 * References: Jahr CE, Stevens CF (1990) J Neurosci 10:3178; Shouval HZ, Bear MF, Cooper LN (2002)
 *   PNAS 99:10831. doi:10.1073/pnas.152343099; Vogels TP, Abbott LF (2005) J Neurosci 25:10786.
 */
import type { Sim } from '../src/engine/world.ts'
import { neuronIds } from '../src/engine/entities.ts'

export function nmdaNorm(sim: Sim): number {
  const { tauNMDArise_ms: tr, tauNMDAdecay_ms: td } = sim.params.receptors
  if (td === tr) return Math.E / td // limit of the alpha function
  const tp = ((tr * td) / (td - tr)) * Math.log(td / tr)
  return 1 / (Math.exp(-tp / td) - Math.exp(-tp / tr))
}

export function transmission(sim: Sim): void {
  const R = sim.components.Receptors
  const p = sim.params.receptors
  const dt = sim.time.dt_ms
  const dA = Math.exp(-dt / p.tauAMPA_ms)
  const dR = Math.exp(-dt / p.tauNMDArise_ms)
  const dD = Math.exp(-dt / p.tauNMDAdecay_ms)
  const dG = Math.exp(-dt / p.tauGABA_ms)
  const rk = p.nmdaRatio * nmdaNorm(sim)
  const ring = sim.indices.delay
  const base = (sim.time.step % ring.length) * ring.width
  const [glu, ampa, gaba, delta] = ring.channels
  const gA = R.g_AMPA
  const sR = R.nmdaRise
  const sD = R.nmdaDecay
  const gG = R.g_GABA
  const Id = R.I_delta
  const ids = neuronIds(sim)
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    let a = gA[n]! * dA
    let r = sR[n]! * dR
    let d = sD[n]! * dD
    let g = gG[n]! * dG
    Id[n] = 0
    if (glu) {
      const w = glu[base + n]!
      if (w !== 0) {
        a += w
        r += w * rk
        d += w * rk
        glu[base + n] = 0
      }
    }
    if (ampa) {
      const w = ampa[base + n]!
      if (w !== 0) {
        a += w
        ampa[base + n] = 0
      }
    }
    if (gaba) {
      const w = gaba[base + n]!
      if (w !== 0) {
        g += w
        gaba[base + n] = 0
      }
    }
    if (delta) {
      const w = delta[base + n]!
      if (w !== 0) {
        Id[n] = w
        delta[base + n] = 0
      }
    }
    gA[n] = a
    sR[n] = r
    sD[n] = d
    gG[n] = g
  }
}
