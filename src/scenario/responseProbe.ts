/**
 * The `response` probe: the synaptic response of a population to each pulse of an electrode — the
 * simulated counterpart of the field EPSP that slice experiments follow before and after LTP/LTD
 * induction (Bliss & Lømo 1973; Dudek & Bear 1992), measured as the test-pulse response relative to
 * its baseline.
 *
 *   probes:
 *     fepsp: { response: { electrode: S1, population: CA1 pyramidal, window: 20 ms } }
 *
 * For every pulse the electrode delivers (EV_PULSE events), over `window` from the pulse:
 *   g_peak  = max over the window of Σ_n g_AMPA[n]  (the population's summed AMPA conductance; the
 *             field EPSP's initial slope reflects the AMPA current, so this is its proxy), in the
 *             conductance unit of the cells (nS for LIF cells, model units for Izhikevich cells);
 *   epsp_mV = max over the window of the population-mean v, minus its value at the pulse.
 * `measure` (conductance, the default, or epsp) is the series expectations reduce over the pulses
 * whose time falls in the window: `relativeTo` a baseline window gives "fEPSP % of baseline".
 * A pulse that comes while the previous window is open closes it early (trains give one record per
 * pulse; use single test pulses well apart for clean responses).
 */
import type { Sim } from '../engine/world.ts'
import { readSince, EV_PULSE } from '../engine/events.ts'
import { neuronIds } from '../engine/entities.ts'
import { Column, reduceValues, type ProbeContext, type Recorder } from './probes.ts'
import type { ProbeDef } from './types.ts'

type ResponseDef = Extract<ProbeDef, { kind: 'response' }>

export function responseRecorder(def: ResponseDef, ctx: ProbeContext): Recorder {
  const { sim } = ctx
  const electrode = ctx.electrode?.(def.electrode)
  if (electrode === undefined) throw new Error(`response probe "${def.name}": unknown electrode "${def.electrode}"`)
  const population = ctx.population(def.population)
  let version = -1
  let cells: number[] = []
  const members = (): number[] => {
    if (sim.indices.neurons.version !== version) {
      const pop = sim.components.Neuron.population
      cells = Array.from(neuronIds(sim)).filter((n) => population < 0 || pop[n] === population)
      version = sim.indices.neurons.version
    }
    return cells
  }
  const times = new Column()
  const gPeak = new Column()
  const epsp = new Column()
  const counts = new Column()
  let cursor = sim.events.total
  let open: { t_ms: number; endStep: number; v0: number; g: number; v: number } | undefined
  const windowSteps = Math.max(1, Math.round(def.window_ms / sim.time.dt_ms))
  const close = (): void => {
    if (!open) return
    times.push(open.t_ms)
    gPeak.push(open.g)
    epsp.push(open.v - open.v0)
    counts.push(members().length)
    open = undefined
  }
  const meanV = (s: Sim, ids: number[]): number => {
    const v = s.components.Neuron.v_mV
    let sum = 0
    for (const n of ids) sum += v[n]!
    return ids.length ? sum / ids.length : NaN
  }
  const observe = (s: Sim): void => {
    const ev = s.events
    const step = s.time.step
    let pulsed = false
    cursor = readSince(ev, cursor, (i) => {
      if (ev.kind[i] === EV_PULSE && ev.a[i] === electrode && ev.step[i] === step) pulsed = true
    })
    const ids = members()
    if (pulsed) {
      close()
      // v at the pulse: this step's arrivals cannot reach the cells before the synaptic delay.
      open = { t_ms: step * s.time.dt_ms, endStep: step + windowSteps, v0: meanV(s, ids), g: 0, v: -Infinity }
    }
    if (!open) return
    const gA = s.components.Receptors.g_AMPA
    let g = 0
    for (const n of ids) g += gA[n]!
    if (g > open.g) open.g = g
    const v = meanV(s, ids)
    if (v > open.v) open.v = v
    if (step + 1 >= open.endStep) close()
  }
  const series = def.measure === 'epsp' ? epsp : gPeak
  return {
    def,
    unit: def.measure === 'epsp' ? 'mV' : 'g_AMPA (sum)',
    observe,
    reduce(reduce, from, to) {
      const picked: number[] = []
      for (let i = 0; i < times.length; i++) {
        const t = times.data[i]!
        if (t >= from - 1e-9 && t < to - 1e-9) picked.push(series.data[i]!)
      }
      if (reduce === 'count') return { value: picked.length, n: picked.length }
      return { value: reduceValues(picked, reduce), n: picked.length }
    },
    table: () => ({
      columns: ['t_ms', 'g_peak', 'epsp_mV', 'cells'],
      rows: function* () {
        for (let i = 0; i < times.length; i++) yield [times.data[i]!, gPeak.data[i]!, epsp.data[i]!, counts.data[i]!]
      },
    }),
    info: () => ({ electrode: def.electrode, population: def.population ?? 'all', measure: def.measure, pulses: times.length }),
  }
}
