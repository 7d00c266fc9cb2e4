/**
 * Probes: recorders that watch a world through a step observer (src/engine/pipeline.ts) and keep a
 * time series. They read, never write, so a run with probes evolves exactly as one without.
 *
 * | kind   | records                                             | unit        | sample time            |
 * |--------|-----------------------------------------------------|-------------|------------------------|
 * | rate   | population firing rate in bins: spikes / (N · bin)  | Hz          | bin start              |
 * | spikes | raster (time, neuron id) of a population            | –           | step of the spike      |
 * | v      | membrane potential of given neurons                 | mV          | end of the sampled step|
 * | weight | mean weight of a pathway's synapses / onto a population | weight units | end of the sampled step|
 * | field  | statistics of any component field over a selection (src/scenario/fieldProbe.ts) | the field's | end of the sampled step|
 * | response | per electrode pulse: peak summed g_AMPA / peak mean EPSP of a population (responseProbe.ts) | conductance or mV | pulse time |
 * |        | with `between: [lo, hi]`: fraction of them with lo ≤ w ≤ hi | fraction | (weight histograms, bimodality) |
 *
 * `weight` with `ratioCv: true` records, per sample, the largest over postsynaptic neurons of the
 * coefficient of variation (SD / mean) of w_s(t) / w_s(t₀) across each neuron's selected synapses
 * (neurons with ≥ 2 of them), t₀ the probe's first sample (synapses born later are not counted):
 * 0 when every neuron changed all its synapses by one factor (multiplicative scaling, Turrigiano
 * et al. 1998), > 0 for additive or synapse-specific changes.
 *
 * `weight` with `settled: true` counts each calcium-rule synapse (components/calcium.ts) at the
 * weight it settles to when no more calcium comes: UP (ρ = 1) if its efficacy ρ > ρ*, else DOWN
 * (ρ = 0) — Graupner & Brunel's (2012) "final state", what w_after/w_before is defined on. ρ is the
 * value stored at the synapse's last calcium event (Calcium.rho). Other synapses count as they are.
 *
 * Bins and sampling intervals are on the scenario's time grid (multiples from t = 0), so a run
 * resumed from a snapshot samples at the same times as a straight one. `v` and `weight` also take a
 * sample of the initial state when the run starts on their grid.
 *
 * Reductions over a window [from, to) (src/scenario/metrics.ts):
 *   rate:   mean / max / min of the bin rates of bins starting in the window; count = spikes in them
 *   spikes: count = spikes in the window; mean = count / (N · window), in Hz per neuron
 *   v:      mean / max / min over every recorded neuron and sample in the window
 *   weight: mean / max / min of the sampled mean weight
 */
import type { Sim } from '../engine/world.ts'
import type { StepObserver } from '../engine/pipeline.ts'
import { neuronIds } from '../engine/entities.ts'
import { maxEntityId } from '../engine/adjacency.ts'
import { calciumGain } from '../../components/calcium.ts'
import type { ProbeDef, Reduce } from './types.ts'
import { fieldRecorder } from './fieldProbe.ts'
import { responseRecorder } from './responseProbe.ts'

/** Spikes kept by a `spikes` probe before it stops recording (memory bound: 8 bytes each). */
export const MAX_RASTER_SPIKES = 5_000_000

export interface Reduced {
  value: number
  /** Samples (bins, spikes, values) that went into it. */
  n: number
}

export interface Recorder {
  readonly def: ProbeDef
  readonly unit: string
  readonly observe: StepObserver
  /** Reduce over samples with time in [from_ms, to_ms). */
  reduce(reduce: Reduce, from_ms: number, to_ms: number): Reduced
  /** Column names and rows (for CSV). */
  table(): { columns: string[]; rows: () => Iterable<number[]> }
  /** Facts for the summary (ids recorded, population size …). */
  info(): Record<string, unknown>
  /** Last time up to which recording is complete (ms), when a bound was hit; else undefined. */
  truncatedAt_ms?: number
}

/** A growable Float64 column. */
export class Column {
  data = new Float64Array(256)
  length = 0
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = x
  }
}

/** Members of a population (or all neurons), re-read when the neuron set changes. */
function members(sim: Sim, population: number): () => Uint32Array {
  let version = -1
  let ids: Uint32Array = new Uint32Array(0)
  return (): Uint32Array => {
    if (sim.indices.neurons.version !== version || ids.length === 0) {
      const all = neuronIds(sim)
      const pop = sim.components.Neuron.population
      ids = population < 0 ? all : all.filter((n) => pop[n] === population)
      version = sim.indices.neurons.version
    }
    return ids
  }
}

export function reduceValues(values: ArrayLike<number>, reduce: Reduce): number {
  if (values.length === 0) return NaN
  let acc = reduce === 'max' ? -Infinity : reduce === 'min' ? Infinity : 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (reduce === 'max') acc = v > acc ? v : acc
    else if (reduce === 'min') acc = v < acc ? v : acc
    else acc += v
  }
  return reduce === 'mean' ? acc / values.length : acc
}

export interface ProbeContext {
  sim: Sim
  population(name: string | undefined): number
  pathway(name: string | undefined): number
  /** Neuron ids of a v probe (already checked to be live neurons). */
  neurons?: number[]
  /** Electrode entity id by scenario name (response probes). */
  electrode?(name: string): number | undefined
}

export function createRecorder(def: ProbeDef, ctx: ProbeContext): Recorder {
  switch (def.kind) {
    case 'rate':
      return rateRecorder(def, ctx)
    case 'spikes':
      return spikeRecorder(def, ctx)
    case 'v':
      return vRecorder(def, ctx)
    case 'weight':
      return weightRecorder(def, ctx)
    case 'field':
      return fieldRecorder(def, ctx)
    case 'response':
      return responseRecorder(def, ctx)
  }
}

function rateRecorder(def: Extract<ProbeDef, { kind: 'rate' }>, ctx: ProbeContext): Recorder {
  const { sim } = ctx
  const dt = sim.time.dt_ms
  const binSteps = Math.max(1, Math.round(def.bin_ms / dt))
  const bin_ms = binSteps * dt
  const pop = ctx.population(def.population)
  const ids = members(sim, pop)
  const firstBin = Math.floor(sim.time.step / binSteps)
  const counts = new Column()
  const steps = new Column()
  const sizes = new Column()
  const observe: StepObserver = (s) => {
    const b = Math.floor(s.time.step / binSteps) - firstBin
    while (counts.length <= b) {
      counts.push(0)
      steps.push(0)
      sizes.push(0)
    }
    let k = 0
    const spikes = s.spikes
    const popArr = s.components.Neuron.population
    if (pop < 0) k = spikes.count
    else for (let i = 0; i < spikes.count; i++) if (popArr[spikes.ids[i]!] === pop) k++
    counts.data[b]! += k
    steps.data[b]!++
    sizes.data[b] = ids().length
  }
  const rate = (b: number) => {
    const n = sizes.data[b]!
    const span_s = (steps.data[b]! * dt) / 1000
    return n > 0 && span_s > 0 ? counts.data[b]! / (n * span_s) : 0
  }
  const binsIn = (from: number, to: number): number[] => {
    const out: number[] = []
    for (let b = 0; b < counts.length; b++) {
      const t = (firstBin + b) * bin_ms
      if (t >= from - 1e-9 && t < to - 1e-9) out.push(b)
    }
    return out
  }
  return {
    def,
    unit: 'Hz',
    observe,
    reduce(reduce, from, to) {
      const bins = binsIn(from, to)
      if (reduce === 'count') return { value: bins.reduce((a, b) => a + counts.data[b]!, 0), n: bins.length }
      return { value: reduceValues(bins.map(rate), reduce), n: bins.length }
    },
    table: () => ({
      columns: ['t_ms', 'rate_Hz', 'spikes', 'neurons'],
      rows: function* () {
        for (let b = 0; b < counts.length; b++) yield [(firstBin + b) * bin_ms, rate(b), counts.data[b]!, sizes.data[b]!]
      },
    }),
    info: () => ({ population: def.population ?? 'all', bin_ms, neurons: ids().length }),
  }
}

function spikeRecorder(def: Extract<ProbeDef, { kind: 'spikes' }>, ctx: ProbeContext): Recorder {
  const { sim } = ctx
  const dt = sim.time.dt_ms
  const pop = ctx.population(def.population)
  const ids = members(sim, pop)
  const times = new Column()
  const who = new Column()
  const rec: Recorder = {
    def,
    unit: 'spikes',
    observe: (s) => {
      const spikes = s.spikes
      if (spikes.count === 0 || rec.truncatedAt_ms !== undefined) return
      const popArr = s.components.Neuron.population
      const t = s.time.step * dt
      for (let i = 0; i < spikes.count; i++) {
        const n = spikes.ids[i]!
        if (pop >= 0 && popArr[n] !== pop) continue
        if (times.length >= MAX_RASTER_SPIKES) {
          rec.truncatedAt_ms = t
          return
        }
        times.push(t)
        who.push(n)
      }
    },
    reduce(reduce, from, to) {
      let k = 0
      for (let i = 0; i < times.length; i++) {
        const t = times.data[i]!
        if (t >= from - 1e-9 && t < to - 1e-9) k++
      }
      if (reduce === 'count') return { value: k, n: k }
      const n = ids().length
      return { value: n > 0 ? k / (n * ((to - from) / 1000)) : NaN, n: k }
    },
    table: () => ({
      columns: ['t_ms', 'neuron'],
      rows: function* () {
        for (let i = 0; i < times.length; i++) yield [times.data[i]!, who.data[i]!]
      },
    }),
    info: () => ({ population: def.population ?? 'all', neurons: ids().length, spikes: times.length }),
  }
  return rec
}

/** Sampler on the grid k · every (k integer), including the state at the start when on the grid. */
export function sampler(sim: Sim, every_ms: number, sample: (t_ms: number) => void): StepObserver {
  const dt = sim.time.dt_ms
  const everySteps = Math.max(1, Math.round(every_ms / dt))
  if (sim.time.step % everySteps === 0) sample(sim.time.step * dt)
  return (s) => {
    const end = s.time.step + 1
    if (end % everySteps === 0) sample(end * dt)
  }
}

function vRecorder(def: Extract<ProbeDef, { kind: 'v' }>, ctx: ProbeContext): Recorder {
  const { sim } = ctx
  const ids = ctx.neurons ?? []
  const times = new Column()
  const values = new Column() // row-major: one row of ids.length values per sample
  const observe = sampler(sim, def.every_ms, (t) => {
    const v = sim.components.Neuron.v_mV
    times.push(t)
    for (const n of ids) values.push(v[n]!)
  })
  return {
    def,
    unit: 'mV',
    observe,
    reduce(reduce, from, to) {
      const picked: number[] = []
      for (let i = 0; i < times.length; i++) {
        const t = times.data[i]!
        if (t >= from - 1e-9 && t < to - 1e-9) for (let j = 0; j < ids.length; j++) picked.push(values.data[i * ids.length + j]!)
      }
      return { value: reduceValues(picked, reduce), n: picked.length }
    },
    table: () => ({
      columns: ['t_ms', ...ids.map((n) => `v${n}_mV`)],
      rows: function* () {
        for (let i = 0; i < times.length; i++) yield [times.data[i]!, ...values.data.subarray(i * ids.length, (i + 1) * ids.length)]
      },
    }),
    info: () => ({ neurons: ids, samples: times.length }),
  }
}

function weightRecorder(def: Extract<ProbeDef, { kind: 'weight' }>, ctx: ProbeContext): Recorder {
  const { sim } = ctx
  const pathway = ctx.pathway(def.pathway)
  const onto = ctx.population(def.onto)
  const settled = def.settled === true
  // With `between: [lo, hi]` the probe records the fraction of the synapses in [lo, hi] (e.g. near a bound).
  // Bounds rounded to f32 like the stored weights, so that a weight clipped to w_max = hi counts as ≤ hi.
  const lo = def.between ? Math.fround(def.between[0]) : -Infinity
  const hi = def.between ? Math.fround(def.between[1]) : Infinity
  const fraction = def.between !== undefined
  const times = new Column()
  const means = new Column()
  const counts = new Column()
  const ratio = def.ratioCv === true ? ratioCvSampler(sim, pathway, onto) : undefined
  const observe = sampler(sim, def.every_ms, (t) => {
    if (ratio) {
      const [cv, n] = ratio()
      times.push(t)
      means.push(cv)
      counts.push(n)
      return
    }
    const S = sim.components.Synapse
    const popArr = sim.components.Neuron.population
    const last = Math.min(maxEntityId(sim), S.alive.length - 1)
    let sum = 0
    let n = 0
    for (let s = 1; s <= last; s++) {
      if (S.alive[s] === 0) continue
      if (pathway >= 0 && S.pathway[s] !== pathway) continue
      if (onto >= 0 && popArr[S.post[s]!] !== onto) continue
      const w = settled ? settledWeight(sim, s) : S.weight[s]!
      sum += fraction ? (w >= lo && w <= hi ? 1 : 0) : w
      n++
    }
    times.push(t)
    means.push(n > 0 ? sum / n : NaN)
    counts.push(n)
  })
  return {
    def,
    unit: ratio ? 'CV' : fraction ? 'fraction' : 'weight',
    observe,
    reduce(reduce, from, to) {
      const picked: number[] = []
      for (let i = 0; i < times.length; i++) {
        const t = times.data[i]!
        if (t >= from - 1e-9 && t < to - 1e-9 && !Number.isNaN(means.data[i]!)) picked.push(means.data[i]!)
      }
      return { value: reduceValues(picked, reduce), n: picked.length }
    },
    table: () => ({
      columns: ['t_ms', ratio ? 'max_ratio_cv' : fraction ? 'fraction_between' : 'mean_weight', 'synapses'],
      rows: function* () {
        for (let i = 0; i < times.length; i++) yield [times.data[i]!, means.data[i]!, counts.data[i]!]
      },
    }),
    info: () => ({ pathway: def.pathway ?? 'all', onto: def.onto ?? 'all', ...(settled ? { settled } : {}), ...(fraction ? { between: def.between } : {}), synapses: counts.length ? counts.data[counts.length - 1]! : 0, samples: times.length }),
  }
}

/**
 * For `ratioCv`: a function giving [largest per-neuron CV of w/w₀, synapses counted]; its first call
 * takes the reference weights w₀.
 */
function ratioCvSampler(sim: Sim, pathway: number, onto: number): () => [number, number] {
  let ref: Float64Array | undefined
  return () => {
    const S = sim.components.Synapse
    const popArr = sim.components.Neuron.population
    const last = Math.min(maxEntityId(sim), S.alive.length - 1)
    if (ref === undefined) {
      ref = new Float64Array(last + 1).fill(NaN)
      for (let s = 1; s <= last; s++) if (S.alive[s] === 1) ref[s] = S.weight[s]!
    }
    const acc = new Map<number, [number, number, number]>()
    let counted = 0
    for (let s = 1; s <= Math.min(last, ref.length - 1); s++) {
      if (S.alive[s] === 0 || !(ref[s]! > 0)) continue
      if (pathway >= 0 && S.pathway[s] !== pathway) continue
      if (onto >= 0 && popArr[S.post[s]!] !== onto) continue
      const r = S.weight[s]! / ref[s]!
      const a = acc.get(S.post[s]!) ?? [0, 0, 0]
      a[0]++
      a[1] += r
      a[2] += r * r
      acc.set(S.post[s]!, a)
      counted++
    }
    let worst = NaN
    for (const [n, sum, sq] of acc.values()) {
      if (n < 2) continue
      const mean = sum / n
      const cv = mean > 0 ? Math.sqrt(Math.max(0, sq / n - mean * mean)) / mean : NaN
      if (!(cv <= worst)) worst = Number.isNaN(worst) ? cv : Math.max(worst, cv)
    }
    return [worst, counted]
  }
}

/** Weight of synapse `s` once its efficacy has settled (UP iff ρ > ρ*); its weight if it has no calcium rule. */
function settledWeight(sim: Sim, s: number): number {
  const w = sim.components.Synapse.weight[s]!
  const q = sim.components.Calcium.rule[s] ?? 0
  if (q === 0) return w
  const r = sim.params.calciumRules[q]!
  const rho = sim.components.Calcium.rho[s]!
  return (w * calciumGain(rho > r.rhoStar ? 1 : 0, r.b)) / calciumGain(rho, r.b)
}
