/**
 * The `field` probe: any component field of a selection of entities, summarised per sample.
 *
 *   probes:
 *     w_cv:   { field: { of: Synapse.weight, onto: CA1 pyramidal, stat: cv, every: 1 s } }
 *     strong: { field: { of: Synapse.weight, pathway: S1, stat: fractionAbove, threshold: 0.9 } }
 *     ca:     { field: { of: Calcium.c, pathway: S1 } }
 *     rates:  { field: { of: Neuron.rate_Hz, population: E, within: { x_um: 500, y_um: 500, radius_um: 100 } } }
 *
 * `of` names a store and a field (`Component.field`, the stores of src/engine/world.ts
 * makeComponents). Synapse stores (SYNAPSE_COMPONENTS) select live synapses by `pathway`,
 * `onto` (population of the postsynaptic neuron), `from` (population of the presynaptic neuron),
 * `within` (disc around the postsynaptic soma) and `ids`; every other store selects live neurons by
 * `population`, `region`, `within` (disc around the soma) and `ids` — entities without the
 * component are left out.
 *
 * Each sample records, over the selected entities, n, mean, sd (population sd), cv = sd / |mean|,
 * min, p10, median, p90, max, and the fractions above and below `threshold` (strictly). The probe's
 * `stat` (default mean) is the series that expectations reduce over time (mean / max / min).
 * Percentiles are nearest-rank. Samples lie on the scenario's time grid (see probes.ts).
 */
import { hasComponent } from 'bitecs'
import type { Sim } from '../engine/world.ts'
import { SYNAPSE_COMPONENTS, makeComponents, type ComponentName, type Components } from '../engine/world.ts'
import { neuronIds } from '../engine/entities.ts'
import { maxEntityId } from '../engine/adjacency.ts'
import { Column, reduceValues, sampler, type ProbeContext, type Recorder } from './probes.ts'
import type { FieldStat, ProbeDef } from './types.ts'

export const FIELD_STATS = ['mean', 'sd', 'cv', 'min', 'p10', 'median', 'p90', 'max', 'fractionAbove', 'fractionBelow', 'n'] as const

type FieldDef = Extract<ProbeDef, { kind: 'field' }>

let shapes: Components | undefined

/** Store and field named by `of` (checked against the stores every world has), or a reason why not. */
export function resolveFieldName(of: string): { store: ComponentName; field: string; synapse: boolean } | string {
  shapes ??= Object.fromEntries(Object.entries(makeComponents(1)).map(([k, v]) => [k, v.data])) as Components
  return resolveField({ components: shapes } as Sim, of)
}

/** Store and field named by `of`, or a reason why not (for scenario errors). */
export function resolveField(sim: Pick<Sim, 'components'>, of: string): { store: ComponentName; field: string; synapse: boolean } | string {
  const dot = of.indexOf('.')
  const storeNames = Object.keys(sim.components)
  if (dot < 0) return `expected Component.field (e.g. Synapse.weight), got "${of}"`
  const store = of.slice(0, dot)
  const field = of.slice(dot + 1)
  if (!storeNames.includes(store)) return `unknown component "${store}" (components: ${storeNames.join(', ')})`
  const data = sim.components[store as ComponentName] as unknown as Record<string, unknown>
  const fields = Object.keys(data).filter((k) => ArrayBuffer.isView(data[k]))
  if (!fields.includes(field)) return `component ${store} has no field "${field}" (fields: ${fields.join(', ')})`
  return { store: store as ComponentName, field, synapse: SYNAPSE_COMPONENTS.includes(store as ComponentName) }
}

/** Ids of the entities a field probe selects now (ascending). */
export function selectEntities(sim: Sim, def: FieldDef, ctx: ProbeContext, synapse: boolean, has: (id: number) => boolean): number[] {
  const N = sim.components.Neuron
  const P = sim.components.Position
  const within = def.within
  const inDisc = (n: number): boolean => {
    if (!within) return true
    const dx = P.x_um[n]! - within.x_um
    const dy = P.y_um[n]! - within.y_um
    return dx * dx + dy * dy <= within.radius_um * within.radius_um
  }
  const idSet = def.ids ? new Set(def.ids) : undefined
  const out: number[] = []
  if (synapse) {
    const S = sim.components.Synapse
    const pathway = ctx.pathway(def.pathway)
    const onto = ctx.population(def.onto)
    const from = ctx.population(def.from)
    const last = Math.min(maxEntityId(sim), S.alive.length - 1)
    for (let s = 1; s <= last; s++) {
      if (S.alive[s] === 0) continue
      if (idSet && !idSet.has(s)) continue
      if (pathway >= 0 && S.pathway[s] !== pathway) continue
      if (onto >= 0 && N.population[S.post[s]!] !== onto) continue
      if (from >= 0 && N.population[S.pre[s]!] !== from) continue
      if (!inDisc(S.post[s]!)) continue
      out.push(s)
    }
    return out
  }
  const population = ctx.population(def.population)
  const region = def.region === undefined ? -1 : sim.params.regions.indexOf(def.region)
  for (const n of neuronIds(sim)) {
    if (idSet && !idSet.has(n)) continue
    if (population >= 0 && N.population[n] !== population) continue
    if (region >= 0 && N.region[n] !== region) continue
    if (!inDisc(n) || !has(n)) continue
    out.push(n)
  }
  return out
}

/** The statistics of one sample (exported for tests). */
export function sampleStats(values: Float64Array, threshold: number): Record<FieldStat, number> {
  const n = values.length
  if (n === 0) return Object.fromEntries(FIELD_STATS.map((k) => [k, k === 'n' ? 0 : NaN])) as Record<FieldStat, number>
  let sum = 0
  let above = 0
  let below = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    sum += v
    if (v > threshold) above++
    else if (v < threshold) below++
  }
  const mean = sum / n
  let ss = 0
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2
  const sd = Math.sqrt(ss / n)
  const sorted = values.slice().sort()
  const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!
  return {
    mean,
    sd,
    cv: mean !== 0 ? sd / Math.abs(mean) : NaN,
    min: sorted[0]!,
    p10: rank(0.1),
    median: rank(0.5),
    p90: rank(0.9),
    max: sorted[n - 1]!,
    fractionAbove: above / n,
    fractionBelow: below / n,
    n,
  }
}

export function fieldRecorder(def: FieldDef, ctx: ProbeContext): Recorder {
  const { sim } = ctx
  const r = resolveField(sim, def.of)
  if (typeof r === 'string') throw new Error(r)
  const { store, field, synapse } = r
  // A neuron-side store is a bitecs component: only entities that carry it are selected.
  const component = sim.components[store]
  const has = (id: number): boolean => hasComponent(sim.world, id, component)
  const times = new Column()
  const cols = FIELD_STATS.map(() => new Column())
  const threshold = def.threshold ?? 0
  let cache: { key: string; ids: number[] } | undefined
  const ids = (): number[] => {
    // Synapse sets change with births and removals; neurons with the neuron list's version.
    const key = `${sim.indices.neurons.version}:${sim.synapseCount}:${synapse ? maxEntityId(sim) : 0}`
    if (!cache || cache.key !== key) cache = { key, ids: selectEntities(sim, def, ctx, synapse, has) }
    return cache.ids
  }
  let buf = new Float64Array(0)
  const observe = sampler(sim, def.every_ms, (t) => {
    const sel = ids()
    const data = (sim.components[store] as unknown as Record<string, ArrayLike<number>>)[field]!
    if (buf.length !== sel.length) buf = new Float64Array(sel.length)
    // An optional synapse store not yet in use is shorter than the id space: its values are 0.
    for (let i = 0; i < sel.length; i++) buf[i] = data[sel[i]!] ?? 0
    const st = sampleStats(buf, threshold)
    times.push(t)
    FIELD_STATS.forEach((k, i) => cols[i]!.push(st[k]))
  })
  const statIndex = FIELD_STATS.indexOf(def.stat)
  return {
    def,
    unit: def.stat === 'cv' || def.stat.startsWith('fraction') ? 'fraction' : def.stat === 'n' ? 'entities' : def.of,
    observe,
    reduce(reduce, from, to) {
      const picked: number[] = []
      const series = cols[statIndex]!
      for (let i = 0; i < times.length; i++) {
        const t = times.data[i]!
        if (t >= from - 1e-9 && t < to - 1e-9 && !Number.isNaN(series.data[i]!)) picked.push(series.data[i]!)
      }
      return { value: reduceValues(picked, reduce), n: picked.length }
    },
    table: () => ({
      columns: ['t_ms', ...FIELD_STATS.map((k) => (k === 'n' ? 'n' : `${k}${k === 'cv' || k.startsWith('fraction') ? '' : `_${field}`}`))],
      rows: function* () {
        for (let i = 0; i < times.length; i++) yield [times.data[i]!, ...cols.map((c) => c.data[i]!)]
      },
    }),
    info: () => ({ of: def.of, stat: def.stat, ...(def.threshold !== undefined ? { threshold } : {}), entities: ids().length, samples: times.length }),
  }
}
