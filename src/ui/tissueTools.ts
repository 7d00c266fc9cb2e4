/**
 * Tissue tools: lesion brush (remove the cells within a radius of a click, with their synapses),
 * neuromodulator puff (release dopamine, acetylcholine or noradrenaline at a click; it diffuses and
 * is cleared: systems/neuromodulation.ts), sleep (slow time passes in the sleep state: slow systems
 * only), and input deprivation / restoration of a population's background drive or a sensory
 * channel. Each goes through the engine's or the scenario language's own functions (the same code
 * as the timeline actions `lesion`, `release`, `sleep`, `deprive`, `restore`).
 */
import { applyTissueAction, type ApplyContext } from '../scenario/actions.ts'
import type { TimelineAction } from '../scenario/types.ts'
import { release } from '../../systems/neuromodulation.ts'
import { neuronIds } from '../engine/entities.ts'
import { formatSlow } from '../engine/clock.ts'
import type { Sim } from '../engine/world.ts'
import type { App } from './app.ts'

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

export type TissueMode = 'lesion' | 'puff' | null

export interface TissueTools {
  readonly mode: TissueMode
  setMode(m: TissueMode): void
  /** A click on the tissue in lesion or puff mode. */
  applyAt(sx: number, sy: number): void
  status(): string
}

function context(sim: Sim): ApplyContext {
  return {
    population: (name) => (name === undefined ? -1 : sim.params.populations.indexOf(name)),
    pathway: (name) => (name === undefined ? -1 : sim.params.pathways.indexOf(name)),
    snapshots: [],
  }
}

export function createTissueTools(app: App, onMode: (m: TissueMode) => void): TissueTools {
  const lesionBtn = el<HTMLButtonElement>('lesion-tool')
  const puffBtn = el<HTMLButtonElement>('puff-tool')
  const radius = el<HTMLInputElement>('brush-radius')
  const modulator = el<HTMLSelectElement>('puff-modulator')
  const amount = el<HTMLInputElement>('puff-amount')
  const sleepDur = el<HTMLSelectElement>('sleep-duration')
  const sleepBtn = el<HTMLButtonElement>('sleep-go')
  const target = el<HTMLSelectElement>('deprive-target')
  const depriveBtn = el<HTMLButtonElement>('deprive-go')
  const restoreBtn = el<HTMLButtonElement>('restore-go')
  const statusEl = el<HTMLElement>('tissue-status')
  let mode: TissueMode = null
  let statusText = ''
  const say = (m: string) => {
    statusText = m
    statusEl.textContent = m
  }
  const sim = () => app.session.sim
  const now = (s: Sim) => `t = ${((s.time.step * s.time.dt_ms) / 1000).toFixed(3)} s`
  const action = (a: Record<string, unknown>): TimelineAction => ({ at_ms: sim().time.step * sim().time.dt_ms, index: -1, ...a }) as unknown as TimelineAction
  const run = (what: string, f: () => void) => {
    try {
      f()
      app.view.invalidate()
    } catch (e) {
      say(`${what}: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  function setMode(m: TissueMode): void {
    mode = m
    lesionBtn.setAttribute('aria-pressed', String(m === 'lesion'))
    puffBtn.setAttribute('aria-pressed', String(m === 'puff'))
    app.view.app.canvas.style.cursor = m ? 'crosshair' : ''
    onMode(m)
  }
  lesionBtn.onclick = () => setMode(mode === 'lesion' ? null : 'lesion')
  puffBtn.onclick = () => setMode(mode === 'puff' ? null : 'puff')

  function targets(): void {
    const s = sim()
    const keep = target.value
    const opts = [
      ...s.params.populations.map((p) => new Option(`drive of ${p}`, `population:${p}`)),
      ...s.state.channels.map((c) => new Option(`sensory channel ${c.name}`, `channel:${c.name}`)),
    ]
    target.replaceChildren(...opts)
    if (opts.some((o) => o.value === keep)) target.value = keep
  }
  const targetAction = (kind: 'deprive' | 'restore') => {
    const [type, name] = [target.value.slice(0, target.value.indexOf(':')), target.value.slice(target.value.indexOf(':') + 1)]
    return action(type === 'channel' ? { kind, channel: name } : { kind, population: name })
  }
  depriveBtn.onclick = () =>
    run('Deprive', () => {
      const s = sim()
      applyTissueAction(s, targetAction('deprive'), context(s))
      say(`Deprived ${target.selectedOptions[0]?.textContent ?? target.value} at ${now(s)}.`)
    })
  restoreBtn.onclick = () =>
    run('Restore', () => {
      const s = sim()
      applyTissueAction(s, targetAction('restore'), context(s))
      say(`Restored ${target.selectedOptions[0]?.textContent ?? target.value} at ${now(s)}.`)
    })
  sleepBtn.onclick = () =>
    run('Sleep', () => {
      const s = sim()
      const before = s.time.slow_ms
      applyTissueAction(s, action({ kind: 'sleep', duration_ms: Number(sleepDur.value) }), context(s))
      say(`Slept ${Number(sleepDur.value) / 3600000} h: slow time ${formatSlow(before)} → ${formatSlow(s.time.slow_ms)}.`)
    })

  const tools: TissueTools = {
    get mode() {
      return mode
    },
    setMode,
    applyAt(sx: number, sy: number) {
      const s = sim()
      const p = app.view.toTissue(sx, sy)
      const r = Number(radius.value)
      if (!(r > 0 && Number.isFinite(r))) return say('The radius must be a positive number of µm.')
      if (mode === 'lesion') {
        run('Lesion', () => {
          const n0 = neuronIds(s).length
          applyTissueAction(s, action({ kind: 'lesion', x_um: p.x, y_um: p.y, radius_um: r }), context(s))
          const gone = n0 - neuronIds(s).length
          say(`Lesion at (${Math.round(p.x)}, ${Math.round(p.y)}) µm, radius ${r} µm: ${gone} cell${gone === 1 ? '' : 's'} removed at ${now(s)}.`)
        })
      } else if (mode === 'puff') {
        run('Puff', () => {
          const a = Number(amount.value)
          release(s, { modulator: modulator.value as 'dopamine', amount_uM: a, x_um: p.x, y_um: p.y, radius_um: r })
          say(`${modulator.value} ${a} µM released at (${Math.round(p.x)}, ${Math.round(p.y)}) µm over ${r} µm at ${now(s)}.`)
        })
      }
    },
    status: () => statusText,
  }
  targets()
  app.onReplace(() => {
    setMode(null)
    targets()
  })
  return tools
}
