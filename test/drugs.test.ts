/**
 * Drugs (components/drugs.ts, systems/drugs.ts): occupancy by the Hill equation, and what each drug
 * does to the mechanisms through the real engine — APV and D-serine on NMDA, CNQX on AMPA,
 * bicuculline on GABA_A, TTX on spikes and background drive, APV and KN-93 on the Graupner–Brunel
 * rule — plus the scenario actions (drug apply/wash, advance) and their errors.
 */
import { describe, expect, test } from 'vitest'
import { createSim, defaultParams, type Scene, type Sim } from '../src/engine/world.ts'
import { addElectrode, addNeuron, addSynapse, setDrive } from '../src/engine/entities.ts'
import { startProtocol } from '../src/engine/protocols.ts'
import { run } from '../src/engine/pipeline.ts'
import { save, load } from '../src/engine/snapshot.ts'
import { stateHash } from '../src/engine/hash.ts'
import { DRUGS, NO_DRUG_EFFECTS, occupancy } from '../components/drugs.ts'
import { applyDrug, computeEffects, drugEffects, washDrug, washAllDrugs } from '../systems/drugs.ts'
import { CALCIUM_RULES } from '../components/calcium.ts'
import { parseScenario } from '../src/scenario/parse.ts'
import { ScenarioError } from '../src/scenario/errors.ts'
import { createRun } from '../src/scenario/runner.ts'
import { SCENES } from '../scenes/index.ts'

function emptyScene(build: (sim: Sim) => void, receptors: Partial<ReturnType<typeof defaultParams>['receptors']> = {}): Scene {
  return { name: 'drug-test', clock: { dt_ms: 0.1 }, params: { receptors }, build }
}

/** One presynaptic cell forced to fire at 10 ms onto a postsynaptic cell by one synapse of `receptor`. */
function pairWorld(receptor: 'glutamate' | 'AMPA' | 'GABA_A', receptors = {}) {
  let pre = 0
  let post = 0
  const sim = createSim(
    emptyScene((s) => {
      pre = addNeuron(s, { x_um: 0, y_um: 0 })
      post = addNeuron(s, { x_um: 0, y_um: 10 })
      addSynapse(s, pre, post, { weight: 0.5, receptor, delay_ms: 1 })
    }, receptors),
    1,
  )
  return { sim, pre, post }
}

/** Peak conductances seen at `post` over 30 ms after a forced presynaptic spike. */
function response(sim: Sim, pre: number, post: number) {
  const R = sim.components.Receptors
  sim.components.Neuron.forceSpike[pre] = 1
  let gA = 0
  let gN = 0
  let gG = 0
  for (let i = 0; i < 300; i++) {
    run(sim, 0.1)
    gA = Math.max(gA, R.g_AMPA[post]!)
    gN = Math.max(gN, R.nmdaDecay[post]! - R.nmdaRise[post]!)
    gG = Math.max(gG, R.g_GABA[post]!)
  }
  return { gA, gN, gG }
}

describe('drug effects', () => {
  test('Hill occupancy with coefficient 1; no drugs is the identity', () => {
    expect(occupancy(0, 3)).toBe(0)
    expect(occupancy(3, 3)).toBe(0.5)
    expect(occupancy(27, 3)).toBeCloseTo(0.9, 12)
    expect(computeEffects({})).toEqual(NO_DRUG_EFFECTS)
    const e = computeEffects({ APV: 50, CNQX: 10, bicuculline: 10, TTX: 1, anisomycin: 20, 'KN-93': 10 })
    expect(e.nmdaGain).toBeCloseTo(3 / 53, 12)
    expect(e.ampaGain).toBeCloseTo(0.3 / 10.3, 12)
    expect(e.gabaGain).toBeCloseTo(2 / 12, 12)
    expect(e.spikesBlocked).toBe(true)
    expect(e.proteinSynthesis).toBeCloseTo(3.5 / 23.5, 12) // ≥ 85 % block at 20 µM (Frey et al. 1988)
    expect(e.camkii).toBeCloseTo(0.37 / 10.37, 12)
    expect(computeEffects({ TTX: 0.005 }).spikesBlocked).toBe(false) // below its IC50
  })

  test('D-serine raises NMDA only where the co-agonist site is not saturated', () => {
    expect(computeEffects({ 'D-serine': 100 }, 1).nmdaGain).toBe(1)
    const q0 = 0.6
    // Weights are as built at the resting occupancy q0: D-serine raises NMDA by the unoccupied part.
    expect(computeEffects({ 'D-serine': 100 }, q0).nmdaGain).toBeCloseTo((q0 + (1 - q0) * (100 / 101)) / q0, 12)
    expect(computeEffects({ 'D-serine': 0.001 }, q0).nmdaGain).toBeGreaterThan(1)
    expect(computeEffects({}, q0)).toEqual(NO_DRUG_EFFECTS) // no drug: the scene's own synapses as built
  })

  test('apply / wash: names and aliases, bath concentrations, clear errors, state replaced not mutated', () => {
    const { sim } = pairWorld('glutamate')
    const h0 = stateHash(sim)
    applyDrug(sim, 'd-ap5')
    expect(sim.state.drugs).toEqual({ APV: DRUGS.APV.bath_uM })
    const before = sim.state.drugs
    applyDrug(sim, 'CNQX', 5)
    expect(before).toEqual({ APV: 50 })
    expect(sim.state.drugs).toEqual({ APV: 50, CNQX: 5 })
    expect(() => applyDrug(sim, 'caffeine')).toThrow(/unknown drug "caffeine" \(drugs: APV, CNQX/)
    expect(() => applyDrug(sim, 'APV', -1)).toThrow(/concentration/)
    washDrug(sim, 'APV')
    washDrug(sim, 'apv') // already out: no-op
    expect(drugEffects(sim).ampaGain).toBeCloseTo(0.3 / 5.3, 12)
    washAllDrugs(sim)
    expect(sim.state.drugs).toBeUndefined()
    expect(drugEffects(sim)).toBe(NO_DRUG_EFFECTS)
    expect(stateHash(sim)).toBe(h0)
  })
})

describe('drugs in the engine', () => {
  test('APV scales NMDA by 1 − block and leaves AMPA; CNQX the reverse; bicuculline GABA_A', () => {
    const ctl = pairWorld('glutamate')
    const c = response(ctl.sim, ctl.pre, ctl.post)
    expect(c.gA).toBeGreaterThan(0)
    expect(c.gN).toBeGreaterThan(0)
    const apv = pairWorld('glutamate')
    applyDrug(apv.sim, 'APV')
    const a = response(apv.sim, apv.pre, apv.post)
    expect(a.gA).toBe(c.gA)
    expect(a.gN / c.gN).toBeCloseTo(3 / 53, 6)
    const cnqx = pairWorld('glutamate')
    applyDrug(cnqx.sim, 'CNQX')
    const q = response(cnqx.sim, cnqx.pre, cnqx.post)
    expect(q.gN).toBe(c.gN)
    expect(q.gA / c.gA).toBeCloseTo(0.3 / 10.3, 6)
    const g0 = pairWorld('GABA_A')
    const gc = response(g0.sim, g0.pre, g0.post)
    const g1 = pairWorld('GABA_A')
    applyDrug(g1.sim, 'bicuculline', 2) // at its IC50: half
    expect(response(g1.sim, g1.pre, g1.post).gG / gc.gG).toBeCloseTo(0.5, 6)
  })

  test('TTX: no spikes (forced or driven); drive resumes after washout without a burst', () => {
    const build = (s: Sim) => {
      for (let k = 0; k < 20; k++) {
        const n = addNeuron(s, { x_um: 10 * k, y_um: 0 })
        setDrive(s, n, { rate_Hz: 2000, weight: 0.05, receptor: 'AMPA' })
      }
    }
    const sim = createSim(emptyScene(build), 3)
    const ctl = createSim(emptyScene(build), 3)
    let spikes = 0
    let ctlSpikes = 0
    const count = (s: Sim) => () => s.spikes.count
    const obsT = [(s: Sim) => void (spikes += s.spikes.count)]
    const obsC = [(s: Sim) => void (ctlSpikes += s.spikes.count)]
    run(ctl, 500, obsC)
    expect(ctlSpikes).toBeGreaterThan(20) // the drive makes them fire
    void count
    applyDrug(sim, 'TTX')
    sim.components.Neuron.forceSpike[0] = 1
    run(sim, 500, obsT)
    expect(spikes).toBe(0)
    expect(Math.max(...Array.from(sim.components.Receptors.g_AMPA.subarray(0, 20)))).toBe(0)
    washDrug(sim, 'TTX')
    spikes = 0
    ctlSpikes = 0
    run(sim, 500, obsT)
    run(ctl, 500, obsC)
    // Same drive statistics once washed (no backlog of events delivered at once).
    expect(spikes).toBeGreaterThan(0.6 * ctlSpikes)
    expect(spikes).toBeLessThan(1.4 * ctlSpikes)
  })

  test('Graupner–Brunel: APV scales the pre-borne (NMDA) calcium, KN-93 potentiation', () => {
    // A deterministic DP synapse, DOWN, paired at +10 ms (LTP in the paper) 12 times at 1 Hz.
    const DET = { ...CALCIUM_RULES.find((r) => r.name === 'DP')!, name: 'DPdet', sigma: 0 }
    const APV_GAIN = 1 - 50 / 53
    const NO_PRE = { ...DET, name: 'DPapv', Cpre: DET.Cpre * APV_GAIN }
    const NO_LTP = { ...DET, name: 'DPkn93', gammaP: DET.gammaP * (0.37 / 10.37) }
    const p = defaultParams()
    const make = (ruleName = 'DPdet') => {
      const syn: number[] = []
      const scene: Scene = {
        name: 'gb-drug',
        clock: { dt_ms: 0.1 },
        params: { calciumRules: [...p.calciumRules, DET, NO_PRE, NO_LTP] },
        build: (s) => {
          const pre = addNeuron(s, { x_um: 0, y_um: 0 })
          const post = addNeuron(s, { x_um: 0, y_um: 10 })
          syn.push(addSynapse(s, pre, post, { weight: 1e-5, receptor: 'delta', delay_ms: 1, calcium: { rule: ruleName, rho: 0 } }))
          const e1 = addElectrode(s, { x_um: 0, y_um: 0, radius_um: 2 })
          const e2 = addElectrode(s, { x_um: 0, y_um: 10, radius_um: 2 })
          startProtocol(s, e1, { kind: 'pairing', postElectrode: e2, dt_ms: 10, freq_Hz: 1, count: 12 })
        },
      }
      const sim = createSim(scene, 1)
      return { sim, s: syn[0]! }
    }
    const rho = (drug?: string, ruleName?: string) => {
      const w = make(ruleName)
      if (drug) applyDrug(w.sim, drug)
      run(w.sim, 12_500)
      return w.sim.components.Calcium.rho[w.s]!
    }
    const control = rho()
    expect(control).toBeGreaterThan(0.1) // potentiating drift
    // The drug acts exactly as the rule with the scaled parameter (C_pre from NMDA, γ_p needs CaMKII).
    const apv = rho('APV')
    expect(apv).toBeCloseTo(rho(undefined, 'DPapv'), 12)
    expect(apv).not.toBeCloseTo(control, 2)
    const kn93 = rho('KN-93')
    expect(kn93).toBeCloseTo(rho(undefined, 'DPkn93'), 12)
    expect(kn93).toBeLessThan(0.02) // potentiation gone
  })

  test('a snapshot carries the bath; the loaded world continues identically', () => {
    const a = pairWorld('glutamate')
    applyDrug(a.sim, 'APV', 20)
    a.sim.components.Neuron.forceSpike[a.pre] = 1
    run(a.sim, 5)
    const b = load(save(a.sim))
    expect(b.state.drugs).toEqual({ APV: 20 })
    run(a.sim, 20)
    run(b, 20)
    expect(stateHash(b)).toBe(stateHash(a.sim))
  })
})

describe('scenario actions', () => {
  const base = `name: drugs
scene: { builder: plasticPairs, params: { nPairs: 1 } }
duration: 1 s
`
  test('drug apply/wash and advance run at their times', () => {
    const sc = parseScenario(
      base +
        `timeline:
  - { at: 100 ms, drug: { apply: APV, concentration: 25 uM } }
  - { at: 200 ms, drug: { apply: TTX } }
  - { at: 300 ms, advance: 2 h }
  - { at: 400 ms, drug: { wash: APV } }
`,
      'drugs.yaml',
    )
    const r = createRun(sc, { scenes: SCENES })
    r.advance(2500)
    expect(r.sim.state.drugs).toEqual({ APV: 25, TTX: 1 })
    const slow0 = r.sim.time.slow_ms
    r.advance(1000)
    expect(r.sim.time.slow_ms - slow0).toBeGreaterThanOrEqual(2 * 3_600_000)
    r.advance(1000)
    expect(r.sim.state.drugs).toEqual({ TTX: 1 })
  })

  test('bad drug actions name the field and the reason', () => {
    const bad = (timeline: string) => {
      try {
        parseScenario(base + 'timeline:\n' + timeline, 'bad.yaml')
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError)
        return (e as Error).message
      }
      throw new Error('accepted')
    }
    expect(bad('  - { at: 0 s, drug: { apply: caffeine } }\n')).toMatch(/bad\.yaml:5:\d+.*timeline\[0\]\.drug\.apply.*unknown drug "caffeine" \(drugs: APV/s)
    expect(bad('  - { at: 0 s, drug: { apply: APV, wash: APV } }\n')).toMatch(/exactly one of apply/)
    expect(bad('  - { at: 0 s, drug: { wash: APV, concentration: 5 uM } }\n')).toMatch(/concentration goes with apply/)
    expect(bad('  - { at: 0 s, drug: { apply: APV, concentration: 5 mg } }\n')).toMatch(/concentration/)
    expect(bad('  - { at: 0 s, advance: 2 }\n')).toMatch(/time with a unit/)
  })
})
