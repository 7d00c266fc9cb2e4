/**
 * The world: one bitecs world plus everything a simulation needs, owned by it alone — component
 * stores, clocks, random streams, parameters, indices and the events ring. Several worlds can live
 * side by side (A/B twins, tests in parallel, forked timelines); nothing here is module-global.
 */
import { createWorld, createEntityIndex, registerQuery, type World, type QueryTerm } from 'bitecs'
import { NeuronSpec, PositionSpec, IzhikevichSpec, LIFSpec, ReceptorsSpec, DriveSpec } from '../../components/neuron.ts'
import { SynapseSpec, ShortTermSpec, STP_PROFILES, type StpProfile } from '../../components/synapse.ts'
import { ElectrodeSpec } from '../../components/electrode.ts'
import { PlasticitySpec, StdpTraceSpec, STDP_RULES, type StdpRule } from '../../components/plasticity.ts'
import { CalciumSpec, CalciumTimesSpec, CALCIUM_RULES, type CalciumRule } from '../../components/calcium.ts'
import { HomeostasisSpec } from '../../components/homeostasis.ts'
import { ConsolidationSpec, ProteinsSpec } from '../../components/consolidation.ts'
import { CalciumControlSpec, CalciumControlNeuronSpec, type CalciumControlRule } from '../../components/calciumControl.ts'
import { BcmSpec, type BcmPatterns } from '../../components/bcm.ts'
import { SpikeSourceSpec } from '../../components/spikeSource.ts'
import { InhibitoryPlasticitySpec, IstdpTraceSpec, type IstdpRule } from '../../components/inhibitoryPlasticity.ts'
import { RewardStdpSpec, RewardTraceSpec, type RewardStdpRule, type RewardStdpState } from '../../components/rewardStdp.ts'
import { ReleaseSiteSpec, type NeuromodulationState, type NeuromodulatorParams } from '../../components/neuromodulator.ts'
import { createStore, resize, type Store, type StoreEntry } from './store.ts'
import { createRng, type RngStreams } from './rng.ts'
import { createEvents, type EventRing } from './events.ts'
import { createClock, type Clock } from './clock.ts'
import { createDelayRing, type DelayRing } from './delay.ts'
import { createAdjacency, type Adjacency } from './adjacency.ts'
import type { ProtocolState, ChannelState } from './protocols.ts'
import type { DrugName } from '../../components/drugs.ts'

export type Integrator = 'euler' | 'izhikevich2003'

/** Receptor kinetics shared by a world's synapses (published defaults; see systems/transmission.ts). */
export interface ReceptorParams {
  tauAMPA_ms: number
  tauNMDArise_ms: number
  tauNMDAdecay_ms: number
  tauGABA_ms: number
  E_AMPA_mV: number
  E_NMDA_mV: number
  E_GABA_mV: number
  Mg_mM: number
  /** NMDA peak conductance as a fraction of the AMPA weight of a glutamatergic synapse. */
  nmdaRatio: number
  /** Resting occupancy of the NMDA co-agonist (glycine/D-serine) site, 0–1; absent: 1 (saturated). See components/drugs.ts. */
  coagonistOccupancy?: number
}

/** Everything about a world that is a number or a name rather than a per-entity store (JSON-able). */
export interface Params {
  integrator: Integrator
  receptors: ReceptorParams
  /** Synaptic (non-axonal) part of every delay. */
  synDelay_ms: number
  /** Time constant of each neuron's averaged firing rate (`Neuron.rate_Hz`). */
  activityTau_ms: number
  stpProfiles: StpProfile[]
  /** STDP rules a synapse can pick (`Plasticity.rule` indexes it; entry 0 is "none"). */
  stdpRules: StdpRule[]
  /** Calcium (Graupner & Brunel 2012) rules a synapse can pick (`Calcium.rule` indexes it; entry 0 is "none"). */
  calciumRules: CalciumRule[]
  /** Calcium-control (Shouval et al. 2002) rules (`CalciumControl.rule` indexes it; entry 0 is "none"); absent until a synapse uses one. */
  calciumControlRules?: CalciumControlRule[]
  /** Inhibitory STDP (Vogels et al. 2011) rules (`InhibitoryPlasticity.rule` indexes it; entry 0 "none"); absent until a synapse uses one. */
  istdpRules?: IstdpRule[]
  /** Dopamine-modulated STDP rules (`RewardStdp.rule` indexes it; absent: the presets of components/rewardStdp.ts). */
  rewardStdpRules?: RewardStdpRule[]
  /** Neuromodulator constants (absent: components/neuromodulator.ts DEFAULT_NEUROMODULATORS). */
  neuromodulators?: NeuromodulatorParams
  regions: string[]
  populations: string[]
  pathways: string[]
  /** Free-form scene parameters (as built), for the record and for the view. */
  scene: Record<string, unknown>
  /** Tissue extent in µm (for the view and electrode placement). */
  width_um: number
  height_um: number
}

export const DEFAULT_RECEPTORS: ReceptorParams = {
  tauAMPA_ms: 5,
  tauNMDArise_ms: 2,
  tauNMDAdecay_ms: 100,
  tauGABA_ms: 10,
  E_AMPA_mV: 0,
  E_NMDA_mV: 0,
  E_GABA_mV: -80,
  Mg_mM: 1,
  nmdaRatio: 0.5,
}

export interface SceneClock {
  dt_ms: number
  slowTick_ms?: number
  timeWarp?: number
}

/** A tissue builder: how to make the initial world of a scene. */
export interface Scene {
  name: string
  clock: SceneClock
  params?: Partial<Omit<Params, 'receptors'>> & { receptors?: Partial<ReceptorParams> }
  build: (sim: Sim) => void
}

export function makeComponents(capacity = 16) {
  return {
    Neuron: createStore('Neuron', NeuronSpec, capacity),
    Position: createStore('Position', PositionSpec, capacity),
    Izhikevich: createStore('Izhikevich', IzhikevichSpec, capacity),
    LIF: createStore('LIF', LIFSpec, capacity),
    Receptors: createStore('Receptors', ReceptorsSpec, capacity),
    Drive: createStore('Drive', DriveSpec, capacity),
    Electrode: createStore('Electrode', ElectrodeSpec, capacity),
    Synapse: createStore('Synapse', SynapseSpec, capacity),
    ShortTerm: createStore('ShortTerm', ShortTermSpec, capacity),
    StdpTrace: createStore('StdpTrace', StdpTraceSpec, capacity),
    Plasticity: createStore('Plasticity', PlasticitySpec, capacity),
    Calcium: createStore('Calcium', CalciumSpec, capacity),
    CalciumTimes: createStore('CalciumTimes', CalciumTimesSpec, capacity),
    Homeostasis: createStore('Homeostasis', HomeostasisSpec, capacity),
    Consolidation: createStore('Consolidation', ConsolidationSpec, capacity),
    Proteins: createStore('Proteins', ProteinsSpec, capacity),
    SpikeSource: createStore('SpikeSource', SpikeSourceSpec, capacity),
    IstdpTrace: createStore('IstdpTrace', IstdpTraceSpec, capacity),
    InhibitoryPlasticity: createStore('InhibitoryPlasticity', InhibitoryPlasticitySpec, capacity),
    RewardStdp: createStore('RewardStdp', RewardStdpSpec, capacity),
    RewardTrace: createStore('RewardTrace', RewardTraceSpec, capacity),
    ReleaseSite: createStore('ReleaseSite', ReleaseSiteSpec, capacity),
    CalciumControl: createStore('CalciumControl', CalciumControlSpec, capacity),
    CalciumControlNeuron: createStore('CalciumControlNeuron', CalciumControlNeuronSpec, capacity),
    Bcm: createStore('Bcm', BcmSpec, capacity),
  }
}
export type StoreEntries = ReturnType<typeof makeComponents>
export type Components = { [K in keyof StoreEntries]: StoreEntries[K]['data'] }
export type ComponentName = keyof StoreEntries

/** Stores whose entities are bitecs entities (component sets); the rest belong to synapses. */
export const BITECS_COMPONENTS: readonly ComponentName[] = [
  'Neuron', 'Position', 'Izhikevich', 'LIF', 'Receptors', 'Drive', 'Electrode', 'StdpTrace', 'CalciumTimes', 'SpikeSource', 'IstdpTrace',
  'CalciumControlNeuron', 'Bcm',
  'RewardTrace', 'ReleaseSite',
  'Homeostasis', 'Proteins',
]
export const SYNAPSE_COMPONENTS: readonly ComponentName[] = ['Synapse', 'ShortTerm', 'Plasticity', 'Calcium', 'InhibitoryPlasticity', 'CalciumControl', 'RewardStdp', 'Consolidation']

export interface Sim {
  readonly world: World
  readonly sceneName: string
  readonly seed: string
  readonly components: Components
  readonly stores: StoreEntries
  readonly time: Clock
  rng: RngStreams
  params: Params
  /** Small JSON-able state: running protocols, sensory channels, id counters. In snapshots. */
  state: {
    protocols: ProtocolState[]
    channels: ChannelState[]
    /** Current pulses still on: each adds `amplitude` to its electrode's targets until `endStep`. */
    pulses: { electrode: number; amplitude: number; endStep: number }[]
    nextProtocolId: number
    /** Presynaptic calcium influxes still on their way (systems/calciumPlasticity.ts); absent until used. */
    calcium?: { pending: number[] }
    /** Glutamate arrivals in flight at calcium-control synapses, [step, synapse] pairs (systems/calciumControl.ts). */
    calciumControl?: { pending: number[] }
    /** Rate-based BCM pattern presentation (systems/bcmRate.ts); absent unless a scene uses it. */
    bcmPatterns?: BcmPatterns
    /** What deprive actions took, for restore (src/scenario/actions.ts); absent until used. */
    deprived?: { channels: Record<string, number>; drive: Record<string, { ids: number[]; weight: number[] }>; trainBase: Record<string, number> }
    /** Drugs in the bath: name → concentration (µM); absent when none (systems/drugs.ts). */
    drugs?: Partial<Record<DrugName, number>>
    /** Neuromodulator levels, grid and reward contingencies (systems/neuromodulation.ts); absent until used. */
    neuromodulation?: NeuromodulationState
    /** Dopamine-STDP epoch and accumulators (systems/rewardStdp.ts); absent until a synapse uses a reward rule. */
    rewardStdp?: RewardStdpState
  }
  readonly indices: { synapses: Adjacency; delay: DelayRing; neurons: NeuronList }
  readonly events: EventRing
  readonly queries: {
    neurons: QueryTerm[]
    izhikevich: QueryTerm[]
    lif: QueryTerm[]
    driven: QueryTerm[]
    electrodes: QueryTerm[]
  }
  /** Number of live synapses. */
  synapseCount: number
  /** Per-step scratch (empty between steps, so never part of state): neurons that fired this step. */
  spikes: { ids: Uint32Array; count: number }
}

/** Live neuron ids in ascending order, rebuilt lazily when the neuron set changes. */
export interface NeuronList {
  ids: Uint32Array
  dirty: boolean
  /** Incremented on every change of the neuron set (targets of electrodes are cached against it). */
  version: number
}

export function defaultParams(): Params {
  return {
    integrator: 'euler',
    receptors: { ...DEFAULT_RECEPTORS },
    synDelay_ms: 0.5,
    activityTau_ms: 1000,
    stpProfiles: STP_PROFILES.map((p) => ({ ...p })),
    stdpRules: STDP_RULES.map((r) => ({ ...r })),
    calciumRules: CALCIUM_RULES.map((r) => ({ ...r })),
    regions: ['tissue'],
    populations: ['neurons'],
    pathways: ['none'],
    scene: {},
    width_um: 1000,
    height_um: 1000,
  }
}

/** An empty world with the given clock; `createSim` then runs the scene's builder on it. */
export function createEmptySim(sceneName: string, seed: number | string, clock: SceneClock, params: Params): Sim {
  const stores = makeComponents()
  // Mechanism state of synapses is allocated only once a mechanism uses it (src/engine/store.ts).
  for (const name of SYNAPSE_COMPONENTS) {
    if (name === 'Synapse' || name === 'ShortTerm') continue
    const entry = stores[name] as StoreEntry
    entry.growWith = stores.Synapse as StoreEntry
    resize(entry, 0)
  }
  const components = Object.fromEntries(Object.entries(stores).map(([k, v]) => [k, v.data])) as Components
  const world = createWorld({}, createEntityIndex())
  const C = components
  const queries = {
    neurons: [C.Neuron],
    izhikevich: [C.Neuron, C.Izhikevich],
    lif: [C.Neuron, C.LIF],
    driven: [C.Neuron, C.Drive],
    electrodes: [C.Electrode],
  }
  // Register every query once, up front: the first call of a new query scans all entities.
  for (const terms of Object.values(queries)) registerQuery(world, terms)
  const sim: Sim = {
    world,
    sceneName,
    seed: String(seed),
    components,
    stores,
    time: createClock(clock),
    rng: createRng(seed),
    params,
    state: { protocols: [], channels: [], pulses: [], nextProtocolId: 1 },
    indices: {
      synapses: createAdjacency(),
      delay: createDelayRing(),
      neurons: { ids: new Uint32Array(0), dirty: true, version: 0 },
    },
    events: createEvents(),
    queries,
    synapseCount: 0,
    spikes: { ids: new Uint32Array(64), count: 0 },
  }
  return sim
}

export function mergeParams(scene: Scene): Params {
  const p = defaultParams()
  const { receptors, ...rest } = scene.params ?? {}
  Object.assign(p, rest)
  p.receptors = { ...p.receptors, ...(receptors ?? {}) }
  return p
}

/** Build a scene's world from a seed. Same scene + same seed ⇒ bit-identical world. */
export function createSim(scene: Scene, seed: number | string): Sim {
  const sim = createEmptySim(scene.name, seed, scene.clock, mergeParams(scene))
  scene.build(sim)
  return sim
}

export type { Store, StoreEntry }
