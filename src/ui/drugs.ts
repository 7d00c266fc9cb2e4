/**
 * Drug panel: each drug of components/drugs.ts with what it acts on, a bath concentration (µM,
 * default its usual bath concentration) and an Apply / Wash button. Changes go through
 * systems/drugs.ts (applyDrug, washDrug); the rows follow the world's bath (`drugsApplied`), so a
 * scenario's timeline or a loaded snapshot shows here too.
 */
import { DRUGS, DRUG_NAMES, type DrugName } from '../../components/drugs.ts'
import { applyDrug, drugsApplied, washDrug } from '../../systems/drugs.ts'
import type { App } from './app.ts'

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

export interface DrugsPanel {
  /** Re-read the bath (once per frame; cheap when nothing changed). */
  update(): void
  /** Drugs in the bath as shown. */
  shown(): Record<string, number>
}

const slug = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '-')

export function createDrugsPanel(app: App): DrugsPanel {
  const list = el<HTMLElement>('drug-list')
  const status = el<HTMLElement>('drugs-status')
  const rows = new Map<DrugName, { row: HTMLElement; input: HTMLInputElement; button: HTMLButtonElement }>()
  for (const name of DRUG_NAMES) {
    const d = DRUGS[name]
    const row = document.createElement('div')
    row.className = 'drug-row'
    row.dataset.drug = name
    const label = document.createElement('label')
    label.className = 'drug-name'
    label.htmlFor = `drug-${slug(name)}`
    label.textContent = name
    const small = document.createElement('small')
    small.textContent = d.target
    label.appendChild(small)
    const input = document.createElement('input')
    input.type = 'number'
    input.id = `drug-${slug(name)}`
    input.min = '0'
    input.step = 'any'
    input.value = String(d.bath_uM)
    input.title = `${name} bath concentration in µM (IC50/EC50 ${d.half_uM} µM)`
    input.setAttribute('aria-label', `${name} concentration (µM)`)
    input.style.width = '64px'
    const button = document.createElement('button')
    button.type = 'button'
    button.textContent = 'Apply'
    button.setAttribute('aria-label', `Apply ${name}`)
    button.onclick = () => {
      const sim = app.session.sim
      const t = `t = ${((sim.time.step * sim.time.dt_ms) / 1000).toFixed(3)} s`
      try {
        if (drugsApplied(sim)[name] !== undefined) {
          washDrug(sim, name)
          status.textContent = `${name} washed out at ${t}.`
        } else {
          const c = Number(input.value)
          applyDrug(sim, name, c)
          status.textContent = `${name} ${c} µM applied at ${t}: ${d.target}.`
        }
      } catch (e) {
        status.textContent = e instanceof Error ? e.message : String(e)
      }
      update()
    }
    row.append(label, input, button)
    list.appendChild(row)
    rows.set(name, { row, input, button })
  }

  let seen: unknown = Symbol('never')
  let bath: Record<string, number> = {}
  function update(): void {
    const state = app.session.sim.state.drugs
    if (state === seen) return
    seen = state
    bath = drugsApplied(app.session.sim) as Record<string, number>
    for (const [name, r] of rows) {
      const c = bath[name]
      const on = c !== undefined
      r.row.dataset.on = String(on)
      r.button.textContent = on ? 'Wash' : 'Apply'
      r.button.setAttribute('aria-label', `${on ? 'Wash out' : 'Apply'} ${name}`)
      r.button.setAttribute('aria-pressed', String(on))
      r.input.disabled = on
      if (on) r.input.value = String(c)
    }
  }
  update()
  return { update, shown: () => ({ ...bath }) }
}
