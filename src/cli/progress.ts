/**
 * A one-line progress bar on stderr, redrawn at most four times a second, for terminals only
 * (nothing is written when stderr is not a TTY: logs and pipes stay clean).
 */
import { formatTime } from '../scenario/units.ts'

export interface Progress {
  update(done: number, total: number, simulated_ms: number, wall_ms: number): void
  end(): void
}

const NONE: Progress = { update() {}, end() {} }

export function createProgress(stream: NodeJS.WriteStream = process.stderr, interval_ms = 250): Progress {
  if (!stream.isTTY) return NONE
  let last = -Infinity
  let drawn = false
  return {
    update(done, total, simulated_ms, wall_ms) {
      if (wall_ms - last < interval_ms && done < total) return
      last = wall_ms
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50))
      const f = total > 0 ? done / total : 1
      const full = Math.round(f * width)
      const eta = f > 0 && f < 1 ? `, ${formatTime((wall_ms * (1 - f)) / f, 2)} left` : ''
      stream.write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}%  ${formatTime(simulated_ms, 3)} simulated${eta}\x1b[K`)
      drawn = true
    },
    end() {
      if (drawn) stream.write('\r\x1b[K')
    },
  }
}
