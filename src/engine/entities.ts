/**
 * Birth and removal of neurons, synapses and electrodes — the only way entities enter or leave a
 * world, so that stores, indices and the delay ring stay in step.
 *
 * Neurons and electrodes are bitecs entities with component sets (they are few, and queries over
 * them are useful). Synapses take their ids from the same entity index but carry no component set:
 * bitecs keeps a `Set` per entity, ≈ 235 B and 1.5 µs each, which at 10⁶–10⁷ synapses would
 * dominate memory and build time (docs/architecture.md has the numbers). bitecs 0.4 does not export
 * its `addEntityId`/`removeEntityId`, so `allocId`/`freeId` below do the same sparse-set operations
 * on the world's own entity index: one id space, recycled the way bitecs recycles (most recently
 * freed first).
 */
import { addEntity, addComponent, removeEntity, entityExists, hasComponent } from 'bitecs'
import { IZH_TYPES, IZH_TYPE_NAMES, LIF_DEFAULTS, MODEL_IZHIKEVICH, MODEL_LIF, type IzhType } from '../../components/neuron.ts'
import { RECEPTOR_NAMES, MAX_DELAY_STEPS, type ReceptorName } from '../../components/synapse.ts'
import { MODEL_SOURCE } from '../../components/spikeSource.ts'
import { ANY_POPULATION, ANY_REGION, ELECTRODE_CURRENT, ELECTRODE_SPIKE } from '../../components/electrode.ts'
import { ensure, clearEntity, type StoreEntry } from './store.ts'
import { adjacency, entityIndexOf } from './adjacency.ts'
import { channel, clearColumn, ensureRing } from './delay.ts'
import { emit, EV_NEURON_BORN, EV_NEURON_REMOVED, EV_SYNAPSE_BORN, EV_SYNAPSE_REMOVED } from './events.ts'
import type { Sim } from './world.ts'
import { resolveStdpRule, setStdpRule } from '../../systems/stdpCompile.ts'
import { resolveCalciumRule, setCalciumRule } from '../../systems/calciumPlasticity.ts'
import { invalidateTargets } from '../../systems/stimulation.ts'
import { resolveCalciumControlRule, setCalciumControl } from '../../systems/calciumControl.ts'
import { resolveRewardRule, setRewardRule } from '../../systems/rewardStdp.ts'

// ---------------------------------------------------------------------------------------------
// Entity ids
// ---------------------------------------------------------------------------------------------

/** Take an id from the world's entity index without a bitecs component set (bitecs' algorithm). */
export function allocId(sim: Sim): number {
  const index = entityIndexOf(sim)
  if (index.aliveCount < index.dense.length) {
    const id = index.dense[index.aliveCount]!
    index.sparse[id] = index.aliveCount
    index.aliveCount++
    return id
  }
  const id = ++index.maxId
  index.dense.push(id)
  index.sparse[id] = index.aliveCount
  index.aliveCount++
  return id
}

/** Return an id taken by `allocId` (swap-remove in the dense array, as bitecs does). */
export function freeId(sim: Sim, id: number): void {
  const index = entityIndexOf(sim)
  const denseIndex = index.sparse[id]
  if (denseIndex === undefined || denseIndex >= index.aliveCount) return
  const lastIndex = index.aliveCount - 1
  const lastId = index.dense[lastIndex]!
  index.sparse[lastId] = denseIndex
  index.dense[denseIndex] = lastId
  index.sparse[id] = lastIndex
  index.dense[lastIndex] = id
  index.aliveCount--
}

// ---------------------------------------------------------------------------------------------
// Neurons
// ---------------------------------------------------------------------------------------------

export interface NeuronInit {
  /** 'source': no membrane model — a spike source (systems/spikeSources.ts addSpikeSource adds its component). */
  model?: 'izhikevich' | 'lif' | 'source'
  /** Izhikevich type (parameters from components/neuron.ts); a, b, c_mV, d override it. */
  type?: IzhType
  a?: number
  b?: number
  c_mV?: number
  d?: number
  /** LIF parameters (defaults: Vogels & Abbott 2005). */
  lif?: Partial<typeof LIF_DEFAULTS>
  excitatory?: boolean
  x_um?: number
  y_um?: number
  region?: number
  population?: number
  v_mV?: number
  u?: number
  I_bias?: number
  noiseSigma?: number
  axonVelocity_m_per_s?: number
  drive?: { rate_Hz: number; weight: number; receptor?: ReceptorName }
}

export function neuronStores(sim: Sim) {
  const s = sim.stores
  return [s.Neuron, s.Position, s.Izhikevich, s.LIF, s.Receptors, s.Drive, s.Homeostasis, s.Proteins]
}

export function addNeuron(sim: Sim, init: NeuronInit = {}): number {
  const { world } = sim
  const C = sim.components
  const eid = addEntity(world)
  for (const entry of neuronStores(sim)) {
    ensure(entry, eid)
    clearEntity(entry, eid)
  }
  addComponent(world, eid, C.Neuron)
  addComponent(world, eid, C.Position)
  addComponent(world, eid, C.Receptors)
  const N = sim.components.Neuron
  const model = init.model ?? 'izhikevich'
  N.excitatory[eid] = init.excitatory === false ? 0 : 1
  N.region[eid] = init.region ?? 0
  N.population[eid] = init.population ?? 0
  N.I_bias[eid] = init.I_bias ?? 0
  N.noiseSigma[eid] = init.noiseSigma ?? 0
  N.lastSpike_ms[eid] = -1e9
  N.refractoryUntil_ms[eid] = -1e9
  N.axonVelocity_m_per_s[eid] = init.axonVelocity_m_per_s ?? 0.5
  C.Position.x_um[eid] = init.x_um ?? 0
  C.Position.y_um[eid] = init.y_um ?? 0
  if (model === 'source') {
    N.model[eid] = MODEL_SOURCE
  } else if (model === 'izhikevich') {
    const t = IZH_TYPES[init.type ?? 'RS']
    if (!t) throw new Error(`unknown Izhikevich type ${init.type}`)
    addComponent(world, eid, C.Izhikevich)
    const Z = C.Izhikevich
    N.model[eid] = MODEL_IZHIKEVICH
    N.cellType[eid] = IZH_TYPE_NAMES.indexOf(init.type ?? 'RS')
    Z.a[eid] = init.a ?? t.a
    Z.b[eid] = init.b ?? t.b
    Z.c_mV[eid] = init.c_mV ?? t.c_mV
    Z.d[eid] = init.d ?? t.d
    N.v_mV[eid] = init.v_mV ?? -65
    Z.u[eid] = init.u ?? Z.b[eid]! * N.v_mV[eid]!
  } else {
    addComponent(world, eid, C.LIF)
    const L = C.LIF
    const p = { ...LIF_DEFAULTS, ...(init.lif ?? {}) }
    N.model[eid] = MODEL_LIF
    L.C_pF[eid] = p.C_pF
    L.gL_nS[eid] = p.gL_nS
    L.EL_mV[eid] = p.EL_mV
    L.Vth_mV[eid] = p.Vth_mV
    L.Vreset_mV[eid] = p.Vreset_mV
    L.tRef_ms[eid] = p.tRef_ms
    N.v_mV[eid] = init.v_mV ?? p.EL_mV
  }
  if (init.drive && init.drive.rate_Hz > 0) setDrive(sim, eid, init.drive)
  const ring = sim.indices.delay
  ensureRing(ring, sim.time.step, ring.length - 1, sim.stores.Neuron.capacity)
  clearColumn(ring, eid)
  markNeuronsChanged(sim)
  emit(sim.events, EV_NEURON_BORN, sim.time.step, eid)
  return eid
}

/** Give a neuron independent Poisson background input (or change it). */
export function setDrive(sim: Sim, eid: number, d: { rate_Hz: number; weight: number; receptor?: ReceptorName }): void {
  const D = sim.components.Drive
  if (!hasComponent(sim.world, eid, D)) addComponent(sim.world, eid, D)
  D.rate_Hz[eid] = d.rate_Hz
  D.weight[eid] = d.weight
  D.receptor[eid] = RECEPTOR_NAMES.indexOf(d.receptor ?? 'AMPA')
  // The first event time is drawn by the stimulation system on its first step (nextEvent 0 ⇒ draw).
  D.nextEvent_ms[eid] = -1
  channel(sim.indices.delay, D.receptor[eid]!)
}

export function isNeuron(sim: Sim, eid: number): boolean {
  return entityExists(sim.world, eid) && hasComponent(sim.world, eid, sim.components.Neuron)
}

/** Remove a neuron and, through the adjacency index, every synapse onto or from it. */
export function removeNeuron(sim: Sim, eid: number): void {
  if (!isNeuron(sim, eid)) throw new Error(`removeNeuron: ${eid} is not a live neuron`)
  const adj = adjacency(sim)
  const doomed: number[] = []
  if (eid < adj.rows) {
    for (let i = adj.preStart[eid]!; i < adj.preStart[eid + 1]!; i++) doomed.push(adj.preSyn[i]!)
    for (let i = adj.postStart[eid]!; i < adj.postStart[eid + 1]!; i++) doomed.push(adj.postSyn[i]!)
  }
  for (const s of doomed) if (sim.components.Synapse.alive[s]) removeSynapse(sim, s)
  removeEntity(sim.world, eid)
  clearColumn(sim.indices.delay, eid)
  markNeuronsChanged(sim)
  emit(sim.events, EV_NEURON_REMOVED, sim.time.step, eid)
}

export function markNeuronsChanged(sim: Sim): void {
  sim.indices.neurons.dirty = true
  sim.indices.neurons.version++
}

/** Live neuron ids in ascending order (the canonical iteration order wherever order matters). */
export function neuronIds(sim: Sim): Uint32Array {
  const list = sim.indices.neurons
  if (list.dirty) {
    const N = sim.components.Neuron
    const ids: number[] = []
    const index = entityIndexOf(sim)
    for (let i = 0; i < index.aliveCount; i++) {
      const e = index.dense[i]!
      if (hasComponent(sim.world, e, N)) ids.push(e)
    }
    list.ids = Uint32Array.from(ids).sort()
    list.dirty = false
  }
  return list.ids
}

// ---------------------------------------------------------------------------------------------
// Synapses
// ---------------------------------------------------------------------------------------------

export interface SynapseInit {
  weight: number
  receptor?: ReceptorName
  pathway?: number
  /** Axonal path length; default: straight line between the somata. */
  pathLength_um?: number
  /** Fixed total delay (overrides path length / velocity). */
  delay_ms?: number
  stpProfile?: number
  /** STDP rule (index or name in params.stdpRules; default none). See components/plasticity.ts. */
  stdp?: number | string
  /**
   * Calcium rule (Graupner & Brunel 2012; index or name in params.calciumRules, or {rule, rho}:
   * initial efficacy, default 0). `weight` is then the weight at that efficacy. See components/calcium.ts.
   */
  calcium?: number | string | { rule: number | string; rho?: number }
  /**
   * Calcium-control rule (Shouval, Bear & Cooper 2002; index or name in params.calciumControlRules,
   * e.g. "shouval2002", or {rule, W}: initial strength, default the rule's resting W0). `weight` is the
   * weight at that W. See components/calciumControl.ts.
   */
  calciumControl?: number | string | { rule: number | string; W?: number }
  /**
   * Dopamine-modulated STDP rule (Izhikevich 2007; index or name in params.rewardStdpRules or the
   * presets, e.g. "izhikevich2007"). See components/rewardStdp.ts.
   */
  reward?: number | string
}

export function synapseStores(sim: Sim) {
  return [sim.stores.Synapse, sim.stores.ShortTerm, sim.stores.Plasticity, sim.stores.Calcium, sim.stores.InhibitoryPlasticity, sim.stores.CalciumControl, sim.stores.RewardStdp, sim.stores.Consolidation]
}

/** Delay in steps for a path of given length on the axon of `pre` (≥ 1 step). */
export function delayStepsFor(sim: Sim, pre: number, pathLength_um: number): number {
  const v = sim.components.Neuron.axonVelocity_m_per_s[pre]!
  const delay_ms = sim.params.synDelay_ms + (v > 0 ? pathLength_um / (1000 * v) : 0)
  return clampDelay(Math.round(delay_ms / sim.time.dt_ms))
}

function clampDelay(steps: number): number {
  if (!Number.isFinite(steps)) throw new Error('synapse delay is not finite')
  return Math.min(MAX_DELAY_STEPS, Math.max(1, steps))
}

export function addSynapse(sim: Sim, pre: number, post: number, init: SynapseInit): number {
  const N = sim.components.Neuron
  const P = sim.components.Position
  if (!isNeuron(sim, pre) || !isNeuron(sim, post)) throw new Error(`addSynapse: ${pre} → ${post} is not between live neurons`)
  const stdp = init.stdp === undefined ? 0 : resolveStdpRule(sim, init.stdp) // before anything is written
  const ca = init.calcium === undefined ? undefined : typeof init.calcium === 'object' ? init.calcium : { rule: init.calcium }
  const calcium = ca === undefined ? 0 : resolveCalciumRule(sim, ca.rule)
  if (calcium !== 0 && stdp !== 0) throw new Error('addSynapse: a synapse takes one plasticity rule (both stdp and calcium given)')
  if (ca?.rho !== undefined && !(ca.rho >= 0 && ca.rho <= 1)) throw new Error(`addSynapse: calcium.rho must be a number in [0, 1], got ${ca.rho}`)
  const cc = init.calciumControl === undefined ? undefined : typeof init.calciumControl === 'object' ? init.calciumControl : { rule: init.calciumControl }
  const ccRule = cc === undefined ? 0 : resolveCalciumControlRule(sim, cc.rule)
  if (ccRule !== 0 && (stdp !== 0 || calcium !== 0)) throw new Error('addSynapse: a synapse takes one plasticity rule (calciumControl given with stdp or calcium)')
  if (cc?.W !== undefined && !(Number.isFinite(cc.W) && cc.W > 0)) throw new Error(`addSynapse: calciumControl.W must be a finite number > 0, got ${cc.W}`)
  const reward = init.reward === undefined ? 0 : resolveRewardRule(sim, init.reward)
  if (reward !== 0 && (stdp !== 0 || calcium !== 0 || ccRule !== 0)) throw new Error('addSynapse: a synapse takes one plasticity rule (reward given with another)')
  const eid = allocId(sim)
  // Optional mechanism stores follow the Synapse store only once in use (see StoreEntry.growWith).
  const before = sim.stores.Synapse.capacity
  for (const entry of synapseStores(sim)) {
    if (entry.growWith !== undefined && entry.capacity < before) continue
    ensure(entry, eid)
    clearEntity(entry, eid)
  }
  const Sy = sim.components.Synapse // re-read: ensure may have grown the arrays
  Sy.alive[eid] = 1
  Sy.pre[eid] = pre
  Sy.post[eid] = post
  Sy.weight[eid] = init.weight
  const r = RECEPTOR_NAMES.indexOf(init.receptor ?? (N.excitatory[pre] ? 'glutamate' : 'GABA_A'))
  if (r < 0) throw new Error(`unknown receptor ${init.receptor}`)
  Sy.receptor[eid] = r
  Sy.pathway[eid] = init.pathway ?? 0
  const dx = P.x_um[post]! - P.x_um[pre]!
  const dy = P.y_um[post]! - P.y_um[pre]!
  Sy.pathLength_um[eid] = init.pathLength_um ?? Math.sqrt(dx * dx + dy * dy)
  Sy.delaySteps[eid] =
    init.delay_ms !== undefined
      ? clampDelay(Math.round(init.delay_ms / sim.time.dt_ms))
      : delayStepsFor(sim, pre, Sy.pathLength_um[eid]!)
  const T = sim.components.ShortTerm
  T.profile[eid] = init.stpProfile ?? 0
  if (T.profile[eid]! >= sim.params.stpProfiles.length) throw new Error(`unknown STP profile ${init.stpProfile}`)
  T.u[eid] = sim.params.stpProfiles[T.profile[eid]!]!.U
  T.x[eid] = 1
  T.lastSpike_ms[eid] = -1e9
  const ring = sim.indices.delay
  if (Sy.delaySteps[eid]! >= ring.length) ensureRing(ring, sim.time.step, Sy.delaySteps[eid]!, sim.stores.Neuron.capacity)
  channel(ring, r)
  sim.synapseCount++
  sim.indices.synapses.dirty = true
  if (stdp !== 0) setStdpRule(sim, eid, stdp)
  if (calcium !== 0) setCalciumRule(sim, eid, calcium, ca!.rho ?? 0)
  if (cc !== undefined && ccRule !== 0) setCalciumControl(sim, eid, ccRule, cc.W)
  if (reward !== 0) setRewardRule(sim, eid, reward)
  emit(sim.events, EV_SYNAPSE_BORN, sim.time.step, eid, pre)
  return eid
}

export function removeSynapse(sim: Sim, eid: number): void {
  const S = sim.components.Synapse
  if (eid >= S.alive.length || S.alive[eid] === 0) throw new Error(`removeSynapse: ${eid} is not a live synapse`)
  S.alive[eid] = 0
  freeId(sim, eid)
  sim.synapseCount--
  sim.indices.synapses.dirty = true
  emit(sim.events, EV_SYNAPSE_REMOVED, sim.time.step, eid, S.pre[eid]!)
}

// ---------------------------------------------------------------------------------------------
// Electrodes
// ---------------------------------------------------------------------------------------------

export interface ElectrodeInit {
  x_um: number
  y_um: number
  radius_um: number
  population?: number
  region?: number
  mode?: 'spike' | 'current'
  amplitude?: number
  pulseWidth_ms?: number
}

export function addElectrode(sim: Sim, init: ElectrodeInit): number {
  const E = sim.stores.Electrode
  const eid = addEntity(sim.world)
  ensure(E, eid)
  clearEntity(E, eid)
  addComponent(sim.world, eid, E.data)
  const D = E.data
  D.x_um[eid] = init.x_um
  D.y_um[eid] = init.y_um
  D.radius_um[eid] = init.radius_um
  D.population[eid] = init.population ?? ANY_POPULATION
  D.region[eid] = init.region ?? ANY_REGION
  D.mode[eid] = init.mode === 'current' ? ELECTRODE_CURRENT : ELECTRODE_SPIKE
  D.amplitude[eid] = init.amplitude ?? 0
  D.pulseWidth_ms[eid] = init.pulseWidth_ms ?? 1
  return eid
}

export function removeElectrode(sim: Sim, eid: number): void {
  if (!entityExists(sim.world, eid) || !hasComponent(sim.world, eid, sim.components.Electrode))
    throw new Error(`removeElectrode: ${eid} is not an electrode`)
  removeEntity(sim.world, eid)
  sim.state.protocols = sim.state.protocols.filter((p) => p.electrode !== eid)
  invalidateTargets(sim) // its id may be recycled by the next electrode
}

/** Move an electrode's tip to (x_um, y_um); its targets are recomputed at its next pulse. */
export function moveElectrode(sim: Sim, eid: number, x_um: number, y_um: number): void {
  if (!entityExists(sim.world, eid) || !hasComponent(sim.world, eid, sim.components.Electrode))
    throw new Error(`moveElectrode: ${eid} is not an electrode`)
  if (!(Number.isFinite(x_um) && Number.isFinite(y_um))) throw new Error(`moveElectrode: position must be finite, got (${x_um}, ${y_um})`)
  sim.components.Electrode.x_um[eid] = x_um
  sim.components.Electrode.y_um[eid] = y_um
  invalidateTargets(sim)
}

/** Ids of the neurons an electrode reaches, ascending. */
export function electrodeTargets(sim: Sim, electrode: number): number[] {
  const E = sim.components.Electrode
  const N = sim.components.Neuron
  const P = sim.components.Position
  const x = E.x_um[electrode]!
  const y = E.y_um[electrode]!
  const r2 = E.radius_um[electrode]! ** 2
  const pop = E.population[electrode]!
  const reg = E.region[electrode]!
  const out: number[] = []
  for (const n of neuronIds(sim)) {
    if (pop !== ANY_POPULATION && N.population[n] !== pop) continue
    if (reg !== ANY_REGION && N.region[n] !== reg) continue
    const dx = P.x_um[n]! - x
    const dy = P.y_um[n]! - y
    if (dx * dx + dy * dy <= r2) out.push(n)
  }
  return out
}

/**
 * Give neuron `n` a per-neuron mechanism component (e.g. a spike trace) if it has none yet, with
 * every field 0 (ids are recycled). Returns true when it was added (the caller may then set its
 * non-zero initial values).
 */
export function joinComponent(sim: Sim, entry: StoreEntry, n: number): boolean {
  if (hasComponent(sim.world, n, entry.data)) return false
  ensure(entry, n)
  clearEntity(entry, n)
  addComponent(sim.world, n, entry.data)
  return true
}
