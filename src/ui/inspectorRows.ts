/**
 * What the inspector lists for a neuron or a synapse: named rows (population, cell type, receptor,
 * pathway, plasticity rule …) and then every store the entity belongs to, field by field
 * (`Store.field`), so mechanisms that arrive later show up without changes here. A synapse store
 * whose `rule` field is 0 (its mechanism is off for that synapse) is left out.
 */
import { hasComponent } from 'bitecs'
import { IZH_TYPE_NAMES, MODEL_IZHIKEVICH } from '../../components/neuron.ts'
import { MODEL_SOURCE } from '../../components/spikeSource.ts'
import { RECEPTOR_NAMES } from '../../components/synapse.ts'
import { BITECS_COMPONENTS, SYNAPSE_COMPONENTS, type ComponentName, type Sim } from '../engine/world.ts'
import { activityRate_Hz } from '../../systems/membraneCache.ts'

/** 4 significant digits, plain for ordinary magnitudes. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x)
  const a = Math.abs(x)
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3)
  return String(Number(x.toPrecision(4)))
}

/** A neuron's synapse counts, recounted when the synapse set changes. */
export interface DegreeCache {
  neuron: number
  in: number
  out: number
  at: number
}

function degree(sim: Sim, n: number, cache: DegreeCache): void {
  const S = sim.components.Synapse
  let i = 0
  let o = 0
  for (let s = 1; s < S.alive.length; s++) {
    if (S.alive[s] === 0) continue
    if (S.post[s] === n) i++
    if (S.pre[s] === n) o++
  }
  cache.in = i
  cache.out = o
  cache.at = sim.synapseCount
  cache.neuron = n
}

function storeRows(sim: Sim, names: readonly ComponentName[], id: number, isMember: (name: ComponentName) => boolean, out: [string, string][]): void {
  for (const name of names) {
    if (!isMember(name)) continue
    const data = sim.components[name] as unknown as Record<string, ArrayLike<number>>
    if ('rule' in data && data.rule![id] === 0) continue
    for (const [field, arr] of Object.entries(data)) {
      if (name === 'Synapse' && field === 'alive') continue
      out.push([`${name}.${field}`, fmt(arr[id] ?? NaN)])
    }
  }
}

/** Rows for a neuron: named summary rows, then every store it belongs to, field by field. */
export function neuronRows(sim: Sim, n: number, cache: DegreeCache): [string, string][] {
  const N = sim.components.Neuron
  const P = sim.components.Position
  const p = sim.params
  if (cache.at !== sim.synapseCount || cache.neuron !== n) degree(sim, n, cache)
  const izh = N.model[n] === MODEL_IZHIKEVICH
  const rows: [string, string][] = [
    ['population', p.populations[N.population[n]!] ?? String(N.population[n])],
    ['region', p.regions[N.region[n]!] ?? String(N.region[n])],
    ['type', `${izh ? `Izhikevich ${IZH_TYPE_NAMES[N.cellType[n]!] ?? '?'}` : N.model[n] === MODEL_SOURCE ? 'Poisson spike source' : 'LIF'} · ${N.excitatory[n] ? 'excitatory' : 'inhibitory'}`],
    ['position', `(${fmt(P.x_um[n]!)}, ${fmt(P.y_um[n]!)}) µm`],
    ['v', `${N.v_mV[n]!.toFixed(2)} mV`],
    ['rate', `${activityRate_Hz(sim, n).toFixed(2)} Hz`],
    ['last spike', N.lastSpike_ms[n]! > -1e8 ? `${fmt(N.lastSpike_ms[n]!)} ms` : 'never'],
    ['synapses', `${cache.in} in · ${cache.out} out`],
  ]
  storeRows(sim, BITECS_COMPONENTS, n, (name) => hasComponent(sim.world, n, sim.components[name]), rows)
  return rows
}

/** Rows for a synapse: named summary rows (ends, receptor, weight, delay, pathway, rules), then its stores. */
export function synapseRows(sim: Sim, s: number): [string, string][] {
  const S = sim.components.Synapse
  const N = sim.components.Neuron
  const p = sim.params
  const pre = S.pre[s]!
  const post = S.post[s]!
  const pop = (n: number) => p.populations[N.population[n]!] ?? '?'
  const rules: string[] = []
  const pl = sim.components.Plasticity?.rule[s] ?? 0
  if (pl) rules.push(`STDP ${p.stdpRules[pl]?.name ?? pl}`)
  const ca = sim.components.Calcium?.rule[s] ?? 0
  if (ca) rules.push(`calcium ${p.calciumRules[ca]?.name ?? ca} (ρ = ${fmt(sim.components.Calcium.rho[s]!)})`)
  for (const name of SYNAPSE_COMPONENTS) {
    if (name === 'Plasticity' || name === 'Calcium' || name === 'Synapse' || name === 'ShortTerm') continue
    const data = sim.components[name] as unknown as Record<string, ArrayLike<number>>
    if ('rule' in data && data.rule![s]) rules.push(`${name} rule ${data.rule![s]}`)
  }
  const stp = sim.components.ShortTerm.profile[s]!
  const rows: [string, string][] = [
    ['pre → post', `#${pre} (${pop(pre)}) → #${post} (${pop(post)})`],
    ['receptor', RECEPTOR_NAMES[S.receptor[s]!] ?? String(S.receptor[s])],
    ['weight', fmt(S.weight[s]!)],
    ['delay', `${fmt(S.delaySteps[s]! * sim.time.dt_ms)} ms (${fmt(S.pathLength_um[s]!)} µm of axon)`],
    ['pathway', p.pathways[S.pathway[s]!] ?? String(S.pathway[s])],
    ['plasticity', rules.length ? rules.join('; ') : 'none (static)'],
    ['short-term', stp ? `${p.stpProfiles[stp]?.name ?? stp}: u = ${fmt(sim.components.ShortTerm.u[s]!)}, x = ${fmt(sim.components.ShortTerm.x[s]!)}` : 'none'],
  ]
  storeRows(sim, SYNAPSE_COMPONENTS, s, () => true, rows)
  return rows
}
