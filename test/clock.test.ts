import { describe, expect, it } from 'vitest'
import { createSim } from '../src/engine/world.ts'
import { fastForward, run, runSteps, SLOW_SYSTEMS } from '../src/engine/pipeline.ts'
import { formatSlow, now_ms, createClock } from '../src/engine/clock.ts'
import { stateHashParts } from '../src/engine/hash.ts'
import { SCENES } from '../scenes/index.ts'

const small = () => SCENES.corticalSheet!({ n: 200, synapsesPerNeuron: 20 })

describe('two clocks', () => {
  it('fast time is an exact step count; slow ticks fall every slowTick_ms and advance slow time by slowTick_ms × timeWarp', () => {
    const sim = createSim({ ...small(), clock: { dt_ms: 0.1, slowTick_ms: 50, timeWarp: 3600 } }, 1)
    expect(sim.time.slowTickSteps).toBe(500)
    runSteps(sim, 499)
    expect(sim.time.slowTicks).toBe(0)
    runSteps(sim, 1)
    expect(sim.time.slowTicks).toBe(1)
    expect(sim.time.slow_ms).toBe(50 * 3600)
    run(sim, 950)
    expect(sim.time.step).toBe(10000)
    expect(now_ms(sim.time)).toBe(1000)
    expect(sim.time.slowTicks).toBe(20)
    expect(sim.time.slow_ms).toBe(1000 * 3600) // one second of spiking = one hour of slow time
    expect(formatSlow(sim.time.slow_ms)).toBe('day 1, 01:00')
  })

  it('fast-forward advances slow time only: no fast step, no spike, no membrane change', () => {
    const sim = createSim(small(), 2)
    run(sim, 200)
    const before = stateHashParts(sim)
    const step = sim.time.step
    const ticks = sim.time.slowTicks
    fastForward(sim, 14 * 24 * 3600 * 1000)
    const after = stateHashParts(sim)
    expect(sim.time.step).toBe(step)
    expect(sim.time.slow_ms).toBeCloseTo(14 * 24 * 3600 * 1000, 3)
    expect(sim.time.slowTicks).toBeGreaterThan(ticks)
    expect(sim.time.slowTicks - ticks).toBeLessThanOrEqual(10000)
    expect(sim.time.fastForward).toBe(false)
    expect(after.stores).toBe(before.stores)
    expect(after.delay).toBe(before.delay)
    expect(after.rng).toBe(before.rng)
    expect(after.clock).not.toBe(before.clock)
    expect(formatSlow(sim.time.slow_ms)).toBe('day 15, 00:00')
  })

  it('slow systems see the fast-forward flag and the tick length', () => {
    const sim = createSim(small(), 3)
    const seen: [boolean, number][] = []
    const spy = (s: typeof sim) => void seen.push([s.time.fastForward, s.time.slowTickDt_ms])
    ;(SLOW_SYSTEMS as ((s: typeof sim) => void)[]).push(spy)
    try {
      fastForward(sim, 8 * 3600 * 1000, 8)
      run(sim, 1000)
    } finally {
      ;(SLOW_SYSTEMS as unknown[]).pop()
    }
    expect(seen.slice(0, 8)).toEqual(Array(8).fill([true, 3600 * 1000]))
    expect(seen[8]).toEqual([false, 1000])
  })

  it('rejects a bad dt and a negative fast-forward', () => {
    expect(() => createClock({ dt_ms: 0 })).toThrow(/dt_ms/)
    expect(() => createClock({ dt_ms: Number.NaN })).toThrow(/dt_ms/)
    const sim = createSim(small(), 4)
    expect(() => fastForward(sim, -1)).toThrow(/≥ 0/)
  })
})
