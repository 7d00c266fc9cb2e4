/**
 * Rewind: the page keeps snapshots of the world (src/engine/snapshot.ts) every EVERY_MS of tissue
 * time (taken once per page frame when due, so after a long jump the next one comes at the jump's
 * end), at most MAX_KEPT of them and MAX_BYTES in all (the oldest go first, but the first one, the
 * start, stays). A large world is kept less often: the interval grows by EVERY_MS per BYTES_PER_STEP
 * of snapshot (a 20 MB world every 1.25 s), so writing snapshots stays a small part of the page's work. "Rewind" puts the world back to a kept snapshot; the scenario's timeline resumes
 * from there if it was still running then. Snapshots after the chosen one are dropped: from there
 * the history branches.
 */
import { save } from '../engine/snapshot.ts'
import { resumeSession } from './session.ts'
import type { App } from './app.ts'

export const EVERY_MS = 250
export const MAX_KEPT = 40
export const MAX_BYTES = 192 * 1024 * 1024
export const BYTES_PER_STEP = 4 * 1024 * 1024

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

interface Kept {
  step: number
  t_ms: number
  bytes: Uint8Array
}

export interface Rewind {
  /** Take a snapshot if one is due (once per page frame). */
  tick(): void
  /** Kept snapshot times (ms). */
  times(): number[]
  /** Put the world back to the kept snapshot at `t_ms`. */
  rewindTo(t_ms: number): void
}

export function createRewind(app: App): Rewind {
  const select = el<HTMLSelectElement>('rewind-select')
  const go = el<HTMLButtonElement>('rewind-go')
  const info = el<HTMLElement>('rewind-info')
  let kept: Kept[] = []
  let bytes = 0
  let every_ms = EVERY_MS

  function list(): void {
    const keep = select.value
    select.replaceChildren(...kept.map((k) => new Option(`t = ${(k.t_ms / 1000).toFixed(3)} s`, String(k.t_ms))))
    if (kept.some((k) => String(k.t_ms) === keep)) select.value = keep
    else if (kept.length > 1) select.value = String(kept[kept.length - 2]!.t_ms)
    go.disabled = kept.length === 0 || app.busy
    info.textContent = kept.length ? `${kept.length} kept · ${(bytes / 1048576).toFixed(1)} MB` : ''
  }

  function take(): void {
    const sim = app.session.sim
    const b = save(sim)
    every_ms = EVERY_MS * Math.max(1, Math.ceil(b.byteLength / BYTES_PER_STEP))
    kept.push({ step: sim.time.step, t_ms: sim.time.step * sim.time.dt_ms, bytes: b })
    bytes += b.byteLength
    while (kept.length > 2 && (kept.length > MAX_KEPT || bytes > MAX_BYTES)) {
      const [gone] = kept.splice(1, 1) // keep the start
      bytes -= gone!.bytes.byteLength
    }
    list()
  }

  function reset(): void {
    kept = []
    bytes = 0
    every_ms = EVERY_MS
    take()
  }

  const r: Rewind = {
    tick() {
      if (app.busy) return
      const sim = app.session.sim
      const last = kept[kept.length - 1]
      if (!last || sim.time.step < last.step) return reset()
      if ((sim.time.step - last.step) * sim.time.dt_ms >= every_ms) take()
    },
    times: () => kept.map((k) => k.t_ms),
    rewindTo(t_ms: number) {
      if (app.busy) return
      const i = kept.findIndex((k) => k.t_ms === t_ms)
      if (i < 0) throw new Error(`rewind: no snapshot kept at t = ${t_ms} ms`)
      const k = kept[i]!
      kept = kept.slice(0, i + 1)
      bytes = kept.reduce((a, x) => a + x.bytes.byteLength, 0)
      app.replace(resumeSession(app.session, k.bytes), true)
      list()
    },
  }
  go.onclick = () => {
    if (select.value === '') return
    r.rewindTo(Number(select.value))
    go.blur()
  }
  // A different world (file, scenario): its history starts now. A continued one (background run,
  // rewind) keeps the snapshots it had.
  app.onReplace((_s, continued) => {
    if (!continued) reset()
  })
  reset()
  return r
}
