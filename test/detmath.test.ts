import { describe, expect, it } from 'vitest'
import { exp, log } from '../src/engine/detmath.ts'

/** Distance in units in the last place between two doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (a === b) return 0
  const fa = new Float64Array([a, b])
  const ia = new BigInt64Array(fa.buffer)
  const d = ia[0]! - ia[1]!
  return Number(d < 0n ? -d : d)
}

function sample(n: number, lo: number, hi: number): number[] {
  // Deterministic spread of points, including awkward ones near reduction boundaries.
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(lo + ((hi - lo) * ((i * 0.6180339887498949) % 1)))
  return out
}

describe('deterministic exp and log (fdlibm ports)', () => {
  it('exp is within 1 ulp of Math.exp over the range the simulation uses and beyond', () => {
    let worst = 0
    for (const x of [...sample(20000, -50, 50), ...sample(5000, -745, 709.7), ...sample(2000, -1e-6, 1e-6)]) {
      worst = Math.max(worst, ulps(exp(x), Math.exp(x)))
    }
    expect(worst).toBeLessThanOrEqual(1)
  })

  it('exp handles the special cases as IEEE-754 wants', () => {
    expect(exp(0)).toBe(1)
    expect(exp(-0)).toBe(1)
    expect(ulps(exp(1), Math.E)).toBeLessThanOrEqual(1) // fdlibm is < 1 ulp, not always correctly rounded
    expect(exp(Infinity)).toBe(Infinity)
    expect(exp(-Infinity)).toBe(0)
    expect(exp(Number.NaN)).toBeNaN()
    expect(exp(710)).toBe(Infinity)
    expect(exp(-746)).toBe(0)
    expect(exp(709.78)).toBeGreaterThan(1e308)
    expect(exp(-740)).toBeGreaterThan(0) // subnormal result
    expect(ulps(exp(-740), Math.exp(-740))).toBeLessThanOrEqual(1)
  })

  it('log is within 1 ulp of Math.log, including subnormals and values near 1', () => {
    let worst = 0
    const xs = [...sample(20000, 1e-6, 1e6), ...sample(2000, 0.999999, 1.000001), ...sample(100, 1e-310, 1e-300)]
    for (const x of xs) worst = Math.max(worst, ulps(log(x), Math.log(x)))
    expect(worst).toBeLessThanOrEqual(1)
  })

  it('log handles the special cases', () => {
    expect(log(1)).toBe(0)
    expect(log(0)).toBe(-Infinity)
    expect(log(-1)).toBeNaN()
    expect(log(Infinity)).toBe(Infinity)
    expect(log(Number.NaN)).toBeNaN()
    expect(log(Math.E)).toBeCloseTo(1, 15)
    expect(log(2)).toBe(Math.LN2)
  })
})

describe('simulation code uses only deterministic math', () => {
  it('no Math.exp/log/pow/trig in components, systems, scenes, engine or scenario code', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs')
    const { join } = await import('node:path')
    const root = new URL('..', import.meta.url).pathname
    // Analysis of recorded output (not world state) may use Math freely.
    const allowed = new Set(['src/engine/detmath.ts', 'src/engine/spectrum.ts'])
    const offenders: string[] = []
    const walk = (dir: string): void => {
      for (const name of readdirSync(join(root, dir))) {
        const rel = `${dir}/${name}`
        if (statSync(join(root, rel)).isDirectory()) walk(rel)
        else if (rel.endsWith('.ts') && !allowed.has(rel)) {
          const text = readFileSync(join(root, rel), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
          const m = text.match(/Math\.(exp|log|log1p|log2|log10|expm1|pow|cos|sin|tan|acos|asin|atan|atan2|cosh|sinh|tanh|cbrt|hypot)\b/)
          if (m) offenders.push(`${rel}: ${m[0]}`)
        }
      }
    }
    for (const dir of ['components', 'systems', 'scenes', 'src/engine', 'src/scenario']) walk(dir)
    expect(offenders).toEqual([])
  })
})
