/**
 * The inspector: the selected neuron or synapse, its components live, and a history plot (uPlot) —
 * membrane potential for a neuron (every fast step), weight for a synapse (every SYN_EVERY steps),
 * or any other field of its stores picked in the "Plot" menu (calcium, efficacy, traces …). The
 * plot marks the events that act on the selection: spikes of the neuron, or of a synapse's
 * presynaptic (top ticks) and postsynaptic (bottom ticks) cells, and drugs applied or washed.
 *
 * The rows (inspectorRows.ts): named ones first, the raw store fields under "All components".
 * The panel only reads the world.
 */
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { hasComponent } from 'bitecs'
import { BITECS_COMPONENTS, SYNAPSE_COMPONENTS, type ComponentName, type Sim } from '../engine/world.ts'
import { isNeuron } from '../engine/entities.ts'
import { readSince, EV_SPIKE } from '../engine/events.ts'
import type { Selection } from '../view/view.ts'
import type { App } from './app.ts'
import { neuronRows, synapseRows, type DegreeCache } from './inspectorRows.ts'

export { fmt } from './inspectorRows.ts'

/** Samples kept in the history (a ring). */
export const HISTORY = 4000
/** A synapse's weight is sampled every this many steps. */
export const SYN_EVERY = 10

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}


export interface Inspector {
  select(sel: Selection): void
  readonly selection: Selection
  /** Refresh the fields and the plot if the world advanced (called once per page frame). */
  update(): void
  /** Rows shown (label → text), for tests. */
  rows(): Record<string, string>
  /** History: times (ms) and values. */
  history(): History
  /** Plot another field of the selection ("Store.field"); the history restarts. */
  plotField(path: string): void
}

export interface History {
  t_ms: number[]
  y: number[]
  quantity: string
  /** Spike times (ms) of the neuron, or of a synapse's pre- and postsynaptic cells, within the history. */
  pre: number[]
  post: number[]
  /** Drug changes within the history: [t_ms, what]. */
  drugs: [number, string][]
}

const PRE_COLOR = '#ffd23f'
const POST_COLOR = '#ff6b6b'

export function createInspector(app: App): Inspector {
  const empty = el<HTMLElement>('inspector-empty')
  const body = el<HTMLElement>('inspector-body')
  const title = el<HTMLElement>('inspector-title')
  const fields = el<HTMLDListElement>('inspector-fields')
  const rawFields = el<HTMLDListElement>('inspector-raw-fields')
  const rawPanel = el<HTMLDetailsElement>('inspector-raw')
  const plotHost = el<HTMLElement>('inspector-plot')
  const panel = el<HTMLDetailsElement>('inspector-panel')
  const quantitySelect = el<HTMLSelectElement>('inspector-quantity')
  const marks = el<HTMLElement>('inspector-marks')
  el<HTMLButtonElement>('inspector-clear').onclick = () => inspector.select(null)
  rawPanel.addEventListener('toggle', () => {
    lastStep = -1
    inspector.update()
  })

  let selection: Selection = null
  const ht = new Float64Array(HISTORY)
  const hy = new Float64Array(HISTORY)
  let hn = 0 // samples written in total
  let quantity = ''
  let field: [string, string] = ['Neuron', 'v_mV']
  let every = 1
  let cursor = 0
  let pre: number[] = []
  let post: number[] = []
  let drugMarks: [number, string][] = []
  let lastDrugs: unknown = undefined
  let lastStep = -1
  let lastSamples = -1
  let shown: Record<string, string> = {}
  let plot: uPlot | null = null
  const degrees: DegreeCache = { neuron: 0, in: 0, out: 0, at: -1 }

  function sample(force = false): void {
    if (!selection) return
    const sim = app.session.sim
    if (!force && sim.time.step % every !== 0) return
    const data = sim.components[field[0] as ComponentName] as unknown as Record<string, ArrayLike<number>> | undefined
    const y = data?.[field[1]]?.[selection.id] ?? NaN
    const i = hn % HISTORY
    ht[i] = sim.time.step * sim.time.dt_ms
    hy[i] = y
    hn++
  }

  function history(): History {
    collectEvents()
    const n = Math.min(hn, HISTORY)
    const t: number[] = new Array(n)
    const y: number[] = new Array(n)
    for (let k = 0; k < n; k++) {
      const i = (hn - n + k) % HISTORY
      t[k] = ht[i]!
      y[k] = hy[i]!
    }
    const t0 = n ? t[0]! : Infinity
    return { t_ms: t, y, quantity, pre: pre.filter((x) => x >= t0), post: post.filter((x) => x >= t0), drugs: drugMarks.filter(([x]) => x >= t0) }
  }

  /** Spikes of the selection's cells and drug changes since the last frame (the events ring, own cursor). */
  function collectEvents(): void {
    if (!selection) return
    const sim = app.session.sim
    const ev = sim.events
    const dt = sim.time.dt_ms
    let a = -1
    let b = -1
    if (selection.kind === 'neuron') a = selection.id
    else {
      a = sim.components.Synapse.pre[selection.id]!
      b = sim.components.Synapse.post[selection.id]!
    }
    cursor = readSince(ev, cursor, (i) => {
      if (ev.kind[i] !== EV_SPIKE) return
      const n = ev.a[i]!
      if (n === a) pre.push(ev.step[i]! * dt)
      else if (n === b) post.push(ev.step[i]! * dt)
    })
    checkDrugs()
    const oldest = hn > HISTORY ? ht[hn % HISTORY]! : -Infinity
    if (pre.length > 5000 || post.length > 5000) {
      pre = pre.filter((x) => x >= oldest)
      post = post.filter((x) => x >= oldest)
    }
  }

  /** Drug changes (the bath is replaced on every change): checked every page frame, even paused. */
  function checkDrugs(): void {
    const sim = app.session.sim
    const d = sim.state.drugs
    if (d === lastDrugs) return
    const before = (lastDrugs ?? {}) as Record<string, number>
    const now = (d ?? {}) as Record<string, number>
    const t = sim.time.step * sim.time.dt_ms
    for (const k of Object.keys(now)) if (before[k] === undefined) drugMarks.push([t, `+${k}`])
    for (const k of Object.keys(before)) if (now[k] === undefined) drugMarks.push([t, `−${k}`])
    lastDrugs = d
    lastSamples = -1 // redraw the marks
    lastStep = -1
  }

  function drawMarks(u: uPlot): void {
    const ctx = u.ctx
    const { left, top, width, height } = u.bbox
    const tick = 8 * devicePixelRatio
    ctx.save()
    ctx.lineWidth = Math.max(1, devicePixelRatio)
    const x = (t: number) => u.valToPos(t, 'x', true)
    const h = history()
    ctx.strokeStyle = PRE_COLOR
    for (const t of h.pre) {
      const px = x(t)
      if (px < left || px > left + width) continue
      ctx.beginPath()
      ctx.moveTo(px, top)
      ctx.lineTo(px, top + tick)
      ctx.stroke()
    }
    ctx.strokeStyle = POST_COLOR
    for (const t of h.post) {
      const px = x(t)
      if (px < left || px > left + width) continue
      ctx.beginPath()
      ctx.moveTo(px, top + height - tick)
      ctx.lineTo(px, top + height)
      ctx.stroke()
    }
    ctx.strokeStyle = '#d8dee9'
    ctx.fillStyle = '#d8dee9'
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio])
    ctx.font = `${10 * devicePixelRatio}px system-ui, sans-serif`
    for (const [t, what] of h.drugs) {
      const px = x(t)
      if (px < left || px > left + width) continue
      ctx.beginPath()
      ctx.moveTo(px, top)
      ctx.lineTo(px, top + height)
      ctx.stroke()
      ctx.fillText(what, px + 3 * devicePixelRatio, top + 20 * devicePixelRatio)
    }
    ctx.restore()
  }

  /** The fields that can be plotted for the selection, "Store.field". */
  function plottable(sim: Sim, sel: NonNullable<Selection>): string[] {
    const out: string[] = []
    const names = sel.kind === 'neuron' ? BITECS_COMPONENTS.filter((n) => hasComponent(sim.world, sel.id, sim.components[n])) : SYNAPSE_COMPONENTS
    for (const name of names) {
      const data = sim.components[name] as unknown as Record<string, ArrayLike<number>>
      if (sel.kind === 'synapse' && 'rule' in data && !data.rule![sel.id]) continue
      for (const f of Object.keys(data)) if (f !== 'alive' && f !== 'rule') out.push(`${name}.${f}`)
    }
    return out
  }

  function setField(path: string): void {
    const [store, f] = path.split('.') as [string, string]
    field = [store, f]
    quantity = path === 'Neuron.v_mV' ? 'v (mV)' : path === 'Synapse.weight' ? 'weight' : path
    every = selection?.kind === 'synapse' ? SYN_EVERY : 1
    hn = 0
    lastSamples = -1
    quantitySelect.value = path
    sample(true)
  }
  quantitySelect.onchange = () => {
    setField(quantitySelect.value)
    lastStep = -1
    inspector.update()
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
        hooks: { draw: [drawMarks] },
      },
      [[], []],
      plotHost,
    )
    return plot
  }

  function render(): void {
    const sim = app.session.sim
    if (!selection) return
    let rows: [string, string][]
    if (selection.kind === 'neuron') {
      if (!isNeuron(sim, selection.id)) rows = [['status', 'removed']]
      else rows = neuronRows(sim, selection.id, degrees)
    } else {
      const S = sim.components.Synapse
      if (selection.id >= S.alive.length || S.alive[selection.id] === 0) rows = [['status', 'removed']]
      else rows = synapseRows(sim, selection.id)
    }
    shown = Object.fromEntries(rows)
    // Named rows first; the raw store fields (`Store.field`) in the collapsible "All components".
    const fill = (dl: HTMLDListElement, list: [string, string][]) => {
      const frag = document.createDocumentFragment()
      for (const [k, v] of list) {
        const dt = document.createElement('dt')
        dt.textContent = k
        const dd = document.createElement('dd')
        dd.textContent = v
        dd.dataset.field = k
        frag.append(dt, dd)
      }
      dl.replaceChildren(frag)
    }
    fill(fields, rows.filter(([k]) => !k.includes('.')))
    if (rawPanel.open) fill(rawFields, rows.filter(([k]) => k.includes('.')))
    collectEvents()
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
      degrees.at = -1
      if (!sel) {
        app.loop.afterStep = undefined
        body.hidden = true
        empty.hidden = false
        shown = {}
        return
      }
      const sim = app.session.sim
      cursor = sim.events.total
      pre = []
      post = []
      drugMarks = []
      lastDrugs = sim.state.drugs
      const options = plottable(sim, sel)
      quantitySelect.replaceChildren(...options.map((o) => new Option(o === 'Neuron.v_mV' ? 'membrane potential v (mV)' : o === 'Synapse.weight' ? 'weight' : o, o)))
      marks.textContent =
        sel.kind === 'neuron'
          ? 'Ticks at the top: this cell’s spikes. Dashed lines: drugs applied (+) or washed (−).'
          : 'Ticks: presynaptic spikes (top, amber), postsynaptic spikes (bottom, red). Dashed lines: drugs applied (+) or washed (−).'
      title.textContent = `${sel.kind === 'neuron' ? 'Neuron' : 'Synapse'} #${sel.id}`
      plotHost.setAttribute('aria-label', `${sel.kind === 'neuron' ? 'Membrane potential' : 'Weight'} of ${sel.kind} ${sel.id} over time`)
      body.hidden = false
      empty.hidden = true
      panel.open = true
      app.loop.afterStep = sample
      setField(sel.kind === 'neuron' ? 'Neuron.v_mV' : 'Synapse.weight')
      lastStep = -1
      inspector.update()
    },
    update() {
      if (!selection) return
      checkDrugs()
      const step = app.session.sim.time.step
      if (step === lastStep) return
      lastStep = step
      render()
    },
    rows: () => ({ ...shown }),
    history,
    plotField(path: string) {
      if (!selection) throw new Error('plotField: nothing is selected')
      if (![...quantitySelect.options].some((o) => o.value === path)) throw new Error(`plotField: ${path} is not a field of the selection`)
      setField(path)
      lastStep = -1
      inspector.update()
    },
  }
  app.onReplace((_s, continued) => inspector.select(continued ? selection : null))
  return inspector
}
