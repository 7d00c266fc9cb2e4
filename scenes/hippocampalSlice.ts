/**
 * CA3 → CA1 hippocampal slice. CA3 pyramidal cells (the Schaffer collateral inputs, split into two
 * independent pathways S1 and S2 as in two-pathway tagging experiments) project onto CA1 pyramidal
 * cells with glutamatergic synapses (AMPA + NMDA with Mg²⁺ block) and onto CA1 interneurons, which
 * give feed-forward GABA_A inhibition to the pyramidal cells (Buzsáki 1984; Pouille & Scanziani
 * 2001). Extracellular stimulation of a pathway is an electrode in spike mode over its CA3 cells.
 * Schaffer collaterals are unmyelinated (≈ 0.3 m/s).
 *
 * Neurons are Izhikevich cells: pyramidal RS, interneurons FS. Conductances are in the
 * Izhikevich model's units (C = 1).
 *
 * | parameter       | unit | default | meaning                                         |
 * |-----------------|------|---------|-------------------------------------------------|
 * | nCA3            | –    | 200     | CA3 pyramidal cells (half per pathway)          |
 * | nCA1            | –    | 100     | CA1 pyramidal cells                             |
 * | nInterneurons   | –    | 20      | CA1 interneurons                                |
 * | pSchaffer       | –    | 0.2     | CA3 → CA1 pyramidal connection probability     |
 * | wSchaffer       | –    | 0.02    | Schaffer AMPA weight (model units)              |
 * | pFeedforward    | –    | 0.2     | CA3 → interneuron connection probability        |
 * | wFeedforward    | –    | 0.02    | CA3 → interneuron AMPA weight                   |
 * | pInhibition     | –    | 0.3     | interneuron → CA1 pyramidal                     |
 * | wInhibition     | –    | 0.02    | interneuron → CA1 GABA_A weight                 |
 * | nmdaRatio       | –    | 0.5     | NMDA/AMPA peak ratio                            |
 * | velocity_m_per_s| m/s  | 0.3     | Schaffer collateral conduction velocity         |
 * | dt_ms           | ms   | 0.1     | fast step                                       |
 * | integrator      | –    | euler   | euler, or izhikevich2003 (the paper's 1-ms scheme) |
 * | ca1Model        | –    | izhikevich | CA1 pyramidal cells: izhikevich (RS) or lif (CA1_LIF) |
 * | plasticity      | –    | none    | Schaffer → CA1 pyramidal plasticity: none or calciumControl |
 *
 * `plasticity: calciumControl` puts every Schaffer synapse onto a CA1 pyramidal cell under the
 * NMDA/calcium-control rule of Shouval, Bear & Cooper (2002) (components/calciumControl.ts), so HFS,
 * LFS and theta bursts change their weights (VALIDATION item 6). Default `none` keeps the scene as it
 * was (the quickstart shows activity, not plasticity; the rule adds per-synapse work while inputs fire).
 *
 * `ca1Model: lif` makes the CA1 pyramidal cells conductance-based LIF cells (CA1_LIF of
 * scenes/calciumControl.ts: τ_m 20 ms, rest −65 mV, threshold −50 mV); weights onto them are then in
 * nS: defaults wSchaffer 0.45 nS (20 S1 synapses per cell at the default size give a ≈ 10 mV compound
 * EPSP, the depolarisation of Shouval et al.'s rate protocol) and wInhibition 0.5 nS (a weak
 * feed-forward inhibition, not fitted: the item-6 results are the same to ±0.01 for 0–2 nS). The RS cell's
 * EPSP lasts ≈ 5 ms, too short for the rule's low-frequency LTD (see scenes/calciumControl.ts), so
 * the plasticity scenarios use the LIF cell.
 *
 * References: Andersen P et al. (2007) The Hippocampus Book, OUP; Pouille F, Scanziani M (2001)
 *   Science 293:1159. doi:10.1126/science.1060342; Izhikevich EM (2003) IEEE TNN 14:1569.
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream } from '../src/engine/rng.ts'
import { known, num, str, type SceneParams } from './params.ts'
import { CA1_LIF } from './calciumControl.ts'

export const SLICE_POPULATIONS = ['CA3 S1', 'CA3 S2', 'CA1 pyramidal', 'CA1 interneuron'] as const

export function hippocampalSlice(p: SceneParams = {}): Scene {
  known(p, ['nCA3', 'nCA1', 'nInterneurons', 'pSchaffer', 'wSchaffer', 'pFeedforward', 'wFeedforward', 'pInhibition', 'wInhibition', 'nmdaRatio', 'velocity_m_per_s', 'dt_ms', 'integrator', 'ca1Model', 'plasticity'])
  const ca1Model = str(p, 'ca1Model', 'izhikevich', ['izhikevich', 'lif'] as const)
  const plasticity = str(p, 'plasticity', 'none', ['none', 'calciumControl'] as const)
  const integrator = str(p, 'integrator', 'euler', ['euler', 'izhikevich2003'] as const)
  const lif = ca1Model === 'lif'
  const nCA3 = num(p, 'nCA3', 200, 2, 100000)
  const nCA1 = num(p, 'nCA1', 100, 1, 100000)
  const nInt = num(p, 'nInterneurons', 20, 0, 100000)
  const pS = num(p, 'pSchaffer', 0.2, 0, 1)
  const wS = num(p, 'wSchaffer', lif ? 0.45 : 0.02, 0, 1000)
  const pF = num(p, 'pFeedforward', 0.2, 0, 1)
  const wF = num(p, 'wFeedforward', 0.02, 0, 100)
  const pI = num(p, 'pInhibition', 0.3, 0, 1)
  const wI = num(p, 'wInhibition', lif ? 0.5 : 0.02, 0, 1000)
  const nmdaRatio = num(p, 'nmdaRatio', 0.5, 0, 10)
  const velocity = num(p, 'velocity_m_per_s', 0.3, 0.01, 1000)
  const dt = num(p, 'dt_ms', 0.1, 0.001, 1)
  const W = 1600
  const H = 900
  return {
    name: 'hippocampalSlice',
    clock: { dt_ms: dt, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      regions: ['CA3', 'CA1'],
      populations: [...SLICE_POPULATIONS],
      pathways: ['none', 'S1', 'S2'],
      integrator,
      receptors: { nmdaRatio },
      scene: { nCA3, nCA1, nInterneurons: nInt, pSchaffer: pS, wSchaffer: wS, pFeedforward: pF, wFeedforward: wF, pInhibition: pI, wInhibition: wI, nmdaRatio, velocity_m_per_s: velocity, dt_ms: dt, integrator, ca1Model, plasticity },
      width_um: W,
      height_um: H,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const ca3: number[] = []
      const ca1: number[] = []
      const int: number[] = []
      // CA3 band on the left: S1 in the upper half, S2 in the lower half.
      for (let k = 0; k < nCA3; k++) {
        const s2 = k >= nCA3 / 2
        ca3.push(
          addNeuron(sim, {
            type: 'RS', region: 0, population: s2 ? 1 : 0, axonVelocity_m_per_s: velocity,
            x_um: 150 + 400 * rng.next(), y_um: (s2 ? 470 : 80) + 350 * rng.next(),
          }),
        )
      }
      // CA1 stratum pyramidale: a band on the right; interneurons scattered around it.
      // Pyramidal cells differ a little, as in Izhikevich (2003): c = −65 + 15 r², d = 8 − 6 r² with a
      // small r (most stay regular spiking), and a resting potential spread over a few mV.
      for (let k = 0; k < nCA1; k++) {
        const r = 0.3 * rng.next()
        const v_mV = -70 + 6 * rng.next()
        const x_um = 1000 + 450 * rng.next()
        const y_um = 380 + 140 * rng.next()
        ca1.push(
          lif
            ? addNeuron(sim, { model: 'lif', lif: CA1_LIF, region: 1, population: 2, x_um, y_um })
            : addNeuron(sim, { type: 'RS', c_mV: -65 + 15 * r * r, d: 8 - 6 * r * r, v_mV, u: 0.2 * v_mV, region: 1, population: 2, x_um, y_um }),
        )
      }
      for (let k = 0; k < nInt; k++)
        int.push(addNeuron(sim, { type: 'FS', excitatory: false, region: 1, population: 3, x_um: 950 + 550 * rng.next(), y_um: 250 + 400 * rng.next() }))
      const N = sim.components.Neuron
      for (const pre of ca3) {
        const pathway = N.population[pre] === 0 ? 1 : 2
        for (const post of ca1)
          if (rng.next() < pS)
            addSynapse(sim, pre, post, { weight: wS, receptor: 'glutamate', pathway, ...(plasticity === 'calciumControl' ? { calciumControl: 'shouval2002' } : {}) })
        for (const post of int) if (rng.next() < pF) addSynapse(sim, pre, post, { weight: wF, receptor: 'AMPA', pathway })
      }
      for (const pre of int) for (const post of ca1) if (rng.next() < pI) addSynapse(sim, pre, post, { weight: wI, receptor: 'GABA_A' })
    },
  }
}
