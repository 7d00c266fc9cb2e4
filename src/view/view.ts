/**
 * The tissue view: a Pixi application (WebGL, asked for explicitly) whose stage holds the tissue in
 * µm, fitted to the canvas, with one drawing layer per entity kind (bottom → top: synapses,
 * somata, electrodes). The view reads the world, never writes it; `frame()` brings every layer up
 * to date with the world and with the events since the previous frame, and renders — but only when
 * something changed (the world advanced, the canvas was resized), so a paused page costs nothing.
 *
 * Multisampling is asked for on hardware GPUs only: in software WebGL (SwiftShader, llvmpipe) 4×
 * MSAA cut the frame rate of the quickstart page from ≈ 30 to ≈ 6 frames/s.
 */
import { Application, Container, Graphics } from 'pixi.js'
import type { Sim } from '../engine/world.ts'
import { BACKGROUND } from './colors.ts'
import { createFrameReader, type FrameEvents, type FrameReader } from './frame.ts'
import type { Layer } from './layers/layer.ts'
import { createSomataLayer } from './layers/somata.ts'
import { createSynapsesLayer } from './layers/synapses.ts'
import { createElectrodesLayer } from './layers/electrodes.ts'

const MARGIN_PX = 18

export interface View {
  readonly app: Application
  readonly layers: readonly Layer[]
  /** Screen pixels per µm at the current fit. */
  readonly pxPerUm: number
  /** True when WebGL runs in software (no multisampling then). */
  readonly software: boolean
  /**
   * Read the world; if it advanced or the view needs redrawing (or `force`), update every layer and
   * render. Returns whether it rendered.
   */
  frame(force?: boolean): boolean
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

export async function createView(host: HTMLElement, sim: Sim): Promise<View> {
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
  app.canvas.setAttribute('aria-label', `Tissue view of ${sim.sceneName}: neurons coloured by membrane potential, synapses as lines`)
  app.canvas.setAttribute('role', 'img')
  host.appendChild(app.canvas)

  const tissue = new Container({ label: 'tissue' })
  const outline = new Graphics({ label: 'tissue outline' })
  tissue.addChild(outline)
  const layers: Layer[] = [createSynapsesLayer(), createSomataLayer(sim), createElectrodesLayer()]
  for (const l of layers) tissue.addChild(l.container)
  app.stage.addChild(tissue)

  const reader: FrameReader = createFrameReader(sim)
  let pxPerUm = 1
  let needsDraw = true
  let renders = 0

  function fit(): void {
    const W = sim.params.width_um
    const H = sim.params.height_um
    const cw = app.screen.width
    const ch = app.screen.height
    pxPerUm = Math.max(1e-6, Math.min((cw - 2 * MARGIN_PX) / W, (ch - 2 * MARGIN_PX) / H))
    tissue.scale.set(pxPerUm)
    tissue.position.set((cw - W * pxPerUm) / 2, (ch - H * pxPerUm) / 2)
    outline.clear()
    outline.rect(0, 0, W, H).stroke({ color: 0x2a3344, width: 1 / pxPerUm })
    for (const l of layers) l.setScale(pxPerUm)
    needsDraw = true
  }
  app.renderer.on('resize', fit)
  // The host also changes size with the page layout (not only with the window).
  const observer = new ResizeObserver(() => app.queueResize())
  observer.observe(host)

  const view: View = {
    app,
    layers,
    get pxPerUm() {
      return pxPerUm
    },
    software,
    get renders() {
      return renders
    },
    frame(force = false) {
      const f: FrameEvents = reader.read(sim)
      const changed = f.steps > 0 || f.spiked.length > 0 || f.pulsed.length > 0 || f.neuronsChanged || f.synapsesChanged
      if (!(changed || needsDraw || force)) return false
      for (const l of layers) l.update(f)
      app.render()
      needsDraw = false
      renders++
      return true
    },
    stats() {
      return Object.fromEntries(layers.map((l) => [l.name, l.stats()]))
    },
    destroy() {
      observer.disconnect()
      app.renderer.off('resize', fit)
      for (const l of layers) l.destroy()
      app.destroy(true, { children: true })
    },
  }
  fit()
  view.frame(true)
  return view
}
