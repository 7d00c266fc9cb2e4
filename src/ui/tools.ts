/**
 * Tools panel: stimulating electrodes and protocols. "Place electrode" arms a placing click on the
 * tissue (radius, target population, mode from the fields); an electrode's tip can be dragged to
 * move it. A protocol preset (src/engine/protocols.ts PRESETS: pulse, LFS, HFS, TBS, Poisson) or a
 * pairing (Bi & Poo 1998: 60 pre/post pairs at 1 Hz, post 10 ms after or before pre; the post side
 * is a second electrode) is fired on the chosen electrode now. Every change goes through the
 * engine's functions (addElectrode, moveElectrode, removeElectrode, startProtocol, stopProtocol).
 */
import { query } from 'bitecs'
import { ANY_POPULATION } from '../../components/electrode.ts'
import { addElectrode, electrodeTargets, moveElectrode, removeElectrode } from '../engine/entities.ts'
import { PRESETS, protocolDuration, startProtocol, stopProtocol, type ProtocolSpec } from '../engine/protocols.ts'
import type { Sim } from '../engine/world.ts'
import type { App } from './app.ts'

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

/** Pairing presets: Bi & Poo (1998) — 60 pairings at 1 Hz, Δt = t_post − t_pre. */
export const PAIRINGS: Record<string, { dt_ms: number; freq_Hz: number; count: number }> = {
  'pairing +10 ms (LTP)': { dt_ms: 10, freq_Hz: 1, count: 60 },
  'pairing −10 ms (LTD)': { dt_ms: -10, freq_Hz: 1, count: 60 },
}

const DESCRIPTIONS: Record<string, string> = {
  pulse: 'one test pulse',
  LFS: 'low-frequency stimulation: 900 pulses at 1 Hz, 15 min (Dudek & Bear 1992) — LTD',
  HFS: 'high-frequency stimulation: 100 pulses at 100 Hz, 1 s (Bliss & Lømo 1973) — LTP',
  TBS: 'theta burst: 10 bursts of 4 pulses at 100 Hz, every 200 ms (Larson et al. 1986) — LTP',
  poisson: 'irregular pulses at 10 Hz (Poisson) for 10 s',
  'pairing +10 ms (LTP)': 'each pre pulse followed by a post pulse 10 ms later, 60× at 1 Hz (Bi & Poo 1998)',
  'pairing −10 ms (LTD)': 'post pulse 10 ms before each pre pulse, 60× at 1 Hz (Bi & Poo 1998)',
}

export interface Tools {
  readonly placing: boolean
  setPlacing(on: boolean): void
  /** A click on the tissue while placing: add an electrode there; returns its id. */
  placeAt(sx: number, sy: number): number
  dragStart(sx: number, sy: number): boolean
  dragMove(sx: number, sy: number): void
  dragEnd(): void
  /** Re-read the electrodes (after a change). */
  refresh(): void
  /** Last status line shown. */
  status(): string
  /** Called when placing is switched on or off (the other click tools switch off). */
  onPlacing?: (on: boolean) => void
}

export function createTools(app: App): Tools {
  const placeBtn = el<HTMLButtonElement>('place-electrode')
  const radius = el<HTMLInputElement>('electrode-radius')
  const population = el<HTMLSelectElement>('electrode-population')
  const mode = el<HTMLSelectElement>('electrode-mode')
  const amplitude = el<HTMLInputElement>('electrode-amplitude')
  const amplitudeField = el<HTMLElement>('amplitude-field')
  const select = el<HTMLSelectElement>('electrode-select')
  const removeBtn = el<HTMLButtonElement>('remove-electrode')
  const protocol = el<HTMLSelectElement>('protocol-select')
  const postField = el<HTMLElement>('pairing-post-field')
  const post = el<HTMLSelectElement>('pairing-post')
  const info = el<HTMLElement>('protocol-info')
  const fire = el<HTMLButtonElement>('fire-protocol')
  const stop = el<HTMLButtonElement>('stop-protocol')
  const statusEl = el<HTMLElement>('tools-status')
  const sim = (): Sim => app.session.sim
  let placing = false
  let dragging = 0
  let statusText = ''

  const say = (m: string) => {
    statusText = m
    statusEl.textContent = m
  }

  protocol.replaceChildren(
    ...[...Object.keys(PRESETS), ...Object.keys(PAIRINGS)].map((k) => {
      const o = document.createElement('option')
      o.value = k
      o.textContent = k
      return o
    }),
  )
  protocol.value = 'HFS'
  const showProtocol = () => {
    info.textContent = DESCRIPTIONS[protocol.value] ?? ''
    postField.hidden = !(protocol.value in PAIRINGS)
  }
  protocol.onchange = showProtocol
  showProtocol()
  const showMode = () => (amplitudeField.hidden = mode.value !== 'current')
  mode.onchange = showMode
  showMode()

  function populations(): void {
    const names = sim().params.populations
    const keep = population.value
    population.replaceChildren(
      new Option('any population', 'any'),
      ...names.map((n, i) => new Option(n, String(i))),
    )
    population.value = keep && [...population.options].some((o) => o.value === keep) ? keep : 'any'
  }

  function electrodeName(e: number): string {
    const named = Object.entries(app.session.run?.electrodes ?? {}).find(([, id]) => id === e)
    const E = sim().components.Electrode
    return `${named ? named[0] : `electrode #${e}`} (${Math.round(E.x_um[e]!)}, ${Math.round(E.y_um[e]!)} µm)`
  }

  function electrodes(): number[] {
    return Array.from(query(sim().world, sim().queries.electrodes)).sort((a, b) => a - b)
  }

  function refresh(): void {
    const ids = electrodes()
    for (const s of [select, post]) {
      const keep = s.value
      s.replaceChildren(...ids.map((e) => new Option(electrodeName(e), String(e))))
      if (ids.some((e) => String(e) === keep)) s.value = keep
    }
    if (post.options.length > 1 && post.value === select.value) post.selectedIndex = post.selectedIndex === 0 ? 1 : 0
    const none = ids.length === 0
    fire.disabled = none
    stop.disabled = none
    removeBtn.disabled = none
  }

  function setPlacing(on: boolean): void {
    placing = on
    placeBtn.setAttribute('aria-pressed', String(on))
    placeBtn.textContent = on ? 'Click the tissue…' : 'Place electrode'
    app.view.app.canvas.style.cursor = on ? 'crosshair' : ''
    tools?.onPlacing?.(on)
  }

  placeBtn.onclick = () => setPlacing(!placing)

  removeBtn.onclick = () => {
    const e = Number(select.value)
    if (!e) return
    const name = electrodeName(e)
    removeElectrode(sim(), e)
    app.view.invalidate()
    refresh()
    say(`Removed ${name}.`)
  }

  fire.onclick = () => {
    const e = Number(select.value)
    if (!e) return say('Place an electrode first.')
    const key = protocol.value
    let spec: ProtocolSpec
    const pairing = PAIRINGS[key]
    if (pairing) {
      const p = Number(post.value)
      if (!p || p === e) return say('A pairing needs a second electrode for the postsynaptic side: place one and pick it as "Post electrode".')
      spec = { kind: 'pairing', postElectrode: p, ...pairing }
    } else spec = PRESETS[key]!
    const s = sim()
    startProtocol(s, e, spec)
    app.view.invalidate()
    const t_s = (s.time.step * s.time.dt_ms) / 1000
    const targets = electrodeTargets(s, e).length
    say(`${key} started on ${electrodeName(e)} at t = ${t_s.toFixed(3)} s, lasting ${(protocolDuration(spec) / 1000).toFixed(2)} s; it reaches ${targets} neuron${targets === 1 ? '' : 's'}.${app.loop.playing ? '' : ' Press Play (Space) to run it.'}`)
  }

  stop.onclick = () => {
    const e = Number(select.value)
    const s = sim()
    const running = s.state.protocols.filter((p) => p.electrode === e && !p.done)
    for (const p of running) stopProtocol(s, p.id)
    say(running.length ? `Stopped ${running.length} protocol${running.length === 1 ? '' : 's'} on ${electrodeName(e)}.` : 'Nothing was running on that electrode.')
  }

  select.onchange = () => {
    if (post.value === select.value && post.options.length > 1) post.selectedIndex = post.selectedIndex === 0 ? 1 : 0
  }

  const tools: Tools = {
    get placing() {
      return placing
    },
    setPlacing,
    placeAt(sx: number, sy: number) {
      const s = sim()
      const p = app.view.toTissue(sx, sy)
      const r = Number(radius.value)
      if (!(r > 0 && Number.isFinite(r))) {
        say('The radius must be a positive number of µm.')
        return 0
      }
      const pop = population.value === 'any' ? ANY_POPULATION : Number(population.value)
      const current = mode.value === 'current'
      const amp = Number(amplitude.value)
      if (current && !Number.isFinite(amp)) {
        say('The current must be a number.')
        return 0
      }
      const e = addElectrode(s, {
        x_um: p.x,
        y_um: p.y,
        radius_um: r,
        population: pop,
        mode: current ? 'current' : 'spike',
        ...(current ? { amplitude: amp, pulseWidth_ms: 1 } : {}),
      })
      setPlacing(false)
      app.view.invalidate()
      refresh()
      select.value = String(e)
      select.onchange?.(new Event('change'))
      const n = electrodeTargets(s, e).length
      say(`Placed ${electrodeName(e)}; it reaches ${n} neuron${n === 1 ? '' : 's'}. Pick a protocol and Fire.`)
      return e
    },
    dragStart(sx: number, sy: number) {
      const p = app.view.pick(sx, sy)
      if (!p || p.kind !== 'electrode') return false
      dragging = p.id
      select.value = String(p.id)
      return true
    },
    dragMove(sx: number, sy: number) {
      if (!dragging) return
      const p = app.view.toTissue(sx, sy)
      const s = sim()
      const W = s.params.width_um
      const H = s.params.height_um
      moveElectrode(s, dragging, Math.min(W, Math.max(0, p.x)), Math.min(H, Math.max(0, p.y)))
      app.view.invalidate()
    },
    dragEnd() {
      if (!dragging) return
      const e = dragging
      dragging = 0
      refresh()
      select.value = String(e)
      const n = electrodeTargets(sim(), e).length
      say(`Moved ${electrodeName(e)}; it reaches ${n} neuron${n === 1 ? '' : 's'}.`)
    },
    refresh,
    status: () => statusText,
  }
  populations()
  refresh()
  app.onReplace(() => {
    setPlacing(false)
    populations()
    refresh()
    say('')
  })
  return tools
}
