/**
 * UTF-8 encode/decode without TextEncoder/TextDecoder (not in the ES2022 library the simulation
 * code compiles against). Used for snapshot headers.
 */
export function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3)
  let n = 0
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i)
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1)
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
        i++
      }
    }
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd // lone surrogate
    if (cp < 0x80) out[n++] = cp
    else if (cp < 0x800) {
      out[n++] = 0xc0 | (cp >> 6)
      out[n++] = 0x80 | (cp & 63)
    } else if (cp < 0x10000) {
      out[n++] = 0xe0 | (cp >> 12)
      out[n++] = 0x80 | ((cp >> 6) & 63)
      out[n++] = 0x80 | (cp & 63)
    } else {
      out[n++] = 0xf0 | (cp >> 18)
      out[n++] = 0x80 | ((cp >> 12) & 63)
      out[n++] = 0x80 | ((cp >> 6) & 63)
      out[n++] = 0x80 | (cp & 63)
    }
  }
  return out.slice(0, n)
}

export function utf8Decode(b: Uint8Array): string {
  const parts: string[] = []
  let units: number[] = []
  for (let i = 0; i < b.length; ) {
    const x = b[i]!
    const need = x < 0x80 ? 0 : x >= 0xc2 && x < 0xe0 ? 1 : x >= 0xe0 && x < 0xf0 ? 2 : x >= 0xf0 && x < 0xf5 ? 3 : -1
    if (need < 0 || i + need >= b.length) throw new Error(`invalid UTF-8 at byte ${i}`)
    let cp = need === 0 ? x : x & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const y = b[i + k]!
      if ((y & 0xc0) !== 0x80) throw new Error(`invalid UTF-8 at byte ${i + k}`)
      cp = (cp << 6) | (y & 63)
    }
    if ((need === 2 && cp < 0x800) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp < 0xe000))
      throw new Error(`invalid UTF-8 at byte ${i}`)
    if (cp < 0x10000) units.push(cp)
    else units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff))
    i += need + 1
    if (units.length >= 8192) {
      parts.push(String.fromCharCode(...units))
      units = []
    }
  }
  parts.push(String.fromCharCode(...units))
  return parts.join('')
}
