/**
 * The browser part of `npm run bench`: bench/render.ts (the CPU time to prepare a frame of the
 * tissue view for 20 000 somata and 100 000 synapses, in headless Chromium) run as a child process
 * after the engine benchmark, its report appended. Skipped, with a line saying why, where Debian's
 * Chromium is not installed (`apt-get install -y chromium`; .ci/run installs it) or with --no-render.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('../../bench/render.ts', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function renderBench(): string {
  if (!existsSync(CHROMIUM)) return `Render benchmark skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium).\n`
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT], { encoding: 'utf8', timeout: 900_000 })
  if (r.status !== 0) return `Render benchmark failed (exit ${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}\n`
  return `## Render benchmark (bench/render.ts, headless Chromium)\n\n${r.stdout.trim()}\n`
}
