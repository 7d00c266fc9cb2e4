/**
 * The legend (every colour and shape the tissue view uses, from the view's own colour constants, so
 * it cannot drift from the drawing) and the keyboard shortcut list (from hud.ts KEYS).
 */
import {
  ELECTRODE_CURRENT_RGB, ELECTRODE_SPIKE_RGB, MODULATOR_RGB, SELECTION_RGB, SPIKE_RGB, SYN_ACTIVE_RGB, SYN_EXC_RGB, SYN_INH_RGB, voltageGradientCss, V_MAX_mV, V_MIN_mV,
} from '../view/colors.ts'
import { LOD_CIRCUIT_PX, LOD_SYNAPSE_PX } from '../view/layers/layer.ts'
import { KEYS } from './hud.ts'

const css = (rgb: number) => `#${rgb.toString(16).padStart(6, '0')}`

/** [id, swatch HTML, explanation]. */
export function legendEntries(): [string, string, string][] {
  return [
    ['voltage', `<span class="vbar" style="width:22px;background:${voltageGradientCss()}"></span>`, `Cell colour: membrane potential, ${V_MIN_mV} mV (indigo) → rest (blue) → threshold (green) → ${V_MAX_mV} mV (red)`],
    ['spike', `<span class="dot" style="background:${css(SPIKE_RGB)};width:12px;height:12px"></span>`, 'White flash and swelling: the cell fired an action potential'],
    ['excitatory', `<span class="tri" style="border-bottom-color:${css(0x3a6fd8)}"></span>`, 'Triangle: excitatory (pyramidal, glutamatergic) cell'],
    ['inhibitory', `<span class="dot" style="background:${css(0x3a6fd8)}"></span>`, 'Circle: inhibitory (GABAergic) interneuron'],
    ['synExc', `<span class="ln" style="background:${css(SYN_EXC_RGB)}"></span>`, 'Orange line: excitatory synapse (AMPA + NMDA), presynaptic → postsynaptic cell; more opaque = stronger'],
    ['synInh', `<span class="ln" style="background:${css(SYN_INH_RGB)}"></span>`, 'Blue line: inhibitory synapse (GABA_A)'],
    ['synActive', `<span class="ln" style="background:${css(SYN_ACTIVE_RGB)};height:3px"></span>`, 'Pale glow along lines: the presynaptic cell just fired — the synapses are transmitting'],
    ['bouton', `<span class="dot" style="background:${css(SYN_EXC_RGB)};width:6px;height:6px"></span>`, 'Close up: each synapse as a dot (bouton) near its postsynaptic cell, coloured like its line, brighter = stronger; click one to inspect it'],
    ['electrode', `<span class="diamond" style="background:${css(ELECTRODE_SPIKE_RGB)}"></span>`, 'Yellow diamond and ring: stimulating electrode (extracellular, makes its targets fire) and its radius of effect; it flashes on each pulse'],
    ['electrodeCurrent', `<span class="diamond" style="background:${css(ELECTRODE_CURRENT_RGB)}"></span>`, 'Magenta: current-injection electrode'],
    ['modulators', `<span class="dot" style="background:${css(MODULATOR_RGB[0]!)};opacity:0.7"></span><span class="dot" style="background:${css(MODULATOR_RGB[1]!)};opacity:0.7"></span><span class="dot" style="background:${css(MODULATOR_RGB[2]!)};opacity:0.7"></span>`, 'Soft clouds: neuromodulators spreading from where they were released — mint dopamine, violet acetylcholine, amber noradrenaline; denser = more receptors occupied'],
    ['selection', `<span class="ring" style="border-color:${css(SELECTION_RGB)}"></span>`, 'Cyan ring: the cell or synapse shown in the Inspector (a selected synapse’s line is cyan too)'],
    ['outline', `<span class="ln" style="background:#2a3344;height:10px;width:14px;border:1px solid #5a6a88"></span>`, 'Grey frame: the edge of the tissue'],
    ['lod', '<span aria-hidden="true">🔍</span>', `Level of detail: zoomed out (cells < ${LOD_CIRCUIT_PX} px apart) only cells and activity are drawn; zoomed in (cells ≥ ${LOD_SYNAPSE_PX} px apart) individual synapses appear`],
  ]
}

export function renderLegend(): void {
  const list = document.getElementById('legend-list')
  if (list) {
    list.replaceChildren(
      ...legendEntries().map(([id, swatch, text]) => {
        const li = document.createElement('li')
        li.dataset.legend = id
        const sw = document.createElement('span')
        sw.className = 'sw'
        sw.setAttribute('aria-hidden', 'true')
        sw.innerHTML = swatch
        const t = document.createElement('span')
        t.textContent = text
        li.append(sw, t)
        return li
      }),
    )
  }
  const keys = document.getElementById('keys')
  if (keys) {
    keys.replaceChildren(
      ...KEYS.flatMap(([k, what]) => {
        const dt = document.createElement('dt')
        dt.textContent = k
        const dd = document.createElement('dd')
        dd.textContent = what
        return [dt, dd]
      }),
    )
  }
}
