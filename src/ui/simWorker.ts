/**
 * The background Worker: runs a world off the page's thread, so a long run never stalls the page.
 * It gets the world as a snapshot (src/engine/snapshot.ts) and, when a scenario is still running,
 * the scenario (its timeline resumes from the snapshot's time); it steps exactly as the page would
 * (same pipeline, same deterministic maths: the result is bit-identical), reports progress about
 * every PROGRESS_MS, and sends the world back as a snapshot.
 *
 * With `fastForward_ms` instead it fast-forwards slow time (pipeline.ts `fastForward`: slow systems
 * only, no spiking; fast time stands still).
 *
 * Messages in:  { steps, bytes, scenario?, fastForward_ms? }   out: { type: 'progress', done } …
 *               then { type: 'done', bytes } or { type: 'error', message }
 */
import { load, save } from '../engine/snapshot.ts'
import { fastForward, runSteps } from '../engine/pipeline.ts'
import { createRun } from '../scenario/runner.ts'
import type { Scenario } from '../scenario/types.ts'
import { SCENES } from '../../scenes/index.ts'

const PROGRESS_MS = 100
const CHUNK_STEPS = 100

export interface WorkerRequest {
  steps: number
  bytes: Uint8Array
  scenario?: Scenario
  fastForward_ms?: number
}
export type WorkerReply = { type: 'progress'; done: number } | { type: 'done'; bytes: Uint8Array } | { type: 'error'; message: string }

const post = (m: WorkerReply, transfer: Transferable[] = []) => (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(m, transfer)

self.addEventListener('message', (e: MessageEvent<WorkerRequest>) => {
  const { steps, bytes, scenario, fastForward_ms } = e.data
  try {
    if (fastForward_ms !== undefined) {
      const s = load(bytes)
      fastForward(s, fastForward_ms)
      const out = save(s)
      post({ type: 'done', bytes: out }, [out.buffer as ArrayBuffer])
      return
    }
    let advance: (n: number) => void
    let sim
    if (scenario) {
      const run = createRun(scenario, { scenes: SCENES, fromSnapshot: bytes })
      sim = run.sim
      advance = (n) => {
        let left = n
        if (!run.done) {
          const k = Math.min(left, Math.max(0, run.endStep - run.sim.time.step))
          if (k > 0) run.advance(k)
          left -= k
        }
        if (left > 0) runSteps(run.sim, left)
      }
    } else {
      const s = load(bytes)
      sim = s
      advance = (n) => runSteps(s, n)
    }
    let done = 0
    let last = performance.now()
    while (done < steps) {
      const k = Math.min(CHUNK_STEPS, steps - done)
      advance(k)
      done += k
      const now = performance.now()
      if (now - last >= PROGRESS_MS) {
        last = now
        post({ type: 'progress', done })
      }
    }
    const out = save(sim)
    post({ type: 'done', bytes: out }, [out.buffer as ArrayBuffer])
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) })
  }
})
