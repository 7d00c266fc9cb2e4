/**
 * Scene & scenario panel: pick a registry scene (with a seed) and open it bare; the running
 * scenario's name, description and timeline, each action ticked off once its time has passed; and
 * drag-and-drop of a scenario (.yaml) or snapshot (.npls) file onto the tissue (opened as the file
 * input opens it, persist.ts).
 */
import { SCENES } from '../../scenes/index.ts'
import type { TimelineAction } from '../scenario/types.ts'
import { openScene } from './session.ts'
import type { App } from './app.ts'
import type { WorldPanel } from './persist.ts'

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

const time = (ms: number) => (ms >= 60_000 ? `${(ms / 60_000).toFixed(ms % 60_000 ? 2 : 0)} min` : ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms} ms`)

/** One line for a timeline action (what a student needs to follow the run). */
export function describeAction(a: TimelineAction): string {
  const r = a as unknown as Record<string, unknown>
  switch (a.kind) {
    case 'stimulate': {
      const p = a.protocol
      const what = p.kind === 'train' ? `train ${p.freq_Hz} Hz × ${p.count}` : p.kind
      return `stimulate ${a.electrode}: ${a.preset ? `${a.preset} (${what})` : what}`
    }
    case 'pair':
      return `pair ${a.pre} → ${a.post}, Δt ${a.dt_ms} ms, ${a.count}× at ${a.freq_Hz} Hz`
    case 'drug':
      return `${a.op} ${a.drug}${a.concentration_uM !== undefined ? ` ${a.concentration_uM} µM` : ''}`
    case 'advance':
      return `fast-forward slow time ${time(a.duration_ms)}`
    default: {
      const rest = Object.entries(r)
        .filter(([k, v]) => !['kind', 'at_ms', 'index', 'variant'].includes(k) && v !== undefined)
        .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      return `${a.kind}${rest.length ? `: ${rest.join(', ')}` : ''}${a.variant ? ` [${a.variant}]` : ''}`
    }
  }
}

export interface ScenarioPanel {
  update(): void
  /** Timeline entries shown: [text, done]. */
  timeline(): [string, boolean][]
}

export function createScenarioPanel(app: App, world: WorldPanel): ScenarioPanel {
  const sceneSelect = el<HTMLSelectElement>('scene-select')
  const seed = el<HTMLInputElement>('scene-seed')
  const openBtn = el<HTMLButtonElement>('open-scene')
  const name = el<HTMLElement>('scenario-name')
  const description = el<HTMLElement>('scenario-description')
  const list = el<HTMLOListElement>('timeline')
  const stage = el<HTMLElement>('stage')
  sceneSelect.replaceChildren(...Object.keys(SCENES).map((n) => new Option(n, n)))
  sceneSelect.value = app.session.sim.sceneName

  openBtn.onclick = () => {
    const s = Number(seed.value)
    if (!(Number.isSafeInteger(s) && s >= 0)) {
      app.error(`Seed: expected a non-negative integer, got "${seed.value}". The current world is unchanged.`)
      return
    }
    try {
      app.replace(openScene(sceneSelect.value, {}, s))
    } catch (e) {
      app.error(`Scene "${sceneSelect.value}" could not be built: ${e instanceof Error ? e.message : String(e)}. The current world is unchanged.`)
    }
  }

  let items: { li: HTMLLIElement; at_ms: number; done: boolean }[] = []
  function build(): void {
    const sc = app.session.scenario
    sceneSelect.value = app.session.sim.sceneName
    name.textContent = sc ? sc.name : 'No scenario: the scene runs free.'
    description.textContent = sc?.description ?? ''
    items = (sc?.timeline ?? []).map((a) => {
      const li = document.createElement('li')
      li.textContent = `${time(a.at_ms)} — ${describeAction(a)}`
      return { li, at_ms: a.at_ms, done: false }
    })
    list.replaceChildren(...items.map((i) => i.li))
    lastStep = -1
  }
  let lastStep = -1
  function update(): void {
    const sim = app.session.sim
    if (sim.time.step === lastStep) return
    lastStep = sim.time.step
    const now = sim.time.step * sim.time.dt_ms
    for (const i of items) {
      const done = i.at_ms < now
      if (done !== i.done) {
        i.done = done
        i.li.dataset.done = String(done)
      }
    }
  }

  // Drag and drop a file onto the tissue.
  stage.addEventListener('dragover', (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return
    e.preventDefault()
    stage.dataset.drop = 'true'
  })
  stage.addEventListener('dragleave', () => delete stage.dataset.drop)
  stage.addEventListener('drop', async (e) => {
    e.preventDefault()
    delete stage.dataset.drop
    const f = e.dataTransfer?.files[0]
    if (!f) return
    if (app.busy) return app.error('A background run owns the world: cancel it before opening a file.')
    world.open(new Uint8Array(await f.arrayBuffer()), f.name)
  })

  app.onReplace(build)
  build()
  update()
  return { update, timeline: () => items.map((i) => [i.li.textContent ?? '', i.done]) }
}
