/**
 * Plastic pairs: N independent presynaptic → postsynaptic neuron pairs, each joined by M parallel
 * plastic synapses under one plasticity rule picked by name — an STDP rule of `params.stdpRules`
 * (components/plasticity.ts) or a calcium rule of `params.calciumRules` (components/calcium.ts).
 * The scene of the plasticity validation scenarios (scenes/validation/): electrodes in spike mode
 * over a pair's two neurons drive it with the 'pairing' protocol, and the weight probe of the
 * pair's pathway reads its synapses.
 *
 * Neurons are resting Izhikevich RS cells; synapses are δ synapses with a 1 ms delay, too weak
 * together to make the postsynaptic cell fire (0.5 × 0.1 ms moves v by 0.05 mV), so the neurons
 * fire exactly the spikes the electrodes force. Pair k (k = 0 … N−1) sits at x = 100·k + 50 µm:
 * its presynaptic cell at y = 50 µm (population "pre"), its postsynaptic cell at y = 150 µm
 * (population "post"); its synapses form pathway "pair<k>". Tissue: 100·N × 200 µm.
 *
 * Calcium rules: a fraction β of each pair's synapses (the rule's β, rounded) starts DOWN (ρ = 0)
 * with weight w, the rest UP (ρ = 1) with weight b·w (Graupner & Brunel 2012, w_after/w_before).
 * STDP rules: every synapse starts at weight w.
 *
 * | parameter       | unit   | default                    | meaning                                   |
 * |-----------------|--------|----------------------------|-------------------------------------------|
 * | nPairs          | –      | 1                          | independent pre/post pairs                |
 * | synapsesPerPair | –      | 1                          | parallel plastic synapses per pair        |
 * | rule            | –      | "additive"                 | STDP or calcium rule name                 |
 * | weight          | weight | 0.5 (STDP), 1e−5 (calcium) | initial (STDP) / DOWN (calcium) weight    |
 * | dt_ms           | ms     | 0.1                        | fast step                                 |
 *
 * References: Song S, Miller KD, Abbott LF (2000) Nat Neurosci 3:919; Graupner M, Brunel N (2012)
 *   PNAS 109:3991. doi:10.1073/pnas.1109359109
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { STDP_RULES } from '../components/plasticity.ts'
import { CALCIUM_RULES } from '../components/calcium.ts'
import { known, num, SceneParamError, type SceneParams } from './params.ts'

/** Spacing of the pairs along x, and y of the two cells of a pair (µm). */
export const PAIR_SPACING_um = 100
export const PRE_Y_um = 50
export const POST_Y_um = 150

export function plasticPairs(p: SceneParams = {}): Scene {
  known(p, ['nPairs', 'synapsesPerPair', 'rule', 'weight', 'dt_ms'])
  const nPairs = num(p, 'nPairs', 1, 1, 1000)
  const perPair = num(p, 'synapsesPerPair', 1, 1, 1_000_000)
  if (!Number.isInteger(nPairs)) throw new SceneParamError('nPairs', `expected a whole number, got ${nPairs}`)
  if (!Number.isInteger(perPair)) throw new SceneParamError('synapsesPerPair', `expected a whole number, got ${perPair}`)
  const ruleName = p.rule === undefined ? 'additive' : p.rule
  const stdpNames = STDP_RULES.slice(1).map((r) => r.name)
  const calciumNames = CALCIUM_RULES.slice(1).map((r) => r.name)
  if (typeof ruleName !== 'string' || (!stdpNames.includes(ruleName) && !calciumNames.includes(ruleName)))
    throw new SceneParamError('rule', `expected an STDP rule (${stdpNames.join(', ')}) or a calcium rule (${calciumNames.join(', ')}), got ${JSON.stringify(ruleName)}`)
  const calcium = CALCIUM_RULES.find((r) => r.name === ruleName)
  const weight = num(p, 'weight', calcium ? 1e-5 : 0.5, 0, 100)
  const dt = num(p, 'dt_ms', 0.1, 0.001, 1)
  const pathways = ['none', ...Array.from({ length: nPairs }, (_, k) => `pair${k}`)]
  return {
    name: 'plasticPairs',
    clock: { dt_ms: dt, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      regions: ['tissue'],
      populations: ['pre', 'post'],
      pathways,
      scene: { nPairs, synapsesPerPair: perPair, rule: ruleName, weight, dt_ms: dt },
      width_um: PAIR_SPACING_um * nPairs,
      height_um: 200,
    },
    build(sim) {
      const nDown = calcium ? Math.round(calcium.beta * perPair) : perPair
      for (let k = 0; k < nPairs; k++) {
        const x_um = PAIR_SPACING_um * k + PAIR_SPACING_um / 2
        const pre = addNeuron(sim, { x_um, y_um: PRE_Y_um, population: 0 })
        const post = addNeuron(sim, { x_um, y_um: POST_Y_um, population: 1 })
        for (let s = 0; s < perPair; s++) {
          const common = { receptor: 'delta' as const, delay_ms: 1, pathway: k + 1 }
          if (calcium) {
            const rho = s < nDown ? 0 : 1
            addSynapse(sim, pre, post, { ...common, weight: rho ? weight * calcium.b : weight, calcium: { rule: ruleName, rho } })
          } else addSynapse(sim, pre, post, { ...common, weight, stdp: ruleName })
        }
      }
    },
  }
}
