/**
 * Test hook: `window.__neuroplast`, for browser tests and for poking at the page from the console.
 * It exposes the running world read-only by convention; `stepN` advances it exactly as the loop
 * does (through the scenario while it runs).
 */
import { stateHash, stateHashParts, type StateHashParts } from '../engine/hash.ts'
import type { Scenario } from '../scenario/types.ts'
import type { Sim } from '../engine/world.ts'
import type { Loop } from './loop.ts'
import type { Session } from './session.ts'
import type { View } from '../view/view.ts'

export interface NeuroplastHook {
  /** True once the first frame with the world has been drawn. */
  ready: boolean
  /** Messages shown in the page's error box (bad URL values, boot failures). */
  errors: string[]
  sim: Sim | null
  sceneName: string
  title: string
  stateHash(): string
  /** Hash of each part of the state (to tell what differs). */
  stateHashParts(): StateHashParts
  /** The scenario being run (default scene), if any. */
  scenario: Scenario | null
  stepN(n: number): void
  pause(): void
  play(): void
  readonly playing: boolean
  setSpeed(stepsPerFrame: number): void
  /** Fast time in ms. */
  time_ms(): number
  /** What the layers draw (counts), e.g. { somata: { neurons: 320 }, synapses: { lines: 5400 } }. */
  viewStats(): Record<string, Record<string, number>>
  /** Page frames so far (animation frames, whether or not anything was redrawn). */
  frames: number
  /** Frames actually rendered (the view redraws only when something changed). */
  renders(): number
  /** Phase of the session: 'scenario' | 'free'. */
  phase(): string
}

declare global {
  interface Window {
    __neuroplast: NeuroplastHook
  }
}

export function emptyHook(errors: string[]): NeuroplastHook {
  const none = () => {
    throw new Error('__neuroplast: the page has no world (see errors)')
  }
  return {
    ready: false,
    errors,
    sim: null,
    sceneName: '',
    title: '',
    stateHash: none,
    stateHashParts: none,
    scenario: null,
    stepN: none,
    pause: none,
    play: none,
    playing: false,
    setSpeed: none,
    time_ms: none,
    viewStats: () => ({}),
    frames: 0,
    renders: () => 0,
    phase: () => 'none',
  }
}

export function sessionHook(session: Session, loop: Loop, view: View, errors: string[]): NeuroplastHook {
  const sim = session.sim
  return {
    ready: false,
    errors,
    sim,
    sceneName: sim.sceneName,
    title: session.title,
    stateHash: () => stateHash(sim),
    stateHashParts: () => stateHashParts(sim),
    scenario: session.scenario ?? null,
    stepN: (n: number) => {
      loop.stepN(n)
      view.frame()
    },
    pause: () => loop.pause(),
    play: () => loop.play(),
    get playing() {
      return loop.playing
    },
    setSpeed: (n: number) => {
      if (!(Number.isInteger(n) && n >= 1)) throw new Error(`setSpeed: expected a positive integer, got ${n}`)
      loop.speed = n
    },
    time_ms: () => sim.time.step * sim.time.dt_ms,
    viewStats: () => view.stats(),
    frames: 0,
    renders: () => view.renders,
    phase: () => session.phase(),
  }
}
