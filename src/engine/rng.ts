/**
 * Named random streams. Every system draws from its own stream, seeded from the world seed and the
 * stream's name, so adding a draw in one system never shifts another's sequence. Streams are Alea
 * generators (Baagøe), whose state is four doubles: cheap to snapshot and restore exactly, and
 * bit-identical in Node and in browsers (pure IEEE double arithmetic). Deviates use the deterministic
 * `log` of detmath.ts, never Math.log/cos, whose last bit differs between JavaScript engines.
 */
import seedrandom from 'seedrandom'
import { log } from './detmath.ts'

export interface AleaState {
  c: number
  s0: number
  s1: number
  s2: number
}

export interface Stream {
  readonly name: string
  /** Uniform in [0, 1). */
  next: () => number
  state: () => AleaState
}

export interface RngStreams {
  readonly seed: string
  readonly streams: Map<string, Stream>
}

export function createRng(seed: number | string): RngStreams {
  return { seed: String(seed), streams: new Map() }
}

function makeStream(rng: RngStreams, name: string, state?: AleaState): Stream {
  const prng = seedrandom.alea(`${rng.seed}/${name}`, { state: state ? { ...state } : true })
  return { name, next: prng, state: () => prng.state() as AleaState }
}

/** The stream called `name`, created on first use. */
export function stream(rng: RngStreams, name: string): Stream {
  let s = rng.streams.get(name)
  if (!s) {
    s = makeStream(rng, name)
    rng.streams.set(name, s)
  }
  return s
}

export function restoreStream(rng: RngStreams, name: string, state: AleaState): void {
  rng.streams.set(name, makeStream(rng, name, state))
}

/**
 * Standard normal deviate: Marsaglia's polar method (no trigonometry, so only the deterministic
 * `log` and the correctly rounded `Math.sqrt` are used). The second deviate of each accepted pair is
 * discarded, so the stream's state is all there is to save.
 */
export function normal(s: Stream): number {
  for (;;) {
    const u = 2 * s.next() - 1
    const v = 2 * s.next() - 1
    const q = u * u + v * v
    if (q > 0 && q < 1) return u * Math.sqrt((-2 * log(q)) / q)
  }
}

/** Exponential deviate with the given mean. */
export function exponential(s: Stream, mean: number): number {
  let u = s.next()
  while (u <= 0) u = s.next()
  return -log(u) * mean
}

/** Integer in [0, n). */
export function randInt(s: Stream, n: number): number {
  return Math.floor(s.next() * n)
}
