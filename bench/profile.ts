/**
 * Profile evidence for our side: V8's sampling CPU profiler around one timed run (through the
 * in-process inspector, so building the network is not in the profile), summarised as self time per
 * function.
 */
import { Session } from 'node:inspector'
import { basename } from 'node:path'

export interface HotFunction {
  name: string
  /** File of the function. */
  where: string
  self_ms: number
  share: number
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
}

/** Same-thread inspector sessions answer synchronously; fail loudly if that ever changes. */
function post<T>(session: Session, method: string, params?: object): T {
  let result: T | undefined
  let error: Error | null = null
  let done = false
  session.post(method, params ?? {}, (err, res) => {
    error = err
    result = res as T
    done = true
  })
  if (!done) throw new Error(`inspector ${method}: no synchronous answer`)
  if (error) throw error
  return result as T
}

/** Run `fn` under the CPU profiler (sampling every `interval_us`); return its hottest functions. */
export function profiled(fn: () => void, top = 10, interval_us = 500): HotFunction[] {
  const session = new Session()
  session.connect()
  try {
    post(session, 'Profiler.enable')
    post(session, 'Profiler.setSamplingInterval', { interval: interval_us })
    post(session, 'Profiler.start')
    fn()
    const { profile } = post<{ profile: CpuProfile }>(session, 'Profiler.stop')
    return summarise(profile, top)
  } finally {
    session.disconnect()
  }
}

export function summarise(profile: CpuProfile, top: number): HotFunction[] {
  const samples = profile.samples?.length ?? profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0)
  const perSample = samples > 0 ? (profile.endTime - profile.startTime) / 1000 / samples : 0
  const byName = new Map<string, { name: string; where: string; hits: number }>()
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0
    if (hits === 0) continue
    const cf = n.callFrame
    const name = cf.functionName || '(anonymous)'
    // Line numbers are of tsx's transpiled output, not of the sources: name the file only.
    const where = cf.url ? basename(cf.url) : ''
    const key = `${name}@${where}`
    const e = byName.get(key) ?? { name, where, hits: 0 }
    e.hits += hits
    byName.set(key, e)
  }
  return [...byName.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, self_ms: e.hits * perSample, share: samples > 0 ? e.hits / samples : 0 }))
}
