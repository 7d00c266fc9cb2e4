/**
 * Quantities with units, as scenario files write them: "500 ms", "2 s", "1.5 min", "100 Hz".
 *
 * A quantity is a decimal number, optional whitespace, and a unit of the expected dimension; the
 * value is converted to the engine's unit (ms for time, Hz for frequency). A bare number is never a
 * quantity — "2" could mean 2 ms or 2 s, so the file must say which. Each dimension also has a
 * regular expression, used by the schema (src/scenario/schema.ts) so that the exported JSON Schema
 * can check quantities too.
 *
 * | dimension | engine unit | units accepted                        |
 * |-----------|-------------|---------------------------------------|
 * | time      | ms          | ms, s, min, h, d                      |
 * | frequency | Hz          | Hz, kHz                               |
 * | concentration | µM      | nM, uM, µM, mM                        |
 */

export interface Dimension {
  readonly name: string
  /** Unit → factor to the engine unit. */
  readonly units: Readonly<Record<string, number>>
  /** An example for messages. */
  readonly example: string
}

export const TIME: Dimension = { name: 'time', units: { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }, example: '500 ms' }
export const FREQUENCY: Dimension = { name: 'frequency', units: { Hz: 1, kHz: 1000 }, example: '100 Hz' }
export const CONCENTRATION: Dimension = { name: 'concentration', units: { nM: 0.001, uM: 1, 'µM': 1, mM: 1000 }, example: '50 uM' }

const NUMBER = '(\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?'

/** Regular expression source of a quantity of `dim`; `signed` allows a leading minus sign. */
export function quantityPattern(dim: Dimension, signed = false): string {
  const units = Object.keys(dim.units).join('|')
  return `^\\s*${signed ? '[+-]?' : '\\+?'}${NUMBER}\\s*(?:${units})\\s*$`
}

/** Human description of what a quantity of `dim` looks like (for error messages). */
export function quantityHint(dim: Dimension, signed = false): string {
  return `expected a ${signed ? 'signed ' : ''}${dim.name} with a unit, e.g. "${dim.example}" (units: ${Object.keys(dim.units).join(', ')})`
}

const SPLIT = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([^\s\d.+-][^\s]*)\s*$/

/** Value of a quantity in the engine unit of `dim`; throws an Error with a readable reason. */
export function parseQuantity(text: string, dim: Dimension, signed = false): number {
  const m = SPLIT.exec(text)
  if (!m) throw new Error(`${quantityHint(dim, signed)}, got ${JSON.stringify(text)}`)
  const value = Number(m[1])
  const factor = dim.units[m[2]!]
  if (factor === undefined) throw new Error(`unknown ${dim.name} unit "${m[2]}" (units: ${Object.keys(dim.units).join(', ')})`)
  if (!signed && value < 0) throw new Error(`${dim.name} must not be negative, got ${JSON.stringify(text)}`)
  if (!Number.isFinite(value)) throw new Error(`${JSON.stringify(text)} is not a finite number`)
  return value * factor
}

export const parseTime_ms = (text: string, signed = false): number => parseQuantity(text, TIME, signed)
export const parseFrequency_Hz = (text: string): number => parseQuantity(text, FREQUENCY)

/** 1500 → "1.5 s": the largest unit in which the value is ≥ 1 (for messages and reports). */
export function formatTime(ms: number, digits = 6): string {
  if (!Number.isFinite(ms)) return String(ms)
  const a = Math.abs(ms)
  const [unit, f] = a >= 86_400_000 ? ['d', 86_400_000] : a >= 3_600_000 ? ['h', 3_600_000] : a >= 60_000 ? ['min', 60_000] : a >= 1000 ? ['s', 1000] : ['ms', 1]
  return `${Number((ms / (f as number)).toPrecision(digits))} ${unit}`
}
