/**
 * Save, load and share. "Save world" writes the world as a snapshot file (src/engine/snapshot.ts,
 * `.npls`); opening such a file replaces the world with the saved one (it runs free from there).
 * Opening a scenario file (`.yaml`) runs that scenario instead. "Share link" puts a URL in the text
 * field (and on the clipboard when allowed) that opens the same scene, seed, parameters and
 * scenario from the start (url.ts `shareQuery`).
 *
 * A file that cannot be read is refused with a message saying why; the world on the page stays
 * exactly as it was (snapshot `load` builds a new world and never touches the old one).
 */
import { load, save } from '../engine/snapshot.ts'
import { stateHash } from '../engine/hash.ts'
import { openScenario, openSnapshot } from './session.ts'
import { shareQuery } from './url.ts'
import type { App } from './app.ts'

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

export interface WorldPanel {
  /** Open a file's bytes as the page would (snapshot, or scenario if the name ends .yaml/.yml). True if it opened. */
  open(bytes: Uint8Array, name: string): boolean
  /** The share link of the world now. */
  link(): string
  status(): string
}

export function createWorldPanel(app: App): WorldPanel {
  const saveBtn = el<HTMLButtonElement>('save-world')
  const input = el<HTMLInputElement>('load-world')
  const linkBtn = el<HTMLButtonElement>('make-link')
  const linkOut = el<HTMLInputElement>('share-link')
  const statusEl = el<HTMLElement>('world-status')
  input.accept = '.npls,.yaml,.yml,application/octet-stream'
  let statusText = ''
  const say = (m: string) => {
    statusText = m
    statusEl.textContent = m
  }

  saveBtn.onclick = () => {
    const sim = app.session.sim
    const bytes = save(sim)
    const t_ms = Math.round(sim.time.step * sim.time.dt_ms)
    const name = `${sim.sceneName}-seed${sim.seed}-t${t_ms}ms.npls`
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }))
    const a = document.createElement('a')
    a.href = url
    a.download = name
    document.body.appendChild(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
    say(`Saved ${name} (${(bytes.byteLength / 1024).toFixed(0)} KiB, state ${stateHash(sim)}).`)
  }

  function open(bytes: Uint8Array, name: string): boolean {
    try {
      if (/\.ya?ml$/i.test(name)) {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
        app.replace(openScenario(text, name, undefined, false))
        say(`Opened scenario ${name}.`)
      } else {
        const sim = load(bytes)
        app.replace(openSnapshot(sim, name))
        say(`Loaded ${name}: ${sim.sceneName} at t = ${((sim.time.step * sim.time.dt_ms) / 1000).toFixed(3)} s (state ${stateHash(sim)}).`)
      }
      return true
    } catch (e) {
      const m = `Could not open "${name}": ${message(e)}. The current world is unchanged.`
      app.error(m)
      say(m)
      return false
    }
  }

  input.onchange = async () => {
    const f = input.files?.[0]
    if (!f) return
    const bytes = new Uint8Array(await f.arrayBuffer())
    open(bytes, f.name)
    input.value = ''
  }

  const link = () => `${location.origin}${location.pathname}${shareQuery(app.session.source)}`
  linkBtn.onclick = async () => {
    const url = link()
    linkOut.value = url
    linkOut.focus()
    linkOut.select()
    let copied = false
    try {
      await navigator.clipboard.writeText(url)
      copied = true
    } catch {
      // no clipboard permission (or an insecure context): the field still holds the link
    }
    say(`${copied ? 'Link copied. ' : 'Copy the link above. '}It opens ${app.session.source.kind === 'scenario' ? 'this scenario' : `the scene ${app.session.sim.sceneName}`} with seed ${app.session.sim.seed}, from the start.`)
  }

  return { open, link, status: () => statusText }
}
