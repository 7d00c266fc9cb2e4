/**
 * Parameters panel: the world's numeric parameters (`sim.params`) with units (from the names'
 * suffixes) and a tooltip naming their source, editable live through the scenario language's `set`
 * action (src/scenario/actions.ts: the same path as `- { at: …, set: { param: …, value: … } }`,
 * which also tells the membrane loop its constants changed). Shown: receptor kinetics, delays and
 * activity, the short-term, STDP and calcium rules synapses actually use, and any other numeric
 * parameter group a mechanism adds; the scene's build parameters read-only.
 */
import { applyTissueAction } from '../scenario/actions.ts'
import type { TimelineAction } from '../scenario/types.ts'
import type { Sim } from '../engine/world.ts'
import type { App } from './app.ts'

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

const UNIT_TOKENS: Record<string, string> = {
  ms: 'ms', s: 's', mV: 'mV', mM: 'mM', uM: 'µM', Hz: 'Hz', um: 'µm', um2: 'µm²', nS: 'nS', pF: 'pF', pA: 'pA', m: 'm', min: 'min', h: 'h',
}
/** Unit from a name's suffix: tau_ms → ms, D_um2_per_s → µm²/s, G_uM_per_ms_mV → µM/(ms·mV), E_AMPA_mV → mV. */
export function unitOf(name: string): string {
  const tokens = name.split('_').slice(1)
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens.slice(i)
    if (!t.every((x) => x === 'per' || x in UNIT_TOKENS) || t[0] === 'per') continue
    const k = t.indexOf('per')
    const num = (k < 0 ? t : t.slice(0, k)).map((x) => UNIT_TOKENS[x]!).join('·')
    if (k < 0) return num
    const den = t.slice(k + 1).map((x) => UNIT_TOKENS[x]!)
    return `${num}/${den.length > 1 ? `(${den.join('·')})` : den[0] ?? ''}`
  }
  return ''
}

/** Sources of the parameters (from the headers of the files that define them). */
const SOURCES: Record<string, string> = {
  'receptors.tauAMPA_ms': 'Vogels & Abbott 2005, J Neurosci 25:10786 (excitatory)',
  'receptors.tauNMDArise_ms': 'Jahr & Stevens 1990, J Neurosci 10:3178; Shouval, Bear & Cooper 2002, PNAS 99:10831',
  'receptors.tauNMDAdecay_ms': 'Shouval, Bear & Cooper 2002, PNAS 99:10831',
  'receptors.tauGABA_ms': 'Vogels & Abbott 2005, J Neurosci 25:10786 (inhibitory)',
  'receptors.E_GABA_mV': 'Vogels & Abbott 2005, J Neurosci 25:10786',
  'receptors.Mg_mM': 'Jahr & Stevens 1990, J Neurosci 10:3178 (Mg²⁺ block)',
  'receptors.nmdaRatio': 'NMDA/AMPA peak ratio (the scene may set it)',
  receptors: 'systems/transmission.ts',
  stpProfiles: 'Tsodyks & Markram 1997, PNAS 94:719; Markram, Wang & Tsodyks 1998, PNAS 95:5323',
  stdpRules: 'components/plasticity.ts: Song, Miller & Abbott 2000, Nat Neurosci 3:919; Pfister & Gerstner 2006, J Neurosci 26:9673 (Tables 3–4)',
  calciumRules: 'Graupner & Brunel 2012, PNAS 109:3991 (components/calcium.ts)',
  synDelay_ms: 'synaptic (non-axonal) part of each delay; new synapses only',
  activityTau_ms: 'time constant of each neuron’s averaged firing rate',
}
const sourceOf = (path: string) => SOURCES[path] ?? SOURCES[path.split('.')[0]!] ?? 'engine default or scene (see the file that defines it)'

const SKIP = new Set(['scene', 'width_um', 'height_um', 'regions', 'populations', 'pathways', 'integrator'])
const MAX_ROWS = 120

interface Row {
  path: string
  input: HTMLInputElement
}

export interface ParamsPanel {
  /** Set `path` (dotted, in sim.params) as the panel's input does; true if it applied. */
  set(path: string, value: number): boolean
  /** Paths shown. */
  paths(): string[]
  status(): string
}

/** Indices of rules that live synapses use (so only those rules are listed). */
function rulesInUse(sim: Sim, store: 'Plasticity' | 'Calcium' | 'ShortTerm'): Set<number> {
  const S = sim.components.Synapse
  const data = sim.components[store] as unknown as Record<string, ArrayLike<number>>
  const field = store === 'ShortTerm' ? 'profile' : 'rule'
  const arr = data[field]!
  const used = new Set<number>()
  for (let s = 1; s < S.alive.length && s < arr.length; s++) if (S.alive[s] && arr[s]) used.add(arr[s]!)
  return used
}

export function createParamsPanel(app: App): ParamsPanel {
  const panel = el<HTMLDetailsElement>('params-panel')
  const list = el<HTMLElement>('params-list')
  const statusEl = el<HTMLElement>('params-status')
  let rows: Row[] = []
  let statusText = ''
  let built: Sim | null = null
  const say = (m: string) => {
    statusText = m
    statusEl.textContent = m
  }

  function set(path: string, value: number): boolean {
    const sim = app.session.sim
    if (!Number.isFinite(value)) {
      say(`${path}: "${value}" is not a number; unchanged.`)
      return false
    }
    try {
      applyTissueAction(sim, { kind: 'set', param: path, value, at_ms: sim.time.step * sim.time.dt_ms, index: -1 } as unknown as TimelineAction, {
        population: () => -1,
        pathway: () => -1,
        snapshots: [],
      })
      say(`${path} = ${value}${unitOf(path) ? ` ${unitOf(path)}` : ''} from t = ${((sim.time.step * sim.time.dt_ms) / 1000).toFixed(3)} s.`)
      return true
    } catch (e) {
      say(`${path}: ${e instanceof Error ? e.message : String(e)}; unchanged.`)
      return false
    }
  }

  function row(path: string, value: number, parent: HTMLElement): void {
    if (rows.length >= MAX_ROWS) return
    const name = path.split('.').pop()!
    const div = document.createElement('div')
    div.className = 'param'
    const id = `param-${path.replace(/[^A-Za-z0-9_]+/g, '-')}`
    const label = document.createElement('label')
    label.htmlFor = id
    label.textContent = name
    label.title = `${path} — source: ${sourceOf(path)}`
    const input = document.createElement('input')
    input.type = 'number'
    input.step = 'any'
    input.id = id
    input.value = String(value)
    input.dataset.path = path
    input.title = label.title
    input.onchange = () => {
      const sim = app.session.sim
      const ok = set(path, input.value.trim() === '' ? NaN : Number(input.value))
      if (!ok) {
        // Show the value the world still has.
        const slot = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], sim.params)
        input.value = String(slot)
      }
    }
    const unit = document.createElement('span')
    unit.className = 'unit'
    unit.textContent = unitOf(name)
    div.append(label, input, unit)
    parent.appendChild(div)
    rows.push({ path, input })
  }

  function group(title: string, entries: [string, number][]): void {
    if (!entries.length) return
    const h = document.createElement('h4')
    h.textContent = title
    list.appendChild(h)
    for (const [p, v] of entries) row(p, v, list)
  }

  function leaves(obj: unknown, prefix: string, out: [string, number][], depth = 0): void {
    if (depth > 3 || obj === null || typeof obj !== 'object') return
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      const p = prefix ? `${prefix}.${k}` : k
      if (typeof v === 'number') out.push([p, v])
      else if (typeof v === 'object') leaves(v, p, out, depth + 1)
    }
  }

  function build(): void {
    const sim = app.session.sim
    built = sim
    rows = []
    list.replaceChildren()
    const P = sim.params as unknown as Record<string, unknown>
    const rec: [string, number][] = []
    leaves(P.receptors, 'receptors', rec)
    group('Receptors (systems/transmission.ts)', rec)
    group('Timing', (['synDelay_ms', 'activityTau_ms'] as const).filter((k) => typeof P[k] === 'number').map((k) => [k, P[k] as number]))
    for (const [key, store, title] of [
      ['stpProfiles', 'ShortTerm', 'Short-term plasticity'],
      ['stdpRules', 'Plasticity', 'STDP rules in use'],
      ['calciumRules', 'Calcium', 'Calcium rules in use'],
    ] as const) {
      const arr = P[key] as { name?: string }[] | undefined
      if (!arr) continue
      for (const i of [...rulesInUse(sim, store)].sort((a, b) => a - b)) {
        const e: [string, number][] = []
        leaves(arr[i], `${key}.${i}`, e)
        group(`${title}: ${arr[i]?.name ?? i}`, e)
      }
    }
    for (const [k, v] of Object.entries(P)) {
      if (SKIP.has(k) || ['receptors', 'synDelay_ms', 'activityTau_ms', 'stpProfiles', 'stdpRules', 'calciumRules'].includes(k)) continue
      const e: [string, number][] = []
      if (typeof v === 'number') e.push([k, v])
      else leaves(v, k, e)
      group(k, e)
    }
    // The scene's build parameters, read-only.
    const scene = Object.entries(sim.params.scene ?? {})
    if (scene.length) {
      const h = document.createElement('h4')
      h.textContent = `Scene ${sim.sceneName} (as built)`
      const p = document.createElement('p')
      p.className = 'hint'
      p.textContent = scene.map(([k, v]) => `${k} = ${typeof v === 'object' ? JSON.stringify(v) : String(v)}${unitOf(k) ? ` ${unitOf(k)}` : ''}`).join(' · ')
      list.append(h, p)
    }
  }

  panel.addEventListener('toggle', () => {
    if (panel.open && built !== app.session.sim) build()
  })
  app.onReplace(() => {
    built = null
    if (panel.open) build()
  })
  return {
    set(path, value) {
      const ok = set(path, value)
      const r = rows.find((x) => x.path === path)
      if (r && ok) r.input.value = String(value)
      return ok
    },
    paths: () => {
      if (built !== app.session.sim) build()
      return rows.map((r) => r.path)
    },
    status: () => statusText,
  }
}
