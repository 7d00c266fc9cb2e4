/**
 * Calcium-control pathways: N independent input pathways, each a presynaptic "fibre bundle" cell
 * onto its own postsynaptic CA1-like pyramidal cell through one glutamatergic (AMPA + NMDA)
 * synapse under the calcium-control rule of Shouval, Bear & Cooper (2002)
 * (components/calciumControl.ts). The scene of VALIDATION items 5 and 8 (frequency-response curve,
 * BCM shift of its crossover): a spike-mode electrode over pathway k's presynaptic cell delivers
 * its train, and the weight probe of pathway "path<k>" reads its synapse.
 *
 * One synapse stands for the stimulated Schaffer-collateral input of an extracellular electrode:
 * its weight sets the compound EPSP. Default `epspWeight` = 9 nS (LIF cell; 0.085 for the Izhikevich
 * cell): a single pulse then gives a ≈ 10 mV EPSP at rest (measured 10.2 mV at dt 1 ms), the
 * depolarisation Shouval et al. (2002) use for their presynaptic-rate protocol (Fig. 3B: EPSP of
 * 10 mV peak, rise 5 ms, decay 50 ms, in the supporting text). This is the stimulus intensity, set
 * like an experimenter sets it (Dudek & Bear 1992 adjusted it to a fixed response), not a plasticity
 * parameter; the scenarios record the EPSP so it can be checked.
 *
 * Postsynaptic cell: by default a conductance-based LIF CA1 cell (τ_m 20 ms, rest −65 mV = the paper's
 * V_rest, threshold −50 mV): its EPSP (AMPA τ 5 ms on τ_m 20 ms, plus the NMDA component) is closest
 * to the paper's slow dendritic EPSP. `postModel: izhikevich` uses an RS cell (rest −70 mV) whose
 * EPSP lasts ≈ 5 ms; with it the low-frequency calcium stays below α1 (no LTD below 5 Hz), which
 * shows how much the rule depends on the duration of the depolarisation. Presynaptic cells are
 * Izhikevich RS cells fired by the electrodes. The postsynaptic cells may fire (then their BPAPs enter
 * the calcium; at ≥ 10 Hz they do once LTP has grown the EPSP, since the conductance is w0·W, whereas
 * the paper's rate protocol, as replicated publicly (folmez/CaDP-MatLab), holds the EPSP fixed and has
 * no spikes). Pathway k sits at
 * x = 100·k + 50 µm: presynaptic cell at y = 50 µm (population "pre"), postsynaptic at y = 150 µm
 * (population "post"). NMDA/AMPA peak ratio: the world's receptor default (0.5).
 *
 * With `bcm` on, each postsynaptic cell carries a BCM sliding threshold (components/bcm.ts:
 * y0 = `bcmY0_Hz`, τ_θ = `bcmTau_ms`) that scales its NMDA calcium by y0/θ_M; a scenario sets each
 * cell's activity with electrodes (e.g. Poisson spikes forced on the postsynaptic cell, which bring no
 * glutamate and so no calcium of their own).
 *
 * | parameter     | unit | default    | meaning                                                |
 * |---------------|------|------------|--------------------------------------------------------|
 * | nPathways     | –    | 1          | independent pre → post pathways                        |
 * | postModel     | –    | lif        | postsynaptic cell: lif (CA1_LIF) or izhikevich (RS)     |
 * | epspWeight    | nS / – | 9 / 0.085 | glutamate weight of the pathway synapse (≈ 10 mV EPSP) |
 * | dt_ms         | ms   | 1          | fast step (Shouval et al. integrate rate protocols at 1 ms) |
 * | integrator    | –    | izhikevich2003 | the Izhikevich (2003) 1-ms two-half-step scheme     |
 * | bcm           | –    | 0          | 1: BCM sliding threshold on the postsynaptic cells     |
 * | bcmY0_Hz      | Hz   | 1          | y0 of the sliding threshold                            |
 * | bcmTau_ms     | ms   | 600000     | τ_θ (10 min)                                           |
 *
 * References: Shouval HZ, Bear MF, Cooper LN (2002) PNAS 99:10831. doi:10.1073/pnas.152343099;
 *   Dudek SM, Bear MF (1992) PNAS 89:4363. doi:10.1073/pnas.89.10.4363;
 *   Izhikevich EM (2003) IEEE TNN 14:1569; Intrator N, Cooper LN (1992) Neural Netw 5:3.
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { setBcm } from '../systems/bcm.ts'
import { known, num, str, SceneParamError, type SceneParams } from './params.ts'

export const PATHWAY_SPACING_um = 100

/** CA1 pyramidal cell as a conductance-based LIF: τ_m = C/g_L = 20 ms, rest −65 mV (Shouval et al. 2002's V_rest). */
export const CA1_LIF = { C_pF: 200, gL_nS: 10, EL_mV: -65, Vth_mV: -50, Vreset_mV: -65, tRef_ms: 2 }

export function calciumControlScene(p: SceneParams = {}): Scene {
  known(p, ['nPathways', 'epspWeight', 'dt_ms', 'integrator', 'bcm', 'bcmY0_Hz', 'bcmTau_ms', 'postModel'])
  const postModel = str(p, 'postModel', 'lif', ['lif', 'izhikevich'] as const)
  const nPathways = num(p, 'nPathways', 1, 1, 200)
  if (!Number.isInteger(nPathways)) throw new SceneParamError('nPathways', `expected a whole number, got ${nPathways}`)
  const w = num(p, 'epspWeight', postModel === 'lif' ? 9 : 0.085, 0, 1000)
  const dt = num(p, 'dt_ms', 1, 0.001, 1)
  const integrator = str(p, 'integrator', 'izhikevich2003', ['euler', 'izhikevich2003'] as const)
  const bcmOn = num(p, 'bcm', 0, 0, 1) === 1
  const y0 = num(p, 'bcmY0_Hz', 1, 1e-6, 1000)
  const tauTheta = num(p, 'bcmTau_ms', 600000, 1, 1e12)
  return {
    name: 'calciumControl',
    clock: { dt_ms: dt, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      integrator,
      regions: ['tissue'],
      populations: ['pre', 'post'],
      pathways: ['none', ...Array.from({ length: nPathways }, (_, k) => `path${k}`)],
      scene: { nPathways, epspWeight: w, dt_ms: dt, integrator, bcm: bcmOn ? 1 : 0, bcmY0_Hz: y0, bcmTau_ms: tauTheta },
      width_um: PATHWAY_SPACING_um * nPathways,
      height_um: 200,
    },
    build(sim) {
      for (let k = 0; k < nPathways; k++) {
        const x_um = PATHWAY_SPACING_um * k + PATHWAY_SPACING_um / 2
        const pre = addNeuron(sim, { type: 'RS', x_um, y_um: 50, population: 0, v_mV: -70, u: -14 })
        const post =
          postModel === 'lif'
            ? addNeuron(sim, { model: 'lif', lif: CA1_LIF, x_um, y_um: 150, population: 1 })
            : addNeuron(sim, { type: 'RS', x_um, y_um: 150, population: 1, v_mV: -70, u: -14 })
        addSynapse(sim, pre, post, { weight: w, receptor: 'glutamate', pathway: k + 1, delay_ms: 2, calciumControl: 'shouval2002' })
        if (bcmOn) setBcm(sim, post, { y0_Hz: y0, tau_ms: tauTheta })
      }
    },
  }
}
