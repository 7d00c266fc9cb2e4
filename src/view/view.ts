/**
 * The tissue view: a Pixi application (WebGL, asked for explicitly) whose stage holds the tissue in
 * µm, with one drawing layer per entity kind (bottom → top: synapses, neuromodulator clouds,
 * somata, electrodes, selection). The view reads the world, never writes it; `frame()` brings every layer up to date
 * with the world and with the events since the previous frame, and renders — but only when
 * something changed (the world advanced, the camera moved, the canvas was resized), so a paused
 * page costs nothing.
 *
 * Camera: `zoom` is relative to the fit (1 = the whole tissue fills the canvas), `center` is the
 * tissue point (µm) at the middle of the canvas. Zooming and panning only change the tissue
 * container's transform; each layer gets the new level of detail (layers/layer.ts) and adapts
 * without rebuilding its geometry.
 *
 * Multisampling is asked for on hardware GPUs only: in software WebGL (SwiftShader, llvmpipe) 4×
 * MSAA cut the frame rate of the quickstart page from ≈ 30 to ≈ 6 frames/s.
 */
import { Application, Container, Graphics } from 'pixi.js'
import type { Sim } from '../engine/world.ts'
import { neuronIds } from '../engine/entities.ts'
import { BACKGROUND } from './colors.ts'
import { createFrameReader, type FrameEvents, type FrameReader } from './frame.ts'
import { lodFor, type Layer, type Lod } from './layers/layer.ts'
import { createSomataLayer, type SomataLayer } from './layers/somata.ts'
import { createSynapsesLayer, type SynapsesLayer } from './layers/synapses.ts'
import { createElectrodesLayer, type ElectrodesLayer } from './layers/electrodes.ts'
import { createSelectionLayer, type Selection, type SelectionLayer } from './layers/selection.ts'
import { createModulatorsLayer } from './layers/modulators.ts'

const MARGIN_PX = 18
export const ZOOM_MIN = 0.25
export const ZOOM_MAX = 256
/** How far (screen px) a click may be from a soma, bouton or electrode tip to pick it. */
export const PICK_PX = 10

export type Picked = { kind: 'neuron' | 'synapse' | 'electrode'; id: number } | null
export type { Selection }

export interface Camera {
  zoom: number
  cx_um: number
  cy_um: number
}

export interface View {
  readonly app: Application
  readonly layers: readonly Layer[]
  readonly sim: Sim
  /** Screen pixels per µm at the current zoom. */
  readonly pxPerUm: number
  readonly lod: Lod
  readonly camera: Readonly<Camera>
  /** True when WebGL runs in software (no multisampling then). */
  readonly software: boolean
  /**
   * Read the world; if it advanced or the view needs redrawing (or `force`), update every layer and
   * render. Returns whether it rendered.
   */
  frame(force?: boolean): boolean
  /** Ask for a redraw at the next frame (after the world was changed by a user action). */
  invalidate(): void
  /** Zoom by `factor` keeping the tissue point under screen point (sx, sy) in place (CSS px in the canvas). */
  zoomAt(factor: number, sx: number, sy: number): void
  panBy(dx_px: number, dy_px: number): void
  setCamera(c: Partial<Camera>): void
  resetCamera(): void
  /** Screen (CSS px, canvas-relative) → tissue µm, and back. */
  toTissue(sx: number, sy: number): { x: number; y: number }
  toScreen(x_um: number, y_um: number): { x: number; y: number }
  /**
   * What is at screen point (sx, sy): an electrode tip, else a synapse bouton (close up only) or a
   * neuron, whichever is nearer; null if nothing is within PICK_PX (plus the soma's radius).
   */
  pick(sx: number, sy: number): Picked
  select(sel: Selection): void
  readonly selection: Selection
  /** Where a drawn synapse's bouton is (µm), if it is drawn. */
  boutonOf(syn: number): { x: number; y: number } | undefined
  /** Show another world (snapshot loaded): every layer is rebuilt for it; the camera is reset unless `keepCamera`. */
  setSim(sim: Sim, keepCamera?: boolean): void
  /** Frames rendered so far. */
  readonly renders: number
  stats(): Record<string, Record<string, number>>
  destroy(): void
}

/** Whether WebGL is rendered in software here (renderer string of a throwaway context). */
export function softwareWebGL(): boolean {
  const c = document.createElement('canvas')
  const gl = (c.getContext('webgl2') ?? c.getContext('webgl')) as WebGLRenderingContext | null
  if (!gl) return false
  const info = gl.getExtension('WEBGL_debug_renderer_info')
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
  gl.getExtension('WEBGL_lose_context')?.loseContext()
  return /swiftshader|llvmpipe|softpipe|software/i.test(name)
}

interface LayerSet {
  synapses: SynapsesLayer
  somata: SomataLayer
  electrodes: ElectrodesLayer
  selection: SelectionLayer
  all: Layer[]
}

function makeLayers(sim: Sim): LayerSet {
  const synapses = createSynapsesLayer()
  const somata = createSomataLayer(sim)
  const electrodes = createElectrodesLayer()
  const selection = createSelectionLayer((s) => synapses.boutonOf(s))
  const modulators = createModulatorsLayer()
  return { synapses, somata, electrodes, selection, all: [synapses, modulators, somata, electrodes, selection] }
}

export async function createView(host: HTMLElement, firstSim: Sim): Promise<View> {
  const app = new Application()
  const software = softwareWebGL()
  await app.init({
    preference: 'webgl',
    resizeTo: host,
    background: BACKGROUND,
    antialias: !software,
    // We render on demand from the page's own frame loop (see frame()).
    autoStart: false,
    sharedTicker: false,
    autoDensity: true,
    resolution: Math.min(2, window.devicePixelRatio || 1),
  })
  app.canvas.setAttribute('role', 'img')
  host.appendChild(app.canvas)

  let sim = firstSim
  const tissue = new Container({ label: 'tissue' })
  const outline = new Graphics({ label: 'tissue outline' })
  tissue.addChild(outline)
  app.stage.addChild(tissue)
  let L: LayerSet = makeLayers(sim)
  for (const l of L.all) tissue.addChild(l.container)

  let reader: FrameReader = createFrameReader(sim)
  let fitScale = 1
  let pxPerUm = 1
  let lod: Lod = lodFor(1, 1)
  const cam: Camera = { zoom: 1, cx_um: 0, cy_um: 0 }
  let needsDraw = true
  let renders = 0
  /** CPU time of the last frame's layer updates (buffers and particles; excludes the GPU submit). */
  let prepare_ms = 0

  const meanSpacing_um = () => Math.sqrt((sim.params.width_um * sim.params.height_um) / Math.max(1, neuronIds(sim).length))

  function describe(): void {
    app.canvas.setAttribute(
      'aria-label',
      `Tissue view of ${sim.sceneName}: neurons coloured by membrane potential, synapses as lines. Drag to pan, wheel or +/− to zoom, click a cell or synapse to inspect it.`,
    )
  }

  function outlineDraw(): void {
    outline.clear()
    outline.rect(0, 0, sim.params.width_um, sim.params.height_um).stroke({ color: 0x2a3344, width: 1, pixelLine: true })
  }

  /** Apply the camera to the tissue transform and tell the layers the level of detail. */
  function apply(): void {
    const cw = app.screen.width
    const ch = app.screen.height
    const W = sim.params.width_um
    const H = sim.params.height_um
    fitScale = Math.max(1e-6, Math.min((cw - 2 * MARGIN_PX) / W, (ch - 2 * MARGIN_PX) / H))
    cam.zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, cam.zoom))
    // Keep the tissue from being panned out of sight: its centre stays within the tissue.
    cam.cx_um = Math.min(W, Math.max(0, cam.cx_um))
    cam.cy_um = Math.min(H, Math.max(0, cam.cy_um))
    const s = fitScale * cam.zoom
    tissue.scale.set(s)
    tissue.position.set(cw / 2 - cam.cx_um * s, ch / 2 - cam.cy_um * s)
    if (s !== pxPerUm || lod.pxPerUm !== s) {
      pxPerUm = s
      lod = lodFor(s, meanSpacing_um())
      for (const l of L.all) l.setLod(lod)
    }
    needsDraw = true
  }

  function resetCamera(): void {
    cam.zoom = 1
    cam.cx_um = sim.params.width_um / 2
    cam.cy_um = sim.params.height_um / 2
    apply()
  }

  app.renderer.on('resize', apply)
  // The host also changes size with the page layout (not only with the window).
  const observer = new ResizeObserver(() => app.queueResize())
  observer.observe(host)

  const toTissue = (sx: number, sy: number) => ({ x: cam.cx_um + (sx - app.screen.width / 2) / pxPerUm, y: cam.cy_um + (sy - app.screen.height / 2) / pxPerUm })

  const view: View = {
    app,
    get layers() {
      return L.all
    },
    get sim() {
      return sim
    },
    get pxPerUm() {
      return pxPerUm
    },
    get lod() {
      return lod
    },
    get camera() {
      return cam
    },
    software,
    get renders() {
      return renders
    },
    get selection() {
      return L.selection.selection
    },
    frame(force = false) {
      const f: FrameEvents = reader.read(sim)
      const changed = f.steps > 0 || f.spiked.length > 0 || f.pulsed.length > 0 || f.neuronsChanged || f.synapsesChanged
      if (!(changed || needsDraw || force)) return false
      if (f.neuronsChanged) {
        // Mean spacing (and so the level of detail) depends on the number of neurons.
        lod = lodFor(pxPerUm, meanSpacing_um())
        for (const l of L.all) l.setLod(lod)
      }
      const t0 = performance.now()
      for (const l of L.all) l.update(f)
      prepare_ms = performance.now() - t0
      app.render()
      needsDraw = false
      renders++
      return true
    },
    invalidate() {
      needsDraw = true
    },
    zoomAt(factor: number, sx: number, sy: number) {
      if (!(factor > 0) || !Number.isFinite(factor)) return
      const before = toTissue(sx, sy)
      cam.zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, cam.zoom * factor))
      const s = fitScale * cam.zoom
      // Keep `before` under the pointer.
      cam.cx_um = before.x - (sx - app.screen.width / 2) / s
      cam.cy_um = before.y - (sy - app.screen.height / 2) / s
      apply()
    },
    panBy(dx: number, dy: number) {
      cam.cx_um -= dx / pxPerUm
      cam.cy_um -= dy / pxPerUm
      apply()
    },
    setCamera(c: Partial<Camera>) {
      Object.assign(cam, c)
      apply()
    },
    resetCamera,
    toTissue,
    toScreen(x: number, y: number) {
      return { x: app.screen.width / 2 + (x - cam.cx_um) * pxPerUm, y: app.screen.height / 2 + (y - cam.cy_um) * pxPerUm }
    },
    pick(sx: number, sy: number): Picked {
      const p = toTissue(sx, sy)
      const reach = PICK_PX / pxPerUm
      const e = L.electrodes.nearestElectrode(p.x, p.y, reach)
      if (e) return { kind: 'electrode', id: e }
      const P = sim.components.Position
      const somaReach = reach + L.somata.diameterPx / 2 / pxPerUm
      const n = L.somata.nearestNeuron(p.x, p.y, somaReach)
      const dn = n ? Math.hypot(P.x_um[n]! - p.x, P.y_um[n]! - p.y) - L.somata.diameterPx / 2 / pxPerUm : Infinity
      if (lod.level === 'synapse') {
        const s = L.synapses.nearestSynapse(p.x, p.y, reach)
        const b = s ? L.synapses.boutonOf(s) : undefined
        if (s && b && Math.hypot(b.x - p.x, b.y - p.y) < dn) return { kind: 'synapse', id: s }
      }
      return n ? { kind: 'neuron', id: n } : null
    },
    boutonOf(syn: number) {
      return L.synapses.boutonOf(syn)
    },
    select(sel: Selection) {
      L.selection.select(sel)
      needsDraw = true
    },
    setSim(next: Sim, keepCamera = false) {
      for (const l of L.all) {
        tissue.removeChild(l.container)
        l.destroy()
      }
      sim = next
      L = makeLayers(sim)
      for (const l of L.all) tissue.addChild(l.container)
      reader = createFrameReader(sim)
      describe()
      outlineDraw()
      pxPerUm = NaN // force the level of detail to be re-sent
      if (keepCamera) apply()
      else resetCamera()
      view.frame(true)
    },
    stats() {
      return {
        ...Object.fromEntries(L.all.map((l) => [l.name, l.stats()])),
        frame: { prepare_ms, renders },
        camera: { zoom: cam.zoom, cx_um: cam.cx_um, cy_um: cam.cy_um, pxPerUm, spacingPx: lod.spacingPx, level: ['tissue', 'circuit', 'synapse'].indexOf(lod.level) },
      }
    },
    destroy() {
      observer.disconnect()
      app.renderer.off('resize', apply)
      for (const l of L.all) l.destroy()
      app.destroy(true, { children: true })
    },
  }
  describe()
  outlineDraw()
  resetCamera()
  view.frame(true)
  return view
}
