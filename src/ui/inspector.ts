/**
 * The inspector: the selected neuron or synapse, its components live, and a history plot (uPlot) —
 * membrane potential for a neuron (every fast step), weight for a synapse (every SYN_EVERY steps).
 *
 * The summary rows name things (population, cell type, receptor, pathway, plasticity rule); below
 * them every store the entity belongs to is listed field by field (`Store.field`), so mechanisms
 * that arrive later show up without changes here. A synapse store whose `rule` field is 0 (the
 * mechanism is off for that synapse) is left out. The panel only reads the world.
 */
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { hasComponent } from 'bitecs'
import { IZH_TYPE_NAMES, MODEL_IZHIKEVICH } from '../../components/neuron.ts'
import { RECEPTOR_NAMES } from '../../components/synapse.ts'
import { BITECS_COMPONENTS, SYNAPSE_COMPONENTS, type ComponentName, type Sim } from '../engine/world.ts'
import { isNeuron } from '../engine/entities.ts'
import { activityRate_Hz } from '../../systems/membraneCache.ts'
import type { Selection } from '../view/view.ts'
import type { App } from './app.ts'

/** Samples kept in the history (a ring). */
export const HISTORY = 4000
/** A synapse's weight is sampled every this many steps. */
export const SYN_EVERY = 10

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

/** 4 significant digits, plain for ordinary magnitudes. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x)
  const a = Math.abs(x)
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3)
  return String(Number(x.toPrecision(4)))
}

export interface Inspector {
  select(sel: Selection): void
  readonly selection: Selection
  /** Refresh the fields and the plot if the world advanced (called once per page frame). */
  update(): void
  /** Rows shown (label → text), for tests. */
  rows(): Record<string, string>
  /** History: times (ms) and values. */
  history(): { t_ms: number[]; y: number[]; quantity: string }
}

export function createInspector(app: App): Inspector {
  const empty = el<HTMLElement>('inspector-empty')
  const body = el<HTMLElement>('inspector-body')
  const title = el<HTMLElement>('inspector-title')
  const fields = el<HTMLDListElement>('inspector-fields')
  const plotHost = el<HTMLElement>('inspector-plot')
  const panel = el<HTMLDetailsElement>('inspector-panel')
  el<HTMLButtonElement>('inspector-clear').onclick = () => inspector.select(null)

  let selection: Selection = null
  const ht = new Float64Array(HISTORY)
  const hy = new Float64Array(HISTORY)
  let hn = 0 // samples written in total
  let quantity = ''
  let lastStep = -1
  let lastSamples = -1
  let shown: Record<string, string> = {}
  let plot: uPlot | null = null
  let inDegree = 0
  let outDegree = 0
  let degreeAt = -1

  function sample(force = false): void {
    if (!selection) return
    const sim = app.session.sim
    let y: number
    if (selection.kind === 'neuron') y = sim.components.Neuron.v_mV[selection.id]!
    else {
      if (!force && sim.time.step % SYN_EVERY !== 0) return
      y = sim.components.Synapse.weight[selection.id]!
    }
    const i = hn % HISTORY
    ht[i] = sim.time.step * sim.time.dt_ms
    hy[i] = y
    hn++
  }

  function history(): { t_ms: number[]; y: number[]; quantity: string } {
    const n = Math.min(hn, HISTORY)
    const t: number[] = new Array(n)
    const y: number[] = new Array(n)
    for (let k = 0; k < n; k++) {
      const i = (hn - n + k) % HISTORY
      t[k] = ht[i]!
      y[k] = hy[i]!
    }
    return { t_ms: t, y, quantity }
  }

  function ensurePlot(): uPlot {
    const width = Math.max(200, Math.floor(plotHost.clientWidth || 270))
    if (plot && plot.width === width && plot.series[1]!.label === quantity) return plot
    plot?.destroy()
    plot = new uPlot(
      {
        width,
        height: 150,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [
          { stroke: '#8a96a8', grid: { stroke: '#2a3344', width: 1 }, ticks: { stroke: '#2a3344' }, label: 't (ms)', labelSize: 14, size: 34 },
          { stroke: '#8a96a8', grid: { stroke: '#2a3344', width: 1 }, ticks: { stroke: '#2a3344' }, size: 52 },
        ],
        series: [{}, { label: quantity, stroke: '#7dfcff', width: 1.5, points: { show: false } }],
      },
      [[], []],
      plotHost,
    )
    return plot
  }

  function degree(sim: Sim, n: number): void {
    const S = sim.components.Synapse
    let i = 0
    let o = 0
    for (let s = 1; s < S.alive.length; s++) {
      if (S.alive[s] === 0) continue
      if (S.post[s] === n) i++
      if (S.pre[s] === n) o++
    }
    inDegree = i
    outDegree = o
    degreeAt = sim.synapseCount
  }

  function storeRows(sim: Sim, names: readonly ComponentName[], id: number, isMember: (name: ComponentName) => boolean, out: [string, string][]): void {
    for (const name of names) {
      if (!isMember(name)) continue
      const data = sim.components[name] as unknown as Record<string, ArrayLike<number>>
      if ('rule' in data && data.rule![id] === 0) continue
      for (const [field, arr] of Object.entries(data)) {
        if (name === 'Synapse' && field === 'alive') continue
        out.push([`${name}.${field}`, fmt(arr[id] ?? NaN)])
      }
    }
  }

  function neuronRows(sim: Sim, n: number): [string, string][] {
    const N = sim.components.Neuron
    const P = sim.components.Position
    const p = sim.params
    if (degreeAt !== sim.synapseCount) degree(sim, n)
    const izh = N.model[n] === MODEL_IZHIKEVICH
    const rows: [string, string][] = [
      ['population', p.populations[N.population[n]!] ?? String(N.population[n])],
      ['region', p.regions[N.region[n]!] ?? String(N.region[n])],
      ['type', `${izh ? `Izhikevich ${IZH_TYPE_NAMES[N.cellType[n]!] ?? '?'}` : 'LIF'} · ${N.excitatory[n] ? 'excitatory' : 'inhibitory'}`],
      ['position', `(${fmt(P.x_um[n]!)}, ${fmt(P.y_um[n]!)}) µm`],
      ['v', `${N.v_mV[n]!.toFixed(2)} mV`],
      ['rate', `${activityRate_Hz(sim, n).toFixed(2)} Hz`],
      ['last spike', N.lastSpike_ms[n]! > -1e8 ? `${fmt(N.lastSpike_ms[n]!)} ms` : 'never'],
      ['synapses', `${inDegree} in · ${outDegree} out`],
    ]
    storeRows(sim, BITECS_COMPONENTS, n, (name) => hasComponent(sim.world, n, sim.components[name]), rows)
    return rows
  }

  function synapseRows(sim: Sim, s: number): [string, string][] {
    const S = sim.components.Synapse
    const N = sim.components.Neuron
    const p = sim.params
    const pre = S.pre[s]!
    const post = S.post[s]!
    const pop = (n: number) => p.populations[N.population[n]!] ?? '?'
    const rules: string[] = []
    const pl = sim.components.Plasticity?.rule[s] ?? 0
    if (pl) rules.push(`STDP ${p.stdpRules[pl]?.name ?? pl}`)
    const ca = sim.components.Calcium?.rule[s] ?? 0
    if (ca) rules.push(`calcium ${p.calciumRules[ca]?.name ?? ca} (ρ = ${fmt(sim.components.Calcium.rho[s]!)})`)
    for (const name of SYNAPSE_COMPONENTS) {
      if (name === 'Plasticity' || name === 'Calcium' || name === 'Synapse' || name === 'ShortTerm') continue
      const data = sim.components[name] as unknown as Record<string, ArrayLike<number>>
      if ('rule' in data && data.rule![s]) rules.push(`${name} rule ${data.rule![s]}`)
    }
    const stp = sim.components.ShortTerm.profile[s]!
    const rows: [string, string][] = [
      ['pre → post', `#${pre} (${pop(pre)}) → #${post} (${pop(post)})`],
      ['receptor', RECEPTOR_NAMES[S.receptor[s]!] ?? String(S.receptor[s])],
      ['weight', fmt(S.weight[s]!)],
      ['delay', `${fmt(S.delaySteps[s]! * sim.time.dt_ms)} ms (${fmt(S.pathLength_um[s]!)} µm of axon)`],
      ['pathway', p.pathways[S.pathway[s]!] ?? String(S.pathway[s])],
      ['plasticity', rules.length ? rules.join('; ') : 'none (static)'],
      ['short-term', stp ? `${p.stpProfiles[stp]?.name ?? stp}: u = ${fmt(sim.components.ShortTerm.u[s]!)}, x = ${fmt(sim.components.ShortTerm.x[s]!)}` : 'none'],
    ]
    storeRows(sim, SYNAPSE_COMPONENTS, s, () => true, rows)
    return rows
  }

  function render(): void {
    const sim = app.session.sim
    if (!selection) return
    let rows: [string, string][]
    if (selection.kind === 'neuron') {
      if (!isNeuron(sim, selection.id)) rows = [['status', 'removed']]
      else rows = neuronRows(sim, selection.id)
    } else {
      const S = sim.components.Synapse
      if (selection.id >= S.alive.length || S.alive[selection.id] === 0) rows = [['status', 'removed']]
      else rows = synapseRows(sim, selection.id)
    }
    shown = Object.fromEntries(rows)
    const frag = document.createDocumentFragment()
    for (const [k, v] of rows) {
      const dt = document.createElement('dt')
      dt.textContent = k
      const dd = document.createElement('dd')
      dd.textContent = v
      dd.dataset.field = k
      frag.append(dt, dd)
    }
    fields.replaceChildren(frag)
    if (panel.open && hn !== lastSamples) {
      lastSamples = hn
      const h = history()
      ensurePlot().setData([h.t_ms, h.y])
    }
  }

  const inspector: Inspector = {
    get selection() {
      return selection
    },
    select(sel: Selection) {
      selection = sel
      app.view.select(sel)
      hn = 0
      lastSamples = -1
      degreeAt = -1
      if (!sel) {
        app.loop.afterStep = undefined
        body.hidden = true
        empty.hidden = false
        shown = {}
        return
      }
      quantity = sel.kind === 'neuron' ? 'v (mV)' : 'weight'
      title.textContent = `${sel.kind === 'neuron' ? 'Neuron' : 'Synapse'} #${sel.id}`
      plotHost.setAttribute('aria-label', `${sel.kind === 'neuron' ? 'Membrane potential' : 'Weight'} of ${sel.kind} ${sel.id} over time`)
      body.hidden = false
      empty.hidden = true
      panel.open = true
      app.loop.afterStep = sample
      sample(true)
      lastStep = -1
      inspector.update()
    },
    update() {
      if (!selection) return
      const step = app.session.sim.time.step
      if (step === lastStep) return
      lastStep = step
      render()
    },
    rows: () => ({ ...shown }),
    history,
  }
  app.onReplace((_s, continued) => inspector.select(continued ? selection : null))
  return inspector
}
