/**
 * Timeline actions that change the tissue or its inputs rather than start a protocol: lesion,
 * deprive / restore an input, train a sensory channel, sleep, set a parameter, snapshot. Their
 * file form is in schema.ts (`Action`); this module normalises them (normalize.ts calls
 * `normalizeTissueAction`) and applies them (runner.ts calls `applyTissueAction`).
 *
 *   - { at: 1 h,  lesion: { x_um: 500, y_um: 400, radius_um: 80, population: E } }   remove the neurons (and their synapses) in the disc
 *   - { at: 2 s,  deprive: { channel: D3 } }  /  { deprive: { population: CA3 S1 } }  silence a sensory channel / a population's background drive
 *   - { at: 9 s,  restore: { channel: D3 } }                                           give it back as it was
 *   - { at: 0 s,  train: { channel: D2, rate: 40 Hz, duration: 200 ms, every: 1 s, count: 10 } }  a repeated sensory pattern
 *   - { at: 10 s, sleep: 8 h }                                                        fast-forward slow time with `sim.time.sleeping` set
 *   - { at: 0 s,  set: { param: receptors.Mg_mM, value: 0 } }                          a world parameter (params path)
 *   - { at: 0 s,  set: { field: Izhikevich.d, population: CA1 pyramidal, value: 4 } }  a component field of a selection (`scale` multiplies)
 *   - { at: 30 s, snapshot: before-tetanus }                                          keep the world's state (the CLI writes <name>.npls)
 *
 * Deprive keeps what it took in `sim.state.deprived` (JSON, hashed and snapshotted), so restore
 * gives back exactly that; drive events keep being drawn while deprived (weight 0), so the random
 * streams stay in step with an undeprived twin.
 */
import { hasComponent } from 'bitecs'
import type { Sim } from '../engine/world.ts'
import { neuronIds, removeNeuron } from '../engine/entities.ts'
import { fastForward } from '../engine/pipeline.ts'
import { setChannelRate } from '../engine/protocols.ts'
import { save } from '../engine/snapshot.ts'
import { ensure, type StoreEntry } from '../engine/store.ts'
import { neuronParamsChanged } from '../../systems/membraneCache.ts'
import { resolveField, selectEntities } from './fieldProbe.ts'
import type { PathKey } from './errors.ts'
import { parseFrequency_Hz, parseTime_ms } from './units.ts'
import type { ProbeDef, TimelineAction, TissueAction } from './types.ts'
import type { ScenarioInput } from './schema.ts'

/** The file form of the actions of this module, as schema.ts validates it. */
export type TissueActionInput = Pick<NonNullable<ScenarioInput['timeline']>[number], 'lesion' | 'deprive' | 'restore' | 'train' | 'sleep' | 'set' | 'snapshot'>

type Problem = (path: PathKey[], reason: string) => void

/**
 * Normalised actions of one timeline entry (train expands into its pulses of rate), or undefined
 * when the entry is not one of this module's.
 */
export function normalizeTissueAction(a: TissueActionInput, at_ms: number, index: number, problem: Problem): TimelineAction[] | undefined {
  const base = { at_ms, index }
  const path = (...k: PathKey[]): PathKey[] => ['timeline', index, ...k]
  if (a.lesion) return [{ ...base, kind: 'lesion', ...a.lesion }]
  for (const op of ['deprive', 'restore'] as const) {
    const d = a[op]
    if (!d) continue
    if ((d.channel === undefined) === (d.population === undefined)) {
      problem(path(op), 'expected exactly one of channel: <sensory channel> or population: <population>')
      return []
    }
    return [{ ...base, kind: op, ...(d.channel !== undefined ? { channel: d.channel } : { population: d.population! }) }]
  }
  if (a.train) {
    const t = a.train
    const rate_Hz = parseFrequency_Hz(t.rate)
    const duration_ms = parseTime_ms(t.duration)
    const count = t.count ?? 1
    const every_ms = t.every !== undefined ? parseTime_ms(t.every) : 2 * duration_ms
    if (!(duration_ms > 0)) problem(path('train', 'duration'), 'must be > 0')
    if (every_ms < duration_ms) problem(path('train', 'every'), `the pattern repeats every ${every_ms} ms but lasts ${duration_ms} ms: every must be ≥ duration`)
    const out: TimelineAction[] = []
    for (let k = 0; k < count; k++) {
      const on = at_ms + k * every_ms
      out.push({ ...base, at_ms: on, kind: 'channelRate', channel: t.channel, rate_Hz })
      out.push({ ...base, at_ms: on + duration_ms, kind: 'channelRate', channel: t.channel, rate_Hz: null })
    }
    return out
  }
  if (a.sleep !== undefined) return [{ ...base, kind: 'sleep', duration_ms: parseTime_ms(a.sleep) }]
  if (a.snapshot !== undefined) return [{ ...base, kind: 'snapshot', name: a.snapshot }]
  if (a.set) {
    const s = a.set
    if ((s.param === undefined) === (s.field === undefined)) problem(path('set'), 'expected exactly one of param: <params path> or field: <Component.field>')
    else if ((s.value === undefined) === (s.scale === undefined)) problem(path('set'), 'expected exactly one of value: <number> or scale: <factor>')
    else if (s.param !== undefined && s.scale === undefined && ['population', 'region', 'pathway', 'onto', 'from', 'ids'].some((k) => (s as Record<string, unknown>)[k] !== undefined))
      problem(path('set'), 'a world parameter (param) takes no selection; to change some entities, set a component field')
    else return [{ ...base, kind: 'set', ...s } as TissueAction]
    return []
  }
  return undefined
}

/** A world parameter at a dotted path of `sim.params`, as [holder, key], or a reason why not. */
export function paramSlot(params: object, path: string): [Record<string, unknown>, string] | string {
  const keys = path.split('.')
  let holder = params as Record<string, unknown>
  for (let i = 0; i < keys.length - 1; i++) {
    const next = holder[keys[i]!]
    if (next === null || typeof next !== 'object') return `no parameter "${keys.slice(0, i + 1).join('.')}" to descend into`
    holder = next as Record<string, unknown>
  }
  const key = keys[keys.length - 1]!
  if (typeof holder[key] !== 'number') {
    const options = Object.keys(holder).filter((k) => typeof holder[k] === 'number')
    return `"${path}" is not a numeric world parameter${options.length ? ` (numbers here: ${options.join(', ')})` : ''}`
  }
  return [holder, key]
}

interface Deprived {
  channels: Record<string, number>
  drive: Record<string, { ids: number[]; weight: number[] }>
  trainBase: Record<string, number>
}

function deprivedState(sim: Sim): Deprived {
  sim.state.deprived ??= { channels: {}, drive: {}, trainBase: {} }
  return sim.state.deprived
}

export interface ApplyContext {
  population(name: string | undefined): number
  pathway(name: string | undefined): number
  /** Where snapshots taken by the timeline go. */
  snapshots: { name: string; at_ms: number; data: Uint8Array }[]
}

/** Apply one of this module's actions; false when `a` is not one of them. Throws Error with a reason. */
export function applyTissueAction(sim: Sim, a: TimelineAction, ctx: ApplyContext): boolean {
  switch (a.kind) {
    case 'lesion': {
      const pop = ctx.population(a.population)
      const { x_um, y_um } = sim.components.Position
      const r2 = a.radius_um * a.radius_um
      const doomed = Array.from(neuronIds(sim)).filter((n) => (pop < 0 || sim.components.Neuron.population[n] === pop) && (x_um[n]! - a.x_um) ** 2 + (y_um[n]! - a.y_um) ** 2 <= r2)
      for (const n of doomed) removeNeuron(sim, n)
      return true
    }
    case 'deprive': {
      const d = deprivedState(sim)
      if (a.channel !== undefined) {
        const c = sim.state.channels.find((q) => q.name === a.channel)
        if (!c) throw new Error(`unknown sensory channel "${a.channel}" (channels: ${sim.state.channels.map((q) => q.name).join(', ') || 'none in this scene'})`)
        if (d.channels[a.channel] === undefined) d.channels[a.channel] = c.rate_Hz
        setChannelRate(sim, a.channel, 0)
      } else if (d.drive[a.population!] === undefined) {
        const pop = ctx.population(a.population)
        const D = sim.components.Drive
        const ids = Array.from(neuronIds(sim)).filter((n) => sim.components.Neuron.population[n] === pop && D.rate_Hz[n]! > 0)
        d.drive[a.population!] = { ids, weight: ids.map((n) => D.weight[n]!) }
        for (const n of ids) D.weight[n] = 0
      }
      return true
    }
    case 'restore': {
      const d = deprivedState(sim)
      if (a.channel !== undefined) {
        const rate = d.channels[a.channel]
        if (rate !== undefined) setChannelRate(sim, a.channel, rate)
        delete d.channels[a.channel]
      } else {
        const saved = d.drive[a.population!]
        if (saved) saved.ids.forEach((n, i) => (sim.components.Drive.weight[n] = saved.weight[i]!))
        delete d.drive[a.population!]
      }
      return true
    }
    case 'channelRate': {
      const d = deprivedState(sim)
      const c = sim.state.channels.find((q) => q.name === a.channel)
      if (!c) throw new Error(`unknown sensory channel "${a.channel}" (channels: ${sim.state.channels.map((q) => q.name).join(', ') || 'none in this scene'})`)
      if (a.rate_Hz !== null) {
        if (d.trainBase[a.channel] === undefined) d.trainBase[a.channel] = c.rate_Hz
        setChannelRate(sim, a.channel, a.rate_Hz)
      } else {
        setChannelRate(sim, a.channel, d.trainBase[a.channel] ?? 0)
        delete d.trainBase[a.channel]
      }
      return true
    }
    case 'sleep': {
      sim.time.sleeping = true
      try {
        fastForward(sim, a.duration_ms)
      } finally {
        delete sim.time.sleeping
      }
      return true
    }
    case 'snapshot':
      ctx.snapshots.push({ name: a.name, at_ms: sim.time.step * sim.time.dt_ms, data: save(sim) })
      return true
    case 'set': {
      if (a.param !== undefined) {
        const slot = paramSlot(sim.params, a.param)
        if (typeof slot === 'string') throw new Error(slot)
        const [holder, key] = slot
        holder[key] = a.value !== undefined ? a.value : (holder[key] as number) * a.scale!
      } else {
        const r = resolveField(sim, a.field!)
        if (typeof r === 'string') throw new Error(r)
        const def = { ...a, kind: 'field', of: a.field!, name: 'set', stat: 'mean', every_ms: 1 } as Extract<ProbeDef, { kind: 'field' }>
        const component = sim.components[r.store]
        const ids = selectEntities(sim, def, { sim, population: ctx.population, pathway: ctx.pathway }, r.synapse, (id) => hasComponent(sim.world, id, component))
        // A mechanism store not yet in use grows to cover the synapses first (src/engine/store.ts).
        if (ids.length) ensure(sim.stores[r.store] as StoreEntry, ids[ids.length - 1]!)
        const arr = (sim.components[r.store] as unknown as Record<string, Float64Array>)[r.field]!
        for (const id of ids) arr[id] = a.value !== undefined ? a.value : arr[id]! * a.scale!
      }
      // Shared neuron parameters are loop constants of the membrane pass (systems/membraneCache.ts).
      neuronParamsChanged(sim)
      return true
    }
    default:
      return false
  }
}
