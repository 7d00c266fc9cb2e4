/**
 * Limits of this machine, measured from JavaScript (typed arrays, one thread), for the rooflines:
 *   stream   sequential read of a 256 MB Float64Array (8 accumulators), bytes/s — the bound of
 *            static spike delivery, which streams each synapse's target index and weight;
 *   rmw      random read-modify-write `a[idx[k]] += 1` into a 256 MB Float32Array with a streamed
 *            index array, updates/s — the bound of the postsynaptic (LTP) path of STDP.
 * Best of `reps` repetitions (the least disturbed by other work). Runs in its own process:
 *   node --import tsx bench/probes.ts        → one JSON line (ProbeResult)
 */

export interface ProbeResult {
  stream_Bps: number
  rmw_per_s: number
  bytes: number
  reps: number
}

function streamRead(a: Float64Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0
  const n = a.length - (a.length % 8)
  for (let i = 0; i < n; i += 8) {
    s0 += a[i]!
    s1 += a[i + 1]!
    s2 += a[i + 2]!
    s3 += a[i + 3]!
    s4 += a[i + 4]!
    s5 += a[i + 5]!
    s6 += a[i + 6]!
    s7 += a[i + 7]!
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7
}

function rmw(a: Float32Array, idx: Uint32Array): void {
  for (let k = 0; k < idx.length; k++) a[idx[k]!]! += 1
}

/** xorshift32: a fast, fixed index sequence (no need for quality here). */
function randomIndices(count: number, range: number): Uint32Array {
  const out = new Uint32Array(count)
  let x = 2463534242
  for (let k = 0; k < count; k++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[k] = (x >>> 0) % range
  }
  return out
}

export function runProbes(bytes = 256 * 1024 * 1024, reps = 5): ProbeResult {
  const a = new Float64Array(bytes / 8)
  for (let i = 0; i < a.length; i++) a[i] = i & 7
  let sink = 0
  let bestStream = Infinity
  for (let r = 0; r < reps + 1; r++) {
    const t0 = performance.now()
    sink += streamRead(a)
    const ms = performance.now() - t0
    if (r > 0) bestStream = Math.min(bestStream, ms) // r = 0 warms the JIT and the pages
  }
  const target = new Float32Array(bytes / 4)
  const updates = 1 << 24
  const idx = randomIndices(updates, target.length)
  let bestRmw = Infinity
  for (let r = 0; r < reps + 1; r++) {
    const t0 = performance.now()
    rmw(target, idx)
    const ms = performance.now() - t0
    if (r > 0) bestRmw = Math.min(bestRmw, ms)
  }
  if (sink === -1 || target[idx[0]!] === -1) throw new Error('unreachable') // keep the work observable
  return { stream_Bps: a.byteLength / (bestStream / 1000), rmw_per_s: updates / (bestRmw / 1000), bytes, reps }
}

if (process.argv[1]?.endsWith('bench/probes.ts')) process.stdout.write(JSON.stringify(runProbes()) + '\n')
