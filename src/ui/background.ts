/**
 * "Run ahead": the world runs on in a Worker (simWorker.ts) for a chosen span of tissue time while
 * the page stays responsive (the view can still be panned, zoomed and inspected; the world itself
 * is locked — no stepping, placing or drugs — because it is about to be replaced). The Worker gets
 * a snapshot and sends one back; the page then continues the same session from it (a running
 * scenario resumes its timeline). Cancel stops the Worker and leaves the world as it was.
 * "Fast-forward" does the same for slow time (slow systems only, no spiking).
 */
import { formatSlow } from '../engine/clock.ts'
import { save } from '../engine/snapshot.ts'
import { resumeSession } from './session.ts'
import type { WorkerReply, WorkerRequest } from './simWorker.ts'
import type { App } from './app.ts'

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

/** Panels a user must not touch while the world is away. */
const LOCKED_PANELS = ['scenario-panel', 'tools-panel', 'tissue-panel', 'drugs-panel', 'params-panel', 'world-panel']

export interface Background {
  readonly running: boolean
  /** Run `duration_ms` of tissue time in the Worker; resolves when the page shows the result (true) or it was cancelled/failed (false). */
  run(duration_ms: number): Promise<boolean>
  /** Fast-forward slow time by `duration_ms` in the Worker (same contract as run). */
  fastForward(duration_ms: number): Promise<boolean>
  cancel(): void
  status(): string
}

export function createBackground(app: App): Background {
  const duration = el<HTMLSelectElement>('ahead-duration')
  const runBtn = el<HTMLButtonElement>('ahead-run')
  const cancelBtn = el<HTMLButtonElement>('ahead-cancel')
  const progress = el<HTMLProgressElement>('ahead-progress')
  const statusEl = el<HTMLElement>('ahead-status')
  const ffDuration = el<HTMLSelectElement>('ff-duration')
  const ffBtn = el<HTMLButtonElement>('ff-run')
  let worker: Worker | null = null
  let finish: ((ok: boolean) => void) | null = null
  let statusText = ''
  const say = (m: string) => {
    statusText = m
    statusEl.textContent = m
  }

  function lock(on: boolean): void {
    app.busy = on
    app.loop.locked = on
    if (on) app.loop.pause()
    else app.loop.onChange?.()
    for (const id of LOCKED_PANELS) el<HTMLElement>(id).inert = on
    runBtn.disabled = on
    duration.disabled = on
    ffBtn.disabled = on
    ffDuration.disabled = on
    cancelBtn.disabled = !on
  }

  function end(ok: boolean): void {
    worker?.terminate()
    worker = null
    lock(false)
    const f = finish
    finish = null
    f?.(ok)
  }

  const bg: Background = {
    get running() {
      return worker !== null
    },
    run: (duration_ms: number) => start(duration_ms, false),
    fastForward: (duration_ms: number) => start(duration_ms, true),
    cancel() {
      if (!worker) return
      say('Cancelled: the world is as it was before the run.')
      progress.value = 0
      end(false)
    },
    status: () => statusText,
  }

  function start(duration_ms: number, slow: boolean): Promise<boolean> {
    if (worker) return Promise.resolve(false)
    const session = app.session
    const sim = session.sim
    const steps = slow ? 0 : Math.round(duration_ms / sim.time.dt_ms)
    const t0 = sim.time.step * sim.time.dt_ms
    const slow0 = sim.time.slow_ms
    const bytes = save(sim)
    const req: WorkerRequest = {
      steps,
      bytes,
      ...(slow ? { fastForward_ms: duration_ms } : {}),
      ...(!slow && session.scenario && session.run && !session.run.done ? { scenario: session.scenario } : {}),
    }
    lock(true)
    progress.value = 0
    say(slow ? `Fast-forwarding slow time by ${duration_ms / 3600000} h in the background…` : `Running ${duration_ms / 1000} s of tissue time in the background…`)
    const w = new Worker(new URL('./simWorker.ts', import.meta.url), { type: 'module', name: 'neuroplast-sim' })
    worker = w
    const started = performance.now()
    const done = new Promise<boolean>((resolve) => (finish = resolve))
    w.onmessage = (e: MessageEvent<WorkerReply>) => {
      if (worker !== w) return
      const m = e.data
      if (m.type === 'progress') {
        progress.value = m.done / steps
        say(`Running in the background: ${((m.done * sim.time.dt_ms) / 1000).toFixed(1)} of ${duration_ms / 1000} s…`)
      } else if (m.type === 'done') {
        try {
          app.replace(resumeSession(session, m.bytes), true)
          progress.value = 1
          const s = app.session.sim
          if (slow) say(`Fast-forwarded ${duration_ms / 3600000} h in ${((performance.now() - started) / 1000).toFixed(1)} s of wall time: slow time ${formatSlow(slow0)} → ${formatSlow(s.time.slow_ms)}.`)
          else say(`Ran ${duration_ms / 1000} s in ${((performance.now() - started) / 1000).toFixed(1)} s of wall time: t = ${((s.time.step * s.time.dt_ms) / 1000).toFixed(3)} s (from ${(t0 / 1000).toFixed(3)} s).`)
          end(true)
        } catch (err) {
          app.error(`The background run's result could not be shown: ${err instanceof Error ? err.message : String(err)}. The world is as it was before the run.`)
          end(false)
        }
      } else {
        app.error(`The background run failed: ${m.message}. The world is as it was before the run.`)
        say('Failed (see the message).')
        end(false)
      }
    }
    w.onerror = (e) => {
      if (worker !== w) return
      app.error(`The background run failed: ${e.message || 'the Worker could not start'}. The world is as it was before the run.`)
      end(false)
    }
    w.postMessage(req, [bytes.buffer as ArrayBuffer])
    return done
  }
  runBtn.onclick = () => void bg.run(Number(duration.value))
  cancelBtn.onclick = () => bg.cancel()
  ffBtn.onclick = () => void bg.fastForward(Number(ffDuration.value))
  return bg
}
