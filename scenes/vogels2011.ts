/**
 * Inhibitory plasticity in a recurrent network (Vogels, Sprekeler, Zenke, Clopath & Gerstner 2011,
 * Fig. 4 / SOM "recurrent network"): N_E excitatory and N_I = N_E/4 inhibitory conductance-based
 * LIF neurons, randomly connected with probability ε, a constant background current making every
 * neuron fire on its own, and iSTDP (systems/inhibitoryStdp.ts) on the I → E synapses, switched on
 * at `istdpOnset_ms`. Before the onset inhibition onto E cells is (almost) absent and the network
 * fires at a high rate; iSTDP then grows the I → E weights until the E cells fire near ρ0
 * (VALIDATION item 11).
 *
 * Parameters (paper's SOM; the same values as the Brian example of this network by F. Zenke):
 *   C = 200 pF, g_L = 10 nS (τ = 20 ms), E_L = V_reset = −60 mV, V_th = −50 mV, t_ref = 5 ms,
 *   I_bg = 200 pA, E_AMPA = 0 mV, E_GABA = −80 mV, τ_AMPA = 5 ms, τ_GABA = 10 ms,
 *   ε = 0.02, E → E and E → I 0.3 nS, I → I 3 nS, I → E initially w_IE0 (0: "weak inhibition";
 *   the Brian example uses 1e−10 nS), iSTDP η = 1e−2 nS, τ_STDP = 20 ms, ρ0 = 3 Hz,
 *   α = 2 ρ0 τ_STDP, w_max = 100 nS, switched on at 1 s.
 * Choices the paper leaves open: one-step (dt) synaptic delays (the engine's minimum; the Brian
 * model has none), no self-connections, initial V uniform in [E_L, V_th] (stream 'build');
 * connections are drawn per presynaptic neuron by geometric skipping (each pair independently with
 * probability ε). Forward-Euler membrane at dt = 0.1 ms.
 *
 * Several networks in one world: one independent network per value of `rho0_Hz` (each with its own
 * iSTDP rule "vogels2011_rho<r>"), so one run compares target rates. Names per network (r as
 * written): populations E<r>, I<r>; pathways EE<r>, EI<r>, IE<r>, II<r>.
 *
 * | parameter     | unit | default | meaning                                          |
 * |---------------|------|---------|--------------------------------------------------|
 * | nE            | –    | 8000    | excitatory neurons per network (N_I = nE/4)     |
 * | epsilon       | –    | 0.02    | connection probability                           |
 * | rho0_Hz       | Hz   | [3]     | target rate of each network's iSTDP rule         |
 * | eta_nS        | nS   | 0.01    | learning rate η                                  |
 * | istdpOnset_ms | ms   | 1000    | iSTDP switched on at this fast time              |
 * | wIE0_nS       | nS   | 0       | initial I → E weight                             |
 * | plastic       | –    | true    | false: I → E stay at wIE0 (no iSTDP)             |
 * | dt_ms         | ms   | 0.1     | fast step                                        |
 *
 * References: Vogels TP, Sprekeler H, Zenke F, Clopath C, Gerstner W (2011) Science 334:1569.
 *   doi:10.1126/science.1211095 ; Vogels TP, Abbott LF (2005) J Neurosci 25:10786.
 */
import type { Scene, Sim } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream, standardExponential, type Stream } from '../src/engine/rng.ts'
import { log } from '../src/engine/detmath.ts'
import { ISTDP_RULES, type IstdpRule } from '../components/inhibitoryPlasticity.ts'
import { setIstdpRule } from '../systems/inhibitoryStdp.ts'
import { known, num, SceneParamError, type SceneParams } from './params.ts'

export function vogels2011(p: SceneParams = {}): Scene {
  known(p, ['nE', 'epsilon', 'rho0_Hz', 'eta_nS', 'istdpOnset_ms', 'wIE0_nS', 'plastic', 'dt_ms'])
  const nE = num(p, 'nE', 8000, 4, 100_000)
  if (!Number.isInteger(nE) || nE % 4 !== 0) throw new SceneParamError('nE', `expected a whole multiple of 4, got ${nE}`)
  const nI = nE / 4
  const eps = num(p, 'epsilon', 0.02, 1e-6, 1)
  const rhos = p.rho0_Hz === undefined ? [3] : p.rho0_Hz
  if (!Array.isArray(rhos) || rhos.length === 0 || rhos.some((r) => typeof r !== 'number' || !(r >= 0) || r > 1000))
    throw new SceneParamError('rho0_Hz', `expected a list of target rates in [0, 1000] Hz, got ${JSON.stringify(rhos)}`)
  if (new Set(rhos).size !== rhos.length) throw new SceneParamError('rho0_Hz', `rates must be distinct, got ${JSON.stringify(rhos)}`)
  const eta = num(p, 'eta_nS', 0.01, 0, 100)
  const onset = num(p, 'istdpOnset_ms', 1000, 0)
  const wIE0 = num(p, 'wIE0_nS', 0, 0, 100)
  const plastic = p.plastic === undefined ? true : p.plastic
  if (typeof plastic !== 'boolean') throw new SceneParamError('plastic', `expected true or false, got ${JSON.stringify(plastic)}`)
  const dt = num(p, 'dt_ms', 0.1, 0.001, 1)
  const names = (rhos as number[]).map((r) => String(r))
  const base = ISTDP_RULES.find((r) => r.name === 'vogels2011')!
  const rules: IstdpRule[] = [
    { ...ISTDP_RULES[0]! },
    ...(rhos as number[]).map((r, k) => ({ ...base, name: `vogels2011_rho${names[k]}`, rho0_Hz: r, eta, onset_ms: onset })),
  ]
  return {
    name: 'vogels2011',
    clock: { dt_ms: dt, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      receptors: { tauAMPA_ms: 5, tauGABA_ms: 10, E_AMPA_mV: 0, E_GABA_mV: -80 },
      istdpRules: rules,
      regions: ['tissue'],
      populations: names.flatMap((r) => [`E${r}`, `I${r}`]),
      pathways: ['none', ...names.flatMap((r) => [`EE${r}`, `EI${r}`, `IE${r}`, `II${r}`])],
      scene: { nE, epsilon: eps, rho0_Hz: rhos, eta_nS: eta, istdpOnset_ms: onset, wIE0_nS: wIE0, plastic, dt_ms: dt },
      width_um: 1000 * names.length,
      height_um: 1000,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const c = -log(1 - eps)
      names.forEach((_, k) => buildNetwork(sim, rng, k, nE, nI, c, eps, dt, wIE0, plastic ? k + 1 : 0))
    },
  }
}

function buildNetwork(sim: Sim, rng: Stream, k: number, nE: number, nI: number, c: number, eps: number, dt: number, wIE0: number, rule: number): void {
  const ids: number[] = []
  const side = Math.ceil(Math.sqrt(nE + nI))
  for (let i = 0; i < nE + nI; i++) {
    const exc = i < nE
    ids.push(
      addNeuron(sim, {
        model: 'lif',
        lif: { C_pF: 200, gL_nS: 10, EL_mV: -60, Vth_mV: -50, Vreset_mV: -60, tRef_ms: 5 },
        excitatory: exc,
        population: 2 * k + (exc ? 0 : 1),
        I_bias: 200,
        v_mV: -60 + 10 * rng.next(),
        x_um: 1000 * k + ((i % side) + 0.5) * (1000 / side),
        y_um: (Math.floor(i / side) + 0.5) * (1000 / side),
      }),
    )
  }
  const path = 4 * k + 1 // EE, EI, IE, II
  for (let a = 0; a < nE + nI; a++) {
    const pre = ids[a]!
    const exc = a < nE
    // Targets j ≠ a, each with probability ε: gaps between chosen targets are geometric.
    for (let j = -1; ; ) {
      j += eps >= 1 ? 1 : 1 + Math.floor(standardExponential(rng) / c)
      if (j >= nE + nI) break
      if (j === a) continue
      const post = ids[j]!
      const toE = j < nE
      if (exc) addSynapse(sim, pre, post, { weight: 0.3, receptor: 'AMPA', delay_ms: dt, pathway: path + (toE ? 0 : 1) })
      else {
        const s = addSynapse(sim, pre, post, { weight: toE ? wIE0 : 3, receptor: 'GABA_A', delay_ms: dt, pathway: path + (toE ? 2 : 3) })
        if (toE && rule !== 0) setIstdpRule(sim, s, rule)
      }
    }
  }
}
