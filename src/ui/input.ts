/**
 * Pointer input on the tissue canvas: drag to pan, wheel to zoom (about the pointer), two-finger
 * pinch to zoom and pan (pointer events, so touch screens and pens work as mice do), and click to
 * pick. A tool may claim a drag that starts on something it owns (an electrode tip: the tools panel
 * moves the electrode) — then the drag moves that instead of the camera.
 */
import type { View } from '../view/view.ts'

/** Movement (CSS px) below which a press-and-release counts as a click, not a drag. */
const CLICK_SLOP_PX = 5
/** Zoom factor per wheel pixel (deltaY 100 ≈ one notch ≈ ×1.16). */
const WHEEL_ZOOM_PER_PX = 0.0015

export interface InputHandlers {
  /** A click (not a drag) at canvas point (sx, sy). */
  click(sx: number, sy: number): void
  /** A one-pointer drag starts at (sx, sy): return true to take it (then dragMove/dragEnd follow). */
  dragStart?(sx: number, sy: number): boolean
  dragMove?(sx: number, sy: number): void
  dragEnd?(): void
}

export function bindInput(view: View, h: InputHandlers): () => void {
  const canvas = view.app.canvas
  canvas.style.touchAction = 'none'
  const pointers = new Map<number, { x: number; y: number }>()
  let downAt: { x: number; y: number } | null = null
  let moved = false
  let toolDrag = false
  let pinch: { d: number; mx: number; my: number } | null = null

  const local = (e: PointerEvent | WheelEvent) => {
    const r = canvas.getBoundingClientRect()
    return { x: e.clientX - r.left, y: e.clientY - r.top }
  }
  const pinchState = () => {
    const [a, b] = [...pointers.values()]
    return { d: Math.hypot(a!.x - b!.x, a!.y - b!.y), mx: (a!.x + b!.x) / 2, my: (a!.y + b!.y) / 2 }
  }

  const onDown = (e: PointerEvent) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return
    const p = local(e)
    pointers.set(e.pointerId, p)
    try {
      canvas.setPointerCapture(e.pointerId)
    } catch {
      // synthetic pointers (tests) cannot be captured; nothing is lost
    }
    if (pointers.size === 1) {
      downAt = p
      moved = false
      toolDrag = h.dragStart?.(p.x, p.y) ?? false
      if (toolDrag) canvas.style.cursor = 'grabbing'
    } else if (pointers.size === 2) {
      if (toolDrag) h.dragEnd?.()
      toolDrag = false
      moved = true // a pinch is never a click
      pinch = pinchState()
    }
  }

  const onMove = (e: PointerEvent) => {
    const prev = pointers.get(e.pointerId)
    if (!prev) return
    const p = local(e)
    pointers.set(e.pointerId, p)
    if (pointers.size >= 2 && pinch) {
      const now = pinchState()
      if (pinch.d > 0 && now.d > 0) view.zoomAt(now.d / pinch.d, now.mx, now.my)
      view.panBy(now.mx - pinch.mx, now.my - pinch.my)
      pinch = now
      return
    }
    if (downAt && !moved && Math.hypot(p.x - downAt.x, p.y - downAt.y) > CLICK_SLOP_PX) moved = true
    if (!moved) return
    if (toolDrag) h.dragMove?.(p.x, p.y)
    else {
      view.panBy(p.x - prev.x, p.y - prev.y)
      canvas.style.cursor = 'grabbing'
    }
  }

  const onUp = (e: PointerEvent) => {
    if (!pointers.has(e.pointerId)) return
    const p = local(e)
    pointers.delete(e.pointerId)
    if (pointers.size < 2) pinch = null
    if (pointers.size > 0) {
      // One finger of a pinch lifted: the other may pan on, but never clicks.
      const [rest] = [...pointers.values()]
      downAt = rest!
      return
    }
    canvas.style.cursor = ''
    if (toolDrag) h.dragEnd?.()
    if (!moved && e.type === 'pointerup') h.click(p.x, p.y)
    toolDrag = false
    downAt = null
  }

  const onWheel = (e: WheelEvent) => {
    e.preventDefault()
    const p = local(e)
    const px = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY
    view.zoomAt(Math.exp(-px * WHEEL_ZOOM_PER_PX), p.x, p.y)
  }

  canvas.addEventListener('pointerdown', onDown)
  canvas.addEventListener('pointermove', onMove)
  canvas.addEventListener('pointerup', onUp)
  canvas.addEventListener('pointercancel', onUp)
  canvas.addEventListener('wheel', onWheel, { passive: false })
  return () => {
    canvas.removeEventListener('pointerdown', onDown)
    canvas.removeEventListener('pointermove', onMove)
    canvas.removeEventListener('pointerup', onUp)
    canvas.removeEventListener('pointercancel', onUp)
    canvas.removeEventListener('wheel', onWheel)
  }
}
