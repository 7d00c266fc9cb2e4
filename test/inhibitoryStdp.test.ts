/**
 * Inhibitory STDP (Vogels et al. 2011; components/inhibitoryPlasticity.ts, systems/inhibitoryStdp.ts).
 *
 * 1. A hand-made spike sequence (pre and post spikes forced at chosen steps) against the closed form
 *    of the rule, evaluated in continuous time over the spike times:
 *      at a pre spike t:   Δw = η (Σ_{post t' < t} e^(−(t − t')/τ) − α)
 *      at a post spike t:  Δw = η  Σ_{pre  t' < t} e^(−(t − t')/τ)
 *    plus the onset (no change before it, traces running) and the bounds.
 * 2. The fixed point: Poisson pre trains at ρ_pre onto targets firing as Poisson trains at ρ_post
 *    drift at ⟨dw/dt⟩ = 2 η τ ρ_pre (ρ_post − ρ0): zero at ρ_post = ρ0, positive above, negative below.
 */
import { describe, expect, test } from 'vitest'
import { createSim, type Scene, type Sim } from '../src/engine/world.ts'
import { runSteps, step } from '../src/engine/pipeline.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stateHash } from '../src/engine/hash.ts'
import { save, load } from '../src/engine/snapshot.ts'
import { ISTDP_RULES, type IstdpRule } from '../components/inhibitoryPlasticity.ts'
import { setIstdpRule } from '../systems/inhibitoryStdp.ts'
import { addSpikeSource } from '../systems/spikeSources.ts'

const DT = 0.1
const RULE: IstdpRule = { name: 'test', eta: 0.01, rho0_Hz: 3, tau_ms: 20, wMax: 100, onset_ms: 0 }

function world(rule: IstdpRule, build: (sim: Sim) => void, seed = 1): Sim {
  const scene: Scene = { name: 'istdp-test', clock: { dt_ms: DT }, params: { istdpRules: [{ ...ISTDP_RULES[0]! }, rule] }, build }
  return createSim(scene, seed)
}

/** Run, forcing neuron `pre` / `post` to fire at the given steps; returns nothing (weights are read after). */
function runForced(sim: Sim, pre: number, post: number, preSteps: number[], postSteps: number[], until: number): void {
  const F = sim.components.Neuron.forceSpike
  while (sim.time.step < until) {
    if (preSteps.includes(sim.time.step)) F[pre] = 1
    if (postSteps.includes(sim.time.step)) F[post] = 1
    step(sim)
  }
}

/** The closed form over spike times (ms), clipped at the bounds after each event. */
function closedForm(rule: IstdpRule, w0: number, pre_ms: number[], post_ms: number[]): number {
  const alpha = (2 * rule.rho0_Hz * rule.tau_ms) / 1000
  const events = [...pre_ms.map((t) => ({ t, pre: true })), ...post_ms.map((t) => ({ t, pre: false }))].sort((a, b) => a.t - b.t || (a.pre ? -1 : 1))
  let w = w0
  for (const e of events) {
    if (e.t < rule.onset_ms - 1e-9) continue
    const other = e.pre ? post_ms : pre_ms
    let trace = 0
    for (const t of other) if (t < e.t - 1e-9) trace += Math.exp(-(e.t - t) / rule.tau_ms)
    w += rule.eta * (e.pre ? trace - alpha : trace)
    w = Math.min(rule.wMax, Math.max(0, w))
  }
  return w
}

function pair(rule: IstdpRule, w0: number) {
  let pre = 0
  let post = 0
  let syn = 0
  const sim = world(rule, (s) => {
    pre = addNeuron(s, { model: 'lif', excitatory: false })
    post = addNeuron(s, { model: 'lif' })
    syn = addSynapse(s, pre, post, { weight: w0, receptor: 'GABA_A', delay_ms: DT })
    setIstdpRule(s, syn, 'test')
  })
  return { sim, pre, post, syn }
}

describe('iSTDP rule (Vogels et al. 2011)', () => {
  // Steps of 0.1 ms: pre at 10, 40, 41.5, 61, 100 ms; post at 15, 42, 60, 62, 130 ms (both orders, close and far).
  const preSteps = [100, 400, 415, 610, 1000]
  const postSteps = [150, 420, 600, 620, 1300]
  const ms = (s: number[]) => s.map((k) => k * DT)

  test('hand-made sequence: weight after each spike matches the closed form', () => {
    const { sim, pre, post, syn } = pair(RULE, 1)
    runForced(sim, pre, post, preSteps, postSteps, 1400)
    const expected = closedForm(RULE, 1, ms(preSteps), ms(postSteps))
    expect(Math.abs(expected - 1)).toBeGreaterThan(0.01) // the sequence does change the weight
    expect(sim.components.Synapse.weight[syn]).toBeCloseTo(expected, 5)
    // The intermediate value after the first pre→post pair (Δt = +5 ms): 1 − ηα + η e^(−5/20).
    const { sim: s2, pre: p2, post: q2, syn: y2 } = pair(RULE, 1)
    runForced(s2, p2, q2, [100], [150], 200)
    expect(s2.components.Synapse.weight[y2]).toBeCloseTo(1 - 0.01 * 0.12 + 0.01 * Math.exp(-5 / 20), 6)
  })

  test('symmetric window: post→pre at −Δt gives the same potentiation as pre→post at +Δt (apart from −ηα)', () => {
    const a = pair(RULE, 1)
    runForced(a.sim, a.pre, a.post, [100], [200], 300) // pre first, Δt = +10 ms
    const b = pair(RULE, 1)
    runForced(b.sim, b.pre, b.post, [200], [100], 300) // post first, Δt = −10 ms
    const expected = 1 + 0.01 * (Math.exp(-10 / 20) - 0.12)
    expect(a.sim.components.Synapse.weight[a.syn]).toBeCloseTo(expected, 6)
    expect(b.sim.components.Synapse.weight[b.syn]).toBeCloseTo(expected, 6)
  })

  test('onset: no change before onset_ms, the closed form (with traces from t = 0) after it', () => {
    const rule = { ...RULE, onset_ms: 50 }
    const { sim, pre, post, syn } = pair(rule, 1)
    runForced(sim, pre, post, preSteps, postSteps, 499)
    expect(sim.components.Synapse.weight[syn]).toBe(1)
    runForced(sim, pre, post, preSteps, postSteps, 1400)
    expect(sim.components.Synapse.weight[syn]).toBeCloseTo(closedForm(rule, 1, ms(preSteps), ms(postSteps)), 5)
  })

  test('bounds: lone pre spikes depress to 0 and stop there; w_max caps potentiation', () => {
    const { sim, pre, post, syn } = pair(RULE, 0.003)
    runForced(sim, pre, post, [10, 2000, 4000], [], 5000)
    expect(sim.components.Synapse.weight[syn]).toBe(0)
    const hi = pair({ ...RULE, eta: 50, wMax: 60 }, 59)
    runForced(hi.sim, hi.pre, hi.post, [100], [110], 200)
    expect(hi.sim.components.Synapse.weight[hi.syn]).toBe(60)
  })

  test('rules in use must share τ_STDP; unknown rules are refused', () => {
    const sim = world(RULE, () => {})
    sim.params.istdpRules!.push({ ...RULE, name: 'slow', tau_ms: 40 })
    const a = addNeuron(sim, { model: 'lif' })
    const b = addNeuron(sim, { model: 'lif' })
    setIstdpRule(sim, addSynapse(sim, a, b, { weight: 1, receptor: 'GABA_A' }), 'test')
    setIstdpRule(sim, addSynapse(sim, a, b, { weight: 1, receptor: 'GABA_A' }), 'slow')
    expect(() => step(sim)).toThrow(/share tau_ms/)
    expect(() => setIstdpRule(sim, 1 + sim.synapseCount + 10, 'test')).toThrow(/not a live synapse/)
    const s = addSynapse(sim, a, b, { weight: 1, receptor: 'GABA_A' })
    expect(() => setIstdpRule(sim, s, 'nope')).toThrow(/unknown iSTDP rule/)
  })
})

describe('iSTDP fixed point ρ0', () => {
  test('Poisson trains: mean drift 2ητρ_pre(ρ_post − ρ0) — ≈ 0 at ρ0, + above, − below; snapshot-exact', { timeout: 120_000 }, () => {
    const rates = [1.5, 3, 6]
    const nPre = 100
    const ratePre = 10
    const w0 = 50
    const syn: number[][] = rates.map(() => [])
    const build = (s: Sim) => {
      const posts = rates.map((r) => addSpikeSource(s, { rate_Hz: r }))
      for (let i = 0; i < nPre; i++) {
        const pre = addSpikeSource(s, { rate_Hz: ratePre, excitatory: false })
        posts.forEach((post, k) => {
          const e = addSynapse(s, pre, post, { weight: w0, receptor: 'GABA_A', delay_ms: DT })
          setIstdpRule(s, e, 'test')
          syn[k]!.push(e)
        })
      }
    }
    const sim = world(RULE, build, 3)
    const T_s = 50
    runSteps(sim, (T_s * 1000) / DT)
    const W = sim.components.Synapse.weight
    const drift = syn.map((row) => row.reduce((a, e) => a + (W[e]! - w0), 0) / row.length / T_s)
    const predicted = rates.map((r) => 2 * RULE.eta * (RULE.tau_ms / 1000) * ratePre * (r - RULE.rho0_Hz))
    // ±6 mnS/s: the spread of the mean over 100 synapses sharing one post train (estimated from
    // the Poisson counts: η·sqrt(ρ_pre·T)·(α + ρ_post·τ) / T per synapse, plus the shared post count).
    expect(drift[1]!).toBeGreaterThan(-0.006)
    expect(drift[1]!).toBeLessThan(0.006)
    expect(drift[2]!).toBeGreaterThan(predicted[2]! - 0.006)
    expect(drift[2]!).toBeLessThan(predicted[2]! + 0.006)
    expect(drift[0]!).toBeGreaterThan(predicted[0]! - 0.006)
    expect(drift[0]!).toBeLessThan(predicted[0]! + 0.006)
    expect(drift[0]!).toBeLessThan(0)
    expect(drift[2]!).toBeGreaterThan(0.006)
    // Determinism across a snapshot with iSTDP and sources.
    const a = world(RULE, build, 4)
    const b = world(RULE, build, 4)
    runSteps(a, 4000)
    runSteps(b, 2000)
    const c = load(save(b))
    runSteps(c, 2000)
    expect(stateHash(c)).toBe(stateHash(a))
  })
})
