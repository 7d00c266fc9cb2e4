/**
 * Tagging neuron: one postsynaptic cell with two independent input pathways, S1 and S2, of
 * `perPathway` presynaptic cells each, one plastic synapse per cell — the two-pathway layout of
 * Frey & Morris (1997) and of the TagTriC simulations (Clopath et al. 2008: 2 × 100 synapses onto
 * one neuron). Each synapse follows an induction rule picked by name (an STDP rule of
 * params.stdpRules or a calcium rule of params.calciumRules) and, with `consolidation`, the
 * tagging-and-capture layer (systems/consolidation.ts).
 *
 * All cells are resting Izhikevich RS neurons; synapses are δ synapses with a 1 ms delay, too weak
 * together to make the postsynaptic cell fire (a volley of all 100 inputs at the default weight
 * moves v by ≈ 1 mV), so every spike is one an electrode forced: spike-mode electrodes over S1
 * (x = 100, y = 100 µm), S2 (x = 100, y = 300 µm) and the postsynaptic cell (x = 400, y = 200 µm)
 * pair pre- and postsynaptic spikes with the 'pair' action. Populations: "S1", "S2", "post";
 * pathways "S1", "S2". Tissue 500 × 400 µm. Cells of a pathway lie in an 80 µm square around its centre.
 *
 * | parameter     | unit   | default    | meaning                                              |
 * |---------------|--------|------------|------------------------------------------------------|
 * | perPathway    | –      | 100        | presynaptic cells (and synapses) per pathway          |
 * | rule          | –      | "additive" | induction rule (STDP or calcium rule name)            |
 * | weight        | weight | 0.1        | initial weight (calcium rules: the DOWN weight)       |
 * | consolidation | –      | true       | synapses join the tagging-and-capture layer           |
 * | dt_ms         | ms     | 0.1        | fast step                                             |
 *
 * References: Frey U, Morris RGM (1997) Nature 385:533. doi:10.1038/385533a0; Clopath C et al.
 *   (2008) PLoS Comput Biol 4:e1000248. doi:10.1371/journal.pcbi.1000248
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream } from '../src/engine/rng.ts'
import { STDP_RULES } from '../components/plasticity.ts'
import { CALCIUM_RULES } from '../components/calcium.ts'
import { enableConsolidation } from '../systems/consolidation.ts'
import { known, num, SceneParamError, type SceneParams } from './params.ts'

export const TAGGING_CENTRES = { S1: { x_um: 100, y_um: 100 }, S2: { x_um: 100, y_um: 300 }, post: { x_um: 400, y_um: 200 } } as const

export function taggingNeuron(p: SceneParams = {}): Scene {
  known(p, ['perPathway', 'rule', 'weight', 'consolidation', 'dt_ms'])
  const n = num(p, 'perPathway', 100, 1, 100000)
  if (!Number.isInteger(n)) throw new SceneParamError('perPathway', `expected a whole number, got ${n}`)
  const ruleName = p.rule === undefined ? 'additive' : p.rule
  const stdpNames = STDP_RULES.slice(1).map((r) => r.name)
  const calciumNames = CALCIUM_RULES.slice(1).map((r) => r.name)
  if (typeof ruleName !== 'string' || (!stdpNames.includes(ruleName) && !calciumNames.includes(ruleName)))
    throw new SceneParamError('rule', `expected an STDP rule (${stdpNames.join(', ')}) or a calcium rule (${calciumNames.join(', ')}), got ${JSON.stringify(ruleName)}`)
  const calcium = calciumNames.includes(ruleName)
  const weight = num(p, 'weight', 0.1, 0, 100)
  if (p.consolidation !== undefined && typeof p.consolidation !== 'boolean')
    throw new SceneParamError('consolidation', `expected true or false, got ${JSON.stringify(p.consolidation)}`)
  const consolidation = p.consolidation !== false
  const dt = num(p, 'dt_ms', 0.1, 0.001, 1)
  return {
    name: 'taggingNeuron',
    clock: { dt_ms: dt, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      regions: ['tissue'],
      populations: ['S1', 'S2', 'post'],
      pathways: ['none', 'S1', 'S2'],
      scene: { perPathway: n, rule: ruleName, weight, consolidation, dt_ms: dt },
      width_um: 500,
      height_um: 400,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const c = TAGGING_CENTRES
      const post = addNeuron(sim, { ...c.post, population: 2 })
      const pre: number[][] = [[], []]
      for (let k = 0; k < 2; k++) {
        const at = k === 0 ? c.S1 : c.S2
        for (let i = 0; i < n; i++) {
          pre[k]!.push(addNeuron(sim, { population: k, x_um: at.x_um + 80 * (rng.next() - 0.5), y_um: at.y_um + 80 * (rng.next() - 0.5) }))
        }
      }
      for (let k = 0; k < 2; k++)
        for (const a of pre[k]!) {
          const common = { receptor: 'delta' as const, delay_ms: 1, pathway: k + 1, weight }
          const s = calcium ? addSynapse(sim, a, post, { ...common, calcium: { rule: ruleName, rho: 0 } }) : addSynapse(sim, a, post, { ...common, stdp: ruleName })
          if (consolidation) enableConsolidation(sim, s)
        }
    },
  }
}
