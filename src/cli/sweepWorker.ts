/**
 * A worker thread of `neuroplast sweep` (src/cli/sweep.ts): takes jobs — a scenario's text (the file
 * with the sweep's parameter values written in), its file name and a seed — runs each exactly as
 * `neuroplast run` would (parseScenario → createRun → advance to the end → summary), and posts the
 * summary back. A run that throws is reported as an error message; the worker carries on.
 *
 * Messages in:  SweepJob, or null (no more work: exit).
 * Messages out: { type: 'progress', id, done, total } a few times a second during a run,
 *               { type: 'done', id, summary } or { type: 'error', id, message } at its end.
 *
 * Started by sweep.ts through a bootstrap that registers tsx first (worker threads do not inherit
 * the main thread's TypeScript loader).
 */
import { parentPort } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { parseScenario } from '../scenario/parse.ts'
import { createRun, type Summary } from '../scenario/runner.ts'
import { SCENES } from '../../scenes/index.ts'

export interface SweepJob {
  id: number
  /** The scenario file's text with this run's parameter values written in. */
  text: string
  /** The scenario file's name (for messages and summary.file). */
  file: string
  /** Overrides the file's seed (undefined: the file's, as `neuroplast run` without --seed). */
  seed?: number
  duration_ms?: number
}

export type SweepMessage =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; summary: Summary }
  | { type: 'error'; id: number; message: string }

/** Run one job as `neuroplast run` does; `progress` is called now and then with steps done / total. */
export function runJob(job: SweepJob, progress: (done: number, total: number) => void = () => {}): Summary {
  const scenario = parseScenario(job.text, job.file)
  const run = createRun(scenario, { scenes: SCENES, ...(job.seed !== undefined ? { seed: job.seed } : {}), ...(job.duration_ms !== undefined ? { duration_ms: job.duration_ms } : {}) })
  const t0 = performance.now()
  let last = t0
  let chunk = 100
  while (!run.done) {
    const c0 = performance.now()
    run.advance(chunk)
    const now = performance.now()
    chunk = Math.max(1, Math.min(1e6, Math.round(now - c0 > 0 ? (chunk * 50) / (now - c0) : chunk * 2)))
    if (now - last > 200) {
      last = now
      progress(run.stepsDone, run.totalSteps)
    }
  }
  return run.summary(Math.round((performance.now() - t0) * 10) / 10)
}

const port = parentPort
if (port) {
  port.on('message', (job: SweepJob | null) => {
    if (job === null) {
      port.close()
      return
    }
    let msg: SweepMessage
    try {
      const summary = runJob(job, (done, total) => port.postMessage({ type: 'progress', id: job.id, done, total } satisfies SweepMessage))
      msg = { type: 'done', id: job.id, summary }
    } catch (e) {
      msg = { type: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) }
    }
    port.postMessage(msg)
  })
}
