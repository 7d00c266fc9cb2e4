/**
 * The HUD: scene name, both clocks, play/pause, step, speed, zoom buttons, a few counts, the
 * legend, and the error box. The markup lives in index.html (real buttons and labels); this binds
 * it to the loop and the view.
 * Keyboard (unless focus is in a form control, which keeps its own keys; KEYS below is the list
 * shown on the page): Space = play/pause, Right arrow = pause and advance one step, Up/Down =
 * faster/slower, + / − = zoom in/out, 0 = fit the tissue, W A S D = pan, Esc = clear the selection
 * and leave the placing tool.
 */
import { formatSlow } from '../engine/clock.ts'
import type { Sim } from '../engine/world.ts'
import { ELECTRODE_SPIKE_RGB, SYN_EXC_RGB, SYN_INH_RGB, voltageGradientCss } from '../view/colors.ts'
import { SPEEDS } from './loop.ts'
import type { App } from './app.ts'

/** Keyboard shortcuts (shown in the page's shortcut list). */
export const KEYS: readonly [string, string][] = [
  ['Space', 'play / pause'],
  ['→', 'pause and advance one step'],
  ['↑ / ↓', 'faster / slower'],
  ['+ / −', 'zoom in / out'],
  ['0', 'fit the whole tissue'],
  ['W A S D', 'pan'],
  ['Esc', 'clear the selection, leave the placing tool'],
]
/** Zoom factor of one +/− key press or zoom button click. */
export const ZOOM_STEP = 1.5
const PAN_PX = 60

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
const css = (rgb: number) => `#${rgb.toString(16).padStart(6, '0')}`

/** `t = 1.234 s · slow: day 1, 00:00` */
export function clockText(sim: Sim): string {
  const t_s = (sim.time.step * sim.time.dt_ms) / 1000
  return `t = ${t_s.toFixed(3)} s · slow: ${formatSlow(sim.time.slow_ms)}`
}

export interface Hud {
  update(stats: Record<string, Record<string, number>>): void
  showErrors(messages: string[]): void
  /** Extra handler for Esc (tools and inspector). */
  onEscape?: () => void
}

/** Error box only (usable before a session exists). */
export function showErrors(messages: string[]): void {
  const box = el<HTMLElement>('errors')
  const list = el<HTMLUListElement>('error-list')
  for (const m of messages) {
    const li = document.createElement('li')
    li.textContent = m
    list.appendChild(li)
  }
  box.hidden = list.childElementCount === 0
  el<HTMLButtonElement>('dismiss-errors').onclick = () => {
    box.hidden = true
    list.replaceChildren()
  }
}

export function createHud(app: App): Hud {
  const loop = app.loop
  const play = el<HTMLButtonElement>('play')
  const stepBtn = el<HTMLButtonElement>('step')
  const speed = el<HTMLSelectElement>('speed')
  const speedInfo = el<HTMLElement>('speed-info')
  const clock = el<HTMLElement>('clock')
  const phase = el<HTMLElement>('phase')
  const stats = el<HTMLElement>('stats')

  const title = () => {
    const session = app.session
    el<HTMLElement>('scene-name').textContent = session.scenario ? `${session.title} · ${session.sim.sceneName}` : session.title
    document.title = `${session.title} — Neuroplast`
  }
  title()
  app.onReplace(() => {
    title()
    refreshControls()
  })
  el<HTMLElement>('vbar').style.background = voltageGradientCss()
  const legend: Record<string, number> = { synExc: SYN_EXC_RGB, synInh: SYN_INH_RGB, electrode: ELECTRODE_SPIKE_RGB }
  for (const e of document.querySelectorAll<HTMLElement>('[data-legend]')) {
    const rgb = legend[e.dataset.legend ?? '']
    if (rgb !== undefined) {
      if (e.classList.contains('ln')) e.style.background = css(rgb)
      else e.style.borderColor = css(rgb)
    }
  }

  const options = [...new Set([...SPEEDS, loop.speed])].sort((a, b) => a - b)
  speed.replaceChildren(
    ...options.map((n) => {
      const o = document.createElement('option')
      o.value = String(n)
      o.textContent = `${n} step${n === 1 ? '' : 's'}/frame`
      return o
    }),
  )
  speed.value = String(loop.speed)
  speed.onchange = () => {
    loop.speed = Number(speed.value)
    refreshControls()
  }

  function refreshControls(): void {
    play.disabled = loop.locked
    stepBtn.disabled = loop.locked
    play.textContent = loop.playing ? 'Pause' : 'Play'
    play.setAttribute('aria-label', loop.playing ? 'Pause the simulation (Space)' : 'Play the simulation (Space)')
    play.setAttribute('aria-pressed', String(loop.playing))
    const dt = app.session.sim.time.dt_ms
    speedInfo.textContent = `${(loop.speed * dt).toFixed(loop.speed * dt < 1 ? 2 : 1)} ms of tissue time per frame`
  }
  play.disabled = false
  play.onclick = () => loop.toggle()
  // After a mouse click, give focus back to the page so that Space keeps meaning play/pause
  // (keyboard activation, detail 0, keeps focus on the button as usual).
  for (const b of [play, stepBtn]) b.addEventListener('click', (e) => e.detail > 0 && b.blur())
  stepBtn.disabled = false
  // Stepping is frame-advance: it pauses first.
  const stepOnce = () => {
    if (loop.locked) return
    if (loop.playing) loop.pause()
    loop.stepN(1)
  }
  stepBtn.onclick = stepOnce
  loop.onChange = refreshControls
  refreshControls()

  const view = app.view
  const zoomCenter = (f: number) => view.zoomAt(f, view.app.screen.width / 2, view.app.screen.height / 2)
  el<HTMLButtonElement>('zoom-in').onclick = () => zoomCenter(ZOOM_STEP)
  el<HTMLButtonElement>('zoom-out').onclick = () => zoomCenter(1 / ZOOM_STEP)
  el<HTMLButtonElement>('zoom-fit').onclick = () => view.resetCamera()
  for (const id of ['zoom-in', 'zoom-out', 'zoom-fit']) {
    const b = el<HTMLButtonElement>(id)
    b.addEventListener('click', (e) => e.detail > 0 && b.blur())
  }
  const setSpeedIndex = (delta: number) => {
    const opts = [...speed.options].map((o) => Number(o.value))
    const i = opts.indexOf(loop.speed)
    const next = opts[Math.min(opts.length - 1, Math.max(0, i + delta))]
    if (next !== undefined) {
      loop.speed = next
      speed.value = String(next)
      refreshControls()
    }
  }

  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return
    const t = e.target as HTMLElement | null
    if (t && t.closest('button, select, input, textarea, [contenteditable="true"]')) return
    if (e.key === ' ' || e.code === 'Space') {
      e.preventDefault()
      loop.toggle()
    } else if (e.key === 'ArrowRight') {
      e.preventDefault()
      stepOnce()
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault()
      setSpeedIndex(e.key === 'ArrowUp' ? 1 : -1)
    } else if (e.key === '+' || e.key === '=') {
      e.preventDefault()
      zoomCenter(ZOOM_STEP)
    } else if (e.key === '-' || e.key === '_' || e.key === '−') {
      e.preventDefault()
      zoomCenter(1 / ZOOM_STEP)
    } else if (e.key === '0') {
      e.preventDefault()
      view.resetCamera()
    } else if ('wasdWASD'.includes(e.key) && e.key.length === 1) {
      e.preventDefault()
      const k = e.key.toLowerCase()
      view.panBy(k === 'a' ? PAN_PX : k === 'd' ? -PAN_PX : 0, k === 'w' ? PAN_PX : k === 's' ? -PAN_PX : 0)
    } else if (e.key === 'Escape') {
      hud.onEscape?.()
    }
  })

  let lastClock = ''
  let lastPhase = ''
  let lastStats = ''
  let lastCapped = ''
  const hud: Hud = {
    update(s: Record<string, Record<string, number>>) {
      const session = app.session
      const sim = session.sim
      const c = clockText(sim)
      if (c !== lastClock) clock.textContent = lastClock = c
      const p = session.phase() === 'scenario' ? 'scenario running' : session.scenario ? 'scenario over · free running' : 'free running'
      const pk = `${p}|${loop.playing}`
      if (pk !== lastPhase) {
        lastPhase = pk
        phase.textContent = loop.playing ? p : `${p} · paused`
        phase.dataset.phase = session.phase()
      }
      const syn = s.synapses ?? {}
      const st = `${plural(s.somata?.neurons ?? 0, 'neuron')} · ${plural(sim.synapseCount, 'synapse')}${(syn.stride ?? 1) > 1 ? ` (1 in ${syn.stride} drawn)` : ''} · ${plural(s.electrodes?.electrodes ?? 0, 'electrode')}`
      if (st !== lastStats) stats.textContent = lastStats = st
      const capped = String(loop.capped)
      if (capped !== lastCapped) speedInfo.dataset.capped = lastCapped = capped
    },
    showErrors,
  }
  return hud
}
