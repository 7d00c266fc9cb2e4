/**
 * Page options from the URL query:
 *
 *   (none)                          the default scene: the scenario scenes/quickstart.yaml
 *   ?scene=<name>                   a bare scene from the registry (scenes/index.ts)
 *   &params=<json object>           its parameters (e.g. {"n":200})
 *   &seed=<integer>                 the world seed (default: the scenario's, or 1 for a bare scene)
 *   &paused=1                       open paused
 *   &speed=<steps per frame>        fast steps per frame (1 … 1000)
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
  /** One message per bad parameter. */
  errors: string[]
}

export const MAX_SPEED = 1000

export function parsePageOptions(search: string, sceneNames: readonly string[]): PageOptions {
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

  // A bad scene makes the page fall back to the default scenario; its params/seed go with it.
  if (out.scene === undefined && scene !== null) {
    out.params = {}
  }
  return out
}
