/**
 * The stepping loop. The simulation runs on the main thread (a Worker comes later), so each frame
 * gets at most `budget_ms` of stepping: up to `speed` fast steps, fewer if the budget runs out
 * (`capped` then says so) — the page never stalls, the world just runs slower than asked.
 *
 * `afterStep`, when set (the inspector's history), is called after every single fast step; the
 * loop then advances one step at a time. `session` can be swapped (a snapshot was loaded).
 */
import type { Session } from './session.ts'

export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const
export const DEFAULT_SPEED = 10
export const BUDGET_MS = 8

export interface Loop {
  readonly playing: boolean
  /** Fast steps per frame asked for. */
  speed: number
  /** Steps taken in the last frame. */
  readonly lastSteps: number
  /** True when the last frame ran out of budget before `speed` steps. */
  readonly capped: boolean
  play(): void
  pause(): void
  toggle(): void
  /** Advance exactly n fast steps now (whether playing or not), ignoring the budget. */
  stepN(n: number): void
  /** One frame's stepping; returns the steps taken. */
  tick(): number
  /** Called after play / pause / errors, for the HUD. */
  onChange?: () => void
  /** Called when stepping throws (the loop pauses). */
  onError?: (e: unknown) => void
  /** Called after every fast step (reads the world only). */
  afterStep?: () => void
  /** The session being stepped (swappable). */
  session: Session
  /** While true nothing steps (a background run owns the world): play and stepping are refused. */
  locked: boolean
}

export function createLoop(session: Session, opts: { speed?: number; paused?: boolean; now?: () => number } = {}): Loop {
  const now = opts.now ?? (() => performance.now())
  let playing = !opts.paused
  let lastSteps = 0
  let capped = false
  const loop: Loop = {
    get playing() {
      return playing
    },
    speed: opts.speed ?? DEFAULT_SPEED,
    session,
    locked: false,
    get lastSteps() {
      return lastSteps
    },
    get capped() {
      return capped
    },
    play() {
      if (loop.locked) return
      playing = true
      loop.onChange?.()
    },
    pause() {
      playing = false
      loop.onChange?.()
    },
    toggle() {
      if (playing) loop.pause()
      else loop.play()
    },
    stepN(n: number) {
      if (!(Number.isInteger(n) && n >= 0)) throw new Error(`stepN: expected a non-negative integer, got ${n}`)
      if (loop.locked) throw new Error('stepN: the world is running in the background (cancel it first)')
      guarded(() => advance(n))
    },
    tick() {
      lastSteps = 0
      capped = false
      if (!playing || loop.locked) return 0
      const t0 = now()
      const want = loop.speed
      // Check the clock every few steps: a step of a small scene costs microseconds.
      const chunk = Math.max(1, Math.ceil(want / 64))
      let done = 0
      while (done < want) {
        const k = Math.min(chunk, want - done)
        if (!guarded(() => advance(k))) break
        done += k
        if (now() - t0 > BUDGET_MS) break
      }
      lastSteps = done
      capped = done < want && playing
      return done
    },
  }
  function advance(n: number): void {
    const each = loop.afterStep
    if (!each) return loop.session.advance(n)
    for (let i = 0; i < n; i++) {
      loop.session.advance(1)
      each()
    }
  }
  function guarded(f: () => void): boolean {
    try {
      f()
      return true
    } catch (e) {
      playing = false
      loop.onError?.(e)
      loop.onChange?.()
      return false
    }
  }
  return loop
}
