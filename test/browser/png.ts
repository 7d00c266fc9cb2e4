/**
 * Minimal PNG reader for test screenshots (Chromium writes 8-bit RGB/RGBA, non-interlaced), and
 * pixel counts over the decoded image. Node only (zlib).
 */
import { inflateSync } from 'node:zlib'

export interface Rgba {
  width: number
  height: number
  /** RGBA, 4 bytes per pixel, rows top to bottom. */
  data: Uint8Array
}

export function decodePng(png: Uint8Array): Rgba {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('decodePng: not a PNG')
  let off = 8
  let width = 0
  let height = 0
  let colorType = 0
  const idat: Buffer[] = []
  while (off < buf.length) {
    const len = buf.readUInt32BE(off)
    const type = buf.toString('latin1', off + 4, off + 8)
    const body = buf.subarray(off + 8, off + 8 + len)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      const depth = body[8]
      colorType = body[9]!
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || body[12] !== 0)
        throw new Error(`decodePng: unsupported PNG (depth ${depth}, colour type ${colorType}, interlace ${body[12]})`)
    } else if (type === 'IDAT') idat.push(body)
    else if (type === 'IEND') break
    off += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const bpp = colorType === 6 ? 4 : 3
  const stride = width * bpp
  const out = new Uint8Array(width * height * 4)
  const prev = new Uint8Array(stride)
  const cur = new Uint8Array(stride)
  let p = 0
  for (let y = 0; y < height; y++) {
    const filter = raw[p++]!
    for (let i = 0; i < stride; i++) {
      const x = raw[p++]!
      const a = i >= bpp ? cur[i - bpp]! : 0
      const b = prev[i]!
      const c = i >= bpp ? prev[i - bpp]! : 0
      let v: number
      if (filter === 0) v = x
      else if (filter === 1) v = x + a
      else if (filter === 2) v = x + b
      else if (filter === 3) v = x + ((a + b) >> 1)
      else if (filter === 4) {
        const pa = Math.abs(b - c)
        const pb = Math.abs(a - c)
        const pc = Math.abs(a + b - 2 * c)
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
      } else throw new Error(`decodePng: bad filter ${filter}`)
      cur[i] = v & 0xff
    }
    for (let xg = 0; xg < width; xg++) {
      const o = (y * width + xg) * 4
      out[o] = cur[xg * bpp]!
      out[o + 1] = cur[xg * bpp + 1]!
      out[o + 2] = cur[xg * bpp + 2]!
      out[o + 3] = bpp === 4 ? cur[xg * bpp + 3]! : 255
    }
    prev.set(cur)
  }
  return { width, height, data: out }
}

/** Pixels whose colour differs from `rgb` (0xRRGGBB) by more than `tol` in some channel. */
export function countNot(img: Rgba, rgb: number, tol = 24): number {
  const r = (rgb >> 16) & 0xff
  const g = (rgb >> 8) & 0xff
  const b = rgb & 0xff
  let n = 0
  const d = img.data
  for (let i = 0; i < d.length; i += 4)
    if (Math.abs(d[i]! - r) > tol || Math.abs(d[i + 1]! - g) > tol || Math.abs(d[i + 2]! - b) > tol) n++
  return n
}

/** Pixels that differ between two images of the same size by more than `tol` in some channel. */
export function countDiff(a: Rgba, b: Rgba, tol = 8): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('countDiff: sizes differ')
  let n = 0
  for (let i = 0; i < a.data.length; i += 4)
    if (
      Math.abs(a.data[i]! - b.data[i]!) > tol ||
      Math.abs(a.data[i + 1]! - b.data[i + 1]!) > tol ||
      Math.abs(a.data[i + 2]! - b.data[i + 2]!) > tol
    )
      n++
  return n
}

/** Pixels close to `rgb` (within `tol` in every channel). */
export function countNear(img: Rgba, rgb: number, tol = 40): number {
  return img.width * img.height - countNot(img, rgb, tol)
}
