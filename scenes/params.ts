/**
 * Reading scene parameters: every builder takes a plain object (from a scenario file, a URL or the
 * page) and reads each field through these helpers, which apply the default and reject a value of
 * the wrong type or out of range with a message naming the field.
 */
export type SceneParams = Record<string, unknown>

export class SceneParamError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`scene parameter "${field}": ${message}`)
  }
}

export function num(p: SceneParams, field: string, dflt: number, min = -Infinity, max = Infinity): number {
  const v = p[field]
  if (v === undefined) return dflt
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SceneParamError(field, `expected a number, got ${JSON.stringify(v)}`)
  if (v < min || v > max) throw new SceneParamError(field, `${v} is outside [${min}, ${max}]`)
  return v
}

export function str<T extends string>(p: SceneParams, field: string, dflt: T, allowed: readonly T[]): T {
  const v = p[field]
  if (v === undefined) return dflt
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw new SceneParamError(field, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`)
  return v as T
}

/** Reject fields the builder does not know (a typo must not silently fall back to a default). */
export function known(p: SceneParams, fields: readonly string[]): void {
  for (const k of Object.keys(p)) if (!fields.includes(k)) throw new SceneParamError(k, `unknown parameter (known: ${fields.join(', ')})`)
}
