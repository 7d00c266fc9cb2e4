/**
 * The HUD: scene name, both clocks, play/pause, step, speed, a few counts, the legend, and the
 * error box. The markup lives in index.html (real buttons and labels); this binds it to the loop.
 * Keyboard: Space = play/pause, Right arrow = pause and advance one step (unless focus is in a form control, which
 * keeps its own keys).
 */
import { formatSlow } from '../engine/clock.ts'
import type { Sim } from '../engine/world.ts'
import { ELECTRODE_SPIKE_RGB, SYN_EXC_RGB, SYN_INH_RGB, voltageGradientCss } from '../view/colors.ts'
import { SPEEDS, type Loop } from './loop.ts'
import type { Session } from './session.ts'

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

export function createHud(session: Session, loop: Loop): Hud {
  const sim = session.sim
  const play = el<HTMLButtonElement>('play')
  const stepBtn = el<HTMLButtonElement>('step')
  const speed = el<HTMLSelectElement>('speed')
  const speedInfo = el<HTMLElement>('speed-info')
  const clock = el<HTMLElement>('clock')
  const phase = el<HTMLElement>('phase')
  const stats = el<HTMLElement>('stats')

  el<HTMLElement>('scene-name').textContent = session.scenario ? `${session.title} · ${sim.sceneName}` : session.title
  document.title = `${session.title} — Neuroplast`
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
    play.textContent = loop.playing ? 'Pause' : 'Play'
    play.setAttribute('aria-label', loop.playing ? 'Pause the simulation (Space)' : 'Play the simulation (Space)')
    play.setAttribute('aria-pressed', String(loop.playing))
    speedInfo.textContent = `${(loop.speed * sim.time.dt_ms).toFixed(loop.speed * sim.time.dt_ms < 1 ? 2 : 1)} ms of tissue time per frame`
  }
  play.disabled = false
  play.onclick = () => loop.toggle()
  // After a mouse click, give focus back to the page so that Space keeps meaning play/pause
  // (keyboard activation, detail 0, keeps focus on the button as usual).
  for (const b of [play, stepBtn]) b.addEventListener('click', (e) => e.detail > 0 && b.blur())
  stepBtn.disabled = false
  // Stepping is frame-advance: it pauses first.
  const stepOnce = () => {
    if (loop.playing) loop.pause()
    loop.stepN(1)
  }
  stepBtn.onclick = stepOnce
  loop.onChange = refreshControls
  refreshControls()

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
    }
  })

  let lastClock = ''
  let lastPhase = ''
  let lastStats = ''
  let lastCapped = ''
  return {
    update(s: Record<string, Record<string, number>>) {
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
}
