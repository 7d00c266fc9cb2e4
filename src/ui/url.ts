/**
 * Page options from the URL query:
 *
 *   (none)                          the default scene: the scenario scenes/quickstart.yaml
 *   ?scene=<name>                   a bare scene from the registry (scenes/index.ts)
 *   &params=<json object>           its parameters (e.g. {"n":200})
 *   &seed=<integer>                 the world seed (default: the scenario's, or 1 for a bare scene)
 *   &paused=1                       open paused
 *   &speed=<steps per frame>        fast steps per frame (1 … 1000)
 *   ?scenario=<file>                a shipped scenario file (e.g. scenes/examples/slice-tour.yaml)
 *   ?scenarioText=<base64url>       a scenario file's text, UTF-8, base64url (share links of opened files)
 *
 * Share links (`shareLink`) use the same parameters: scene + params + seed for a bare scene,
 * scenario (+ seed) for a shipped scenario, scenarioText (+ seed) for any other.
 *
 * Bad values never stop the page: each becomes a message naming the parameter and the reason, and
 * the page opens the default scene instead (or ignores the bad option).
 */

export interface PageOptions {
  /** A registry scene to open instead of the default scenario. */
  scene?: string
  params: Record<string, unknown>
  seed?: number
  paused: boolean
  speed?: number
  /** A shipped scenario file to open. */
  scenarioFile?: string
  /** A scenario's text (decoded from scenarioText). */
  scenarioText?: string
  /** One message per bad parameter. */
  errors: string[]
}

export const MAX_SPEED = 1000

/** UTF-8 text → base64url (no padding). */
export function encodeText(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** base64url → UTF-8 text; throws a readable Error when it is not. */
export function decodeText(b64: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(b64)) throw new Error('it is not base64url text (only A–Z, a–z, 0–9, - and _ may appear)')
  if (b64.length % 4 === 1) throw new Error('it is cut short (its length is not that of any base64 text)')
  const bin = atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64.length % 4)) % 4))
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0))
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new Error('it does not decode to UTF-8 text')
  }
}

export type ShareSource =
  | { kind: 'scene'; scene: string; params: Record<string, unknown>; seed: string }
  | { kind: 'scenario'; file?: string; text: string; seed: string }

/** The query string of a share link (starts with '?'). */
export function shareQuery(src: ShareSource): string {
  const q = new URLSearchParams()
  if (src.kind === 'scene') {
    q.set('scene', src.scene)
    if (Object.keys(src.params).length) q.set('params', JSON.stringify(src.params))
  } else if (src.file) q.set('scenario', src.file)
  else q.set('scenarioText', encodeText(src.text))
  if (/^\d+$/.test(src.seed)) q.set('seed', src.seed)
  return `?${q.toString()}`
}

export function parsePageOptions(search: string, sceneNames: readonly string[], scenarioFiles: readonly string[] = []): PageOptions {
  const q = new URLSearchParams(search)
  const errors: string[] = []
  const out: PageOptions = { params: {}, paused: false, errors }

  const scene = q.get('scene')
  if (scene !== null) {
    if (sceneNames.includes(scene)) out.scene = scene
    else errors.push(`URL parameter "scene": unknown scene "${scene}" (known scenes: ${sceneNames.join(', ')}). Showing the default scene instead.`)
  }

  const params = q.get('params')
  if (params !== null) {
    let parsed: unknown
    try {
      parsed = JSON.parse(params)
    } catch (e) {
      errors.push(`URL parameter "params": not valid JSON (${(e as Error).message}).`)
    }
    if (parsed !== undefined) {
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        errors.push(`URL parameter "params": expected a JSON object such as {"n": 200}, got ${params}.`)
      else if (scene === null) errors.push('URL parameter "params": only used together with "scene"; ignored.')
      else out.params = parsed as Record<string, unknown>
    }
  }

  const seed = q.get('seed')
  if (seed !== null) {
    const n = Number(seed)
    if (seed.trim() === '' || !Number.isSafeInteger(n) || n < 0)
      errors.push(`URL parameter "seed": expected a non-negative integer, got "${seed}"; using the default seed.`)
    else out.seed = n
  }

  const paused = q.get('paused')
  if (paused !== null) {
    if (paused === '1' || paused === 'true' || paused === '') out.paused = true
    else if (paused !== '0' && paused !== 'false') errors.push(`URL parameter "paused": expected 1 or 0, got "${paused}".`)
  }

  const speed = q.get('speed')
  if (speed !== null) {
    const n = Number(speed)
    if (!Number.isInteger(n) || n < 1 || n > MAX_SPEED)
      errors.push(`URL parameter "speed": expected an integer number of steps per frame in [1, ${MAX_SPEED}], got "${speed}".`)
    else out.speed = n
  }

  const file = q.get('scenario')
  if (file !== null) {
    if (scene !== null) errors.push('URL parameters "scene" and "scenario" both given; opening the scene.')
    else if (scenarioFiles.includes(file)) out.scenarioFile = file
    else
      errors.push(
        `URL parameter "scenario": no shipped scenario "${file}" (there are: ${scenarioFiles.join(', ')}). Showing the default scene instead.`,
      )
  }
  const text = q.get('scenarioText')
  if (text !== null) {
    if (scene !== null || file !== null) errors.push('URL parameter "scenarioText": ignored, because "scene" or "scenario" is given too.')
    else {
      try {
        out.scenarioText = decodeText(text)
      } catch (e) {
        errors.push(`URL parameter "scenarioText": the shared scenario could not be read: ${(e as Error).message}. The link may be truncated. Showing the default scene instead.`)
      }
    }
  }

  // A bad scene makes the page fall back to the default scenario; its params/seed go with it.
  if (out.scene === undefined && scene !== null) {
    out.params = {}
  }
  return out
}
