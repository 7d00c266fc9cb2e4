/**
 * BCM pattern selectivity (Intrator & Cooper 1992; VALIDATION item 8a): rate-based BCM output units
 * (components/bcm.ts, systems/bcmRate.ts) each receiving one synapse from each of `nInputs` input
 * units, shown `nPatterns` equiprobable orthogonal patterns — pattern k drives input block k at
 * `rate_Hz`, the other inputs at 0. One pattern is presented per slow tick (1 s), so the scenario can
 * run the learning with `advance` (slow time only).
 *
 * Output unit j starts with weights w_init·(1 + 0.1 u), u uniform in [−1, 1] (stream 'build'), so
 * that its responses to the patterns start near y0 and differ a little; the presentation order (stream
 * 'bcmPatterns') then decides which pattern each unit comes to prefer. Fixed point (Intrator &
 * Cooper 1992): preferred response 2·y0 (one of two equiprobable patterns), the others 0.
 *
 * | parameter  | unit       | default | meaning                                                  |
 * |------------|------------|---------|----------------------------------------------------------|
 * | nOutputs   | –          | 5       | independent output units                                 |
 * | nInputs    | –          | 2       | input units (split evenly into the patterns' blocks)     |
 * | nPatterns  | –          | 2       | orthogonal patterns                                      |
 * | rate_Hz    | Hz         | 10      | input rate in a pattern's block                          |
 * | y0_Hz      | Hz         | 1       | BCM activity scale y0                                    |
 * | tau_ms     | ms         | 10000   | τ_θ (fast against learning: stability of the fixed point) |
 * | eta        | 1/(s·Hz³)  | 1e−4    | learning rate η                                          |
 * | wInit      | –          | 0.1     | initial weight (response y0 to either pattern)            |
 *
 * Neurons: output units in population "output" (y = 150 µm), inputs in "input" (y = 50 µm); synapses
 * from input block k form pathway "p<k>". Units are Izhikevich cells at rest that never spike.
 *
 * References: Intrator N, Cooper LN (1992) Neural Netw 5:3. doi:10.1016/S0893-6080(05)80003-6;
 *   Bienenstock EL, Cooper LN, Munro PW (1982) J Neurosci 2:32.
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream } from '../src/engine/rng.ts'
import { setBcm } from '../systems/bcm.ts'
import { setBcmPatterns } from '../systems/bcmRate.ts'
import { known, num, SceneParamError, type SceneParams } from './params.ts'

export function bcmPatterns(p: SceneParams = {}): Scene {
  known(p, ['nOutputs', 'nInputs', 'nPatterns', 'rate_Hz', 'y0_Hz', 'tau_ms', 'eta', 'wInit'])
  const nOut = num(p, 'nOutputs', 5, 1, 10000)
  const nIn = num(p, 'nInputs', 2, 1, 10000)
  const nPat = num(p, 'nPatterns', 2, 1, 1000)
  for (const [k, v] of [['nOutputs', nOut], ['nInputs', nIn], ['nPatterns', nPat]] as const)
    if (!Number.isInteger(v)) throw new SceneParamError(k, `expected a whole number, got ${v}`)
  if (nIn % nPat !== 0) throw new SceneParamError('nInputs', `must be a multiple of nPatterns (${nPat})`)
  const rate = num(p, 'rate_Hz', 10, 0, 10000)
  const y0 = num(p, 'y0_Hz', 1, 1e-6, 10000)
  const tau = num(p, 'tau_ms', 10000, 1, 1e12)
  const eta = num(p, 'eta', 1e-4, 0, 1e6)
  const wInit = num(p, 'wInit', 0.1, 0, 1e6)
  const block = nIn / nPat
  return {
    name: 'bcmPatterns',
    clock: { dt_ms: 1, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      regions: ['tissue'],
      populations: ['input', 'output'],
      pathways: ['none', ...Array.from({ length: nPat }, (_, k) => `p${k}`)],
      scene: { nOutputs: nOut, nInputs: nIn, nPatterns: nPat, rate_Hz: rate, y0_Hz: y0, tau_ms: tau, eta, wInit },
      width_um: 100 * Math.max(nIn, nOut),
      height_um: 200,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const inputs: number[] = []
      const outputs: number[] = []
      for (let i = 0; i < nIn; i++) {
        const n = addNeuron(sim, { x_um: 100 * i + 50, y_um: 50, population: 0 })
        setBcm(sim, n, { y0_Hz: y0, tau_ms: tau, rate: true })
        inputs.push(n)
      }
      for (let j = 0; j < nOut; j++) {
        const n = addNeuron(sim, { x_um: 100 * j + 50, y_um: 150, population: 1 })
        setBcm(sim, n, { y0_Hz: y0, tau_ms: tau, rate: true, eta })
        outputs.push(n)
        for (let i = 0; i < nIn; i++)
          addSynapse(sim, inputs[i]!, n, { weight: wInit * (1 + 0.1 * (2 * rng.next() - 1)), receptor: 'AMPA', pathway: 1 + Math.floor(i / block) })
      }
      const patterns = Array.from({ length: nPat }, (_, k) => inputs.map((_, i) => (Math.floor(i / block) === k ? rate : 0)))
      setBcmPatterns(sim, { inputs, outputs, patterns })
    },
  }
}
