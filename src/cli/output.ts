/**
 * Writing results without leaving anything half-done: every file is first written under a
 * temporary name next to its destination and renamed into place only when all of them are
 * complete (a rename within a directory is atomic). If anything fails, the temporaries are removed.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

export interface OutFile {
  path: string
  data: string | Uint8Array
}

export function writeAllOrNothing(files: readonly OutFile[]): void {
  const temps: { tmp: string; path: string }[] = []
  try {
    for (const f of files) {
      mkdirSync(dirname(resolve(f.path)), { recursive: true })
      const tmp = join(dirname(resolve(f.path)), `.${Date.now().toString(36)}-${process.pid}-${temps.length}.tmp`)
      temps.push({ tmp, path: f.path })
      writeFileSync(tmp, f.data)
    }
    for (const t of temps) renameSync(t.tmp, t.path)
  } catch (e) {
    for (const t of temps) rmSync(t.tmp, { force: true })
    throw e
  }
}

/** Why `path` cannot be a directory to write into (undefined when it can, or does not exist yet). */
export function notADirectory(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? undefined : 'exists and is not a directory'
  } catch {
    return undefined
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** A probe name as a file name (letters, digits, _ . -). */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_') || '_'
}
