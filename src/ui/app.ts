/**
 * The page's state: the session (world + scenario run), the stepping loop and the view, and the
 * errors shown so far. Panels read `app.session.sim` afresh each time (never keep it), because
 * loading a snapshot replaces the world: `replace` swaps it everywhere and tells the panels.
 */
import type { Session } from './session.ts'
import type { Loop } from './loop.ts'
import type { View } from '../view/view.ts'

export interface App {
  readonly session: Session
  readonly loop: Loop
  readonly view: View
  readonly errors: string[]
  /**
   * Show another world: loop, view and panels switch to it. `continued`: it is the same world run on
   * (background run) — the camera stays and panels keep what they show where they can.
   */
  replace(session: Session, continued?: boolean): void
  /** Called after `replace` (panels rebuild their world-specific parts). */
  onReplace(f: (s: Session, continued: boolean) => void): void
  /** While true (a background run owns the world), the page must not change or step the world. */
  busy: boolean
  /** Report a problem in the error box (and in `errors` for the test hook). */
  error(message: string): void
}

export function createApp(session: Session, loop: Loop, view: View, errors: string[], showErrors: (m: string[]) => void): App {
  const listeners: ((s: Session, continued: boolean) => void)[] = []
  let current = session
  return {
    busy: false,
    get session() {
      return current
    },
    loop,
    view,
    errors,
    replace(next: Session, continued = false) {
      current = next
      loop.session = next
      view.setSim(next.sim, continued)
      for (const f of listeners) f(next, continued)
    },
    onReplace(f) {
      listeners.push(f)
    },
    error(message: string) {
      console.warn(`neuroplast: ${message}`)
      errors.push(message)
      showErrors([message])
    },
  }
}
