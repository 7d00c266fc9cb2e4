/**
 * Command-line flags: `--name value`, `--name=value` and boolean `--name`; positionals in order.
 * Unknown flags, missing values, repeated flags and bad numbers are `UsageError`s (exit code 2).
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface FlagSpec {
  /** Takes a value (else boolean). */
  value?: boolean
}

export interface Parsed {
  flags: Map<string, string | true>
  positionals: string[]
}

export function parseArgs(argv: readonly string[], spec: Record<string, FlagSpec>, command: string): Parsed {
  const flags = new Map<string, string | true>()
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, '')
    const key = name === 'h' ? 'help' : name
    const s = spec[key]
    if (!s || (!arg.startsWith('--') && name !== 'h')) throw new UsageError(`unknown option ${eq >= 0 ? arg.slice(0, eq) : arg} (see \`neuroplast ${command} --help\`)`)
    if (flags.has(key)) throw new UsageError(`--${key} is given twice`)
    if (s.value) {
      let v: string | undefined
      if (eq >= 0) v = arg.slice(eq + 1)
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) v = argv[++i]
      if (v === undefined || v === '') throw new UsageError(`--${key} needs a value`)
      flags.set(key, v)
    } else {
      if (eq >= 0) throw new UsageError(`--${key} takes no value`)
      flags.set(key, true)
    }
  }
  return { flags, positionals }
}

export function stringFlag(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name)
  return typeof v === 'string' ? v : undefined
}

/** A non-negative integer below 2³² (seeds). */
export function intFlag(p: Parsed, name: string): number | undefined {
  const v = stringFlag(p, name)
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) > 2 ** 32 - 1) throw new UsageError(`--${name} must be a whole number from 0 to ${2 ** 32 - 1}, got "${v}"`)
  return Number(v)
}

/** A positive finite number. */
export function positiveFlag(p: Parsed, name: string): number | undefined {
  const v = stringFlag(p, name)
  if (v === undefined) return undefined
  const x = Number(v)
  if (!/^\s*[0-9.eE+]+\s*$/.test(v) || !Number.isFinite(x) || x <= 0) throw new UsageError(`--${name} must be a positive number, got "${v}"`)
  return x
}

/** True when the module at `metaUrl` is the script Node was started with (not merely imported). */
export function isEntry(metaUrl: string): boolean {
  const script = process.argv[1]
  if (!script) return false
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(metaUrl))
  } catch {
    return false
  }
}
