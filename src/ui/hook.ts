/**
 * Test hook: `window.__neuroplast`, for browser tests and for poking at the page from the console.
 * It exposes the running world read-only by convention; `stepN` advances it exactly as the loop
 * does (through the scenario while it runs). After a snapshot is loaded `sim` is the new world.
 */
import { stateHash, stateHashParts, type StateHashParts } from '../engine/hash.ts'
import type { Scenario } from '../scenario/types.ts'
import type { Sim } from '../engine/world.ts'
import type { App } from './app.ts'
import type { Camera, Picked, Selection } from '../view/view.ts'

export interface NeuroplastHook {
  /** True once the first frame with the world has been drawn. */
  ready: boolean
  /** Messages shown in the page's error box (bad URL values, boot failures, bad files). */
  errors: string[]
  readonly sim: Sim | null
  readonly sceneName: string
  readonly title: string
  stateHash(): string
  /** Hash of each part of the state (to tell what differs). */
  stateHashParts(): StateHashParts
  /** The scenario being run (default scene), if any. */
  readonly scenario: Scenario | null
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
  /** Camera: zoom (1 = fit), centre in µm; level of detail. */
  camera(): Camera & { pxPerUm: number; level: string }
  setCamera(c: Partial<Camera>): void
  /** Screen position (CSS px relative to the page) of a tissue point, e.g. to click a neuron. */
  pageXY(x_um: number, y_um: number): { x: number; y: number }
  /** What a click at this page position would pick. */
  pickAt(pageX: number, pageY: number): Picked
  selection(): Selection
  /** Bouton position (µm) of a drawn synapse. */
  boutonOf(syn: number): { x: number; y: number } | null
  /** Extra panels register their test-facing parts here (inspector, tools, …). */
  panels: Record<string, unknown>
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
    camera: none,
    setCamera: none,
    pageXY: none,
    pickAt: none,
    selection: () => null,
    boutonOf: () => null,
    panels: {},
  }
}

export function sessionHook(app: App): NeuroplastHook {
  const { loop, view } = app
  const canvasOrigin = () => view.app.canvas.getBoundingClientRect()
  return {
    ready: false,
    errors: app.errors,
    get sim() {
      return app.session.sim
    },
    get sceneName() {
      return app.session.sim.sceneName
    },
    get title() {
      return app.session.title
    },
    stateHash: () => stateHash(app.session.sim),
    stateHashParts: () => stateHashParts(app.session.sim),
    get scenario() {
      return app.session.scenario ?? null
    },
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
    time_ms: () => app.session.sim.time.step * app.session.sim.time.dt_ms,
    viewStats: () => view.stats(),
    frames: 0,
    renders: () => view.renders,
    phase: () => app.session.phase(),
    camera: () => ({ ...view.camera, pxPerUm: view.pxPerUm, level: view.lod.level }),
    setCamera: (c: Partial<Camera>) => view.setCamera(c),
    pageXY: (x: number, y: number) => {
      const r = canvasOrigin()
      const p = view.toScreen(x, y)
      return { x: r.left + p.x, y: r.top + p.y }
    },
    pickAt: (x: number, y: number) => {
      const r = canvasOrigin()
      return view.pick(x - r.left, y - r.top)
    },
    selection: () => view.selection,
    boutonOf: (syn: number) => view.boutonOf(syn) ?? null,
    panels: {},
  }
}
