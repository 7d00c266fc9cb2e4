/**
 * From the validated file (schema.ts input form) to a `Scenario`: quantities to engine units,
 * defaults filled in, and the checks that need more than one field — references between sections
 * (electrode and probe names), times within the scenario, reductions that fit the probe. Checks
 * against the scene itself (population names, tissue extent) need the scene registry and live in
 * src/scenario/resolve.ts.
 */
import type { ProtocolSpec } from '../engine/protocols.ts'
import { PRESETS, validateProtocol } from '../engine/protocols.ts'
import { issueAt, pathString, type PathKey, type ScenarioIssue } from './errors.ts'
import { INFINITY_TEXT, type ProtocolInput, type ScenarioInput, type ProbeInput } from './schema.ts'
import { CONCENTRATION, formatTime, parseFrequency_Hz, parseQuantity, parseTime_ms } from './units.ts'
import { DRUG_NAMES, drugNamed } from '../../components/drugs.ts'
import { normalizeTissueAction } from './actions.ts'
import { REDUCES, type ElectrodeDef, type ExpectDef, type ProbeDef, type Scenario, type SourcePos, type TimelineAction } from './types.ts'

/** Defaults of optional fields (documented in the file format, scenes/quickstart.yaml). */
export const DEFAULTS = {
  seed: 1,
  pulseWidth_ms: 1,
  rateBin_ms: 10,
  vEvery_ms: 1,
  vFirst: 3,
  weightEvery_ms: 100,
} as const

export function normalize(f: ScenarioInput, file: string, locations: Record<string, SourcePos>, issues: ScenarioIssue[]): Scenario {
  const problem = (path: PathKey[], reason: string) => issues.push(issueAt(locations, pathString(path), reason))
  const t = (s: string, signed = false) => parseTime_ms(s, signed)

  const duration_ms = t(f.duration)
  if (!(duration_ms > 0)) problem(['duration'], `must be > 0, got "${f.duration}"`)
  const clock: Scenario['clock'] = {}
  if (f.clock?.dt !== undefined) {
    clock.dt_ms = t(f.clock.dt)
    if (!(clock.dt_ms > 0)) problem(['clock', 'dt'], 'must be > 0')
  }
  if (f.clock?.slowTick !== undefined) {
    clock.slowTick_ms = t(f.clock.slowTick)
    if (!(clock.slowTick_ms > 0)) problem(['clock', 'slowTick'], 'must be > 0')
  }
  if (f.clock?.timeWarp !== undefined) clock.timeWarp = f.clock.timeWarp

  // Electrodes ----------------------------------------------------------------------------------
  const electrodes: ElectrodeDef[] = Object.entries(f.electrodes ?? {}).map(([name, e]) => ({
    name,
    x_um: e.x_um,
    y_um: e.y_um,
    radius_um: e.radius_um,
    ...(e.population !== undefined ? { population: e.population } : {}),
    ...(e.region !== undefined ? { region: e.region } : {}),
    mode: e.mode ?? 'spike',
    amplitude: e.amplitude ?? 0,
    pulseWidth_ms: e.pulseWidth !== undefined ? t(e.pulseWidth) : DEFAULTS.pulseWidth_ms,
  }))
  for (const e of electrodes) if (!(e.pulseWidth_ms > 0)) problem(['electrodes', e.name, 'pulseWidth'], 'must be > 0')
  const electrodeNames = electrodes.map((e) => e.name)
  const checkElectrode = (path: PathKey[], name: string) => {
    if (!electrodeNames.includes(name))
      problem(path, `unknown electrode "${name}" (${electrodeNames.length ? `electrodes: ${electrodeNames.join(', ')}` : 'no electrodes are defined'})`)
  }
  const inRun = (path: PathKey[], ms: number, text: string, endInclusive: boolean) => {
    if (ms > duration_ms || (!endInclusive && ms === duration_ms))
      problem(path, `time ${text} is out of range: the scenario lasts ${formatTime(duration_ms)} (duration: "${f.duration}")`)
  }

  // Timeline ------------------------------------------------------------------------------------
  const timeline: TimelineAction[] = []
  ;(f.timeline ?? []).forEach((a, index) => {
    const at_ms = t(a.at)
    inRun(['timeline', index, 'at'], at_ms, `"${a.at}"`, false)
    const first = timeline.length
    normalizeAction(a, at_ms, index)
    // `variant:` tags what this entry produced (a train's pulses too).
    if (a.variant !== undefined) for (let k = first; k < timeline.length; k++) timeline[k]!.variant = a.variant
  })
  function normalizeAction(a: NonNullable<ScenarioInput['timeline']>[number], at_ms: number, index: number): void {
    if (a.fork !== undefined) {
      if (a.variant !== undefined) problem(['timeline', index, 'variant'], 'a fork is made from the main line (no variant: key)')
      timeline.push({ kind: 'fork', at_ms, index, name: a.fork })
    } else if (a.stimulate) {
      checkElectrode(['timeline', index, 'stimulate', 'electrode'], a.stimulate.electrode)
      const { spec, preset } = protocolSpec(a.stimulate.protocol)
      try {
        validateProtocol(spec)
      } catch (e) {
        problem(['timeline', index, 'stimulate', 'protocol'], (e as Error).message)
      }
      timeline.push({ kind: 'stimulate', at_ms, index, electrode: a.stimulate.electrode, protocol: spec, ...(preset ? { preset } : {}) })
    } else if (a.pair) {
      const p = a.pair
      checkElectrode(['timeline', index, 'pair', 'pre'], p.pre)
      checkElectrode(['timeline', index, 'pair', 'post'], p.post)
      if (p.pre === p.post) problem(['timeline', index, 'pair', 'post'], 'pre and post must be different electrodes')
      const freq_Hz = parseFrequency_Hz(p.freq)
      if (!(freq_Hz > 0)) problem(['timeline', index, 'pair', 'freq'], 'must be > 0')
      timeline.push({ kind: 'pair', at_ms, index, pre: p.pre, post: p.post, dt_ms: t(p.dt, true), freq_Hz, count: p.count })
    } else if (a.drug) {
      const d = a.drug
      const path = ['timeline', index, 'drug'] as PathKey[]
      if ((d.apply === undefined) === (d.wash === undefined)) problem(path, 'expected exactly one of apply: <drug> or wash: <drug>')
      else {
        const op = d.apply !== undefined ? 'apply' : 'wash'
        const given = (d.apply ?? d.wash)!
        const spec = drugNamed(given)
        if (!spec) problem([...path, op], `unknown drug "${given}" (drugs: ${DRUG_NAMES.join(', ')})`)
        if (op === 'wash' && d.concentration !== undefined) problem([...path, 'concentration'], 'a concentration goes with apply, not wash')
        const concentration_uM = d.concentration !== undefined ? parseQuantity(d.concentration, CONCENTRATION) : undefined
        if (spec) timeline.push({ kind: 'drug', at_ms, index, drug: spec.name, op, ...(concentration_uM !== undefined ? { concentration_uM } : {}) })
      }
    } else if (a.advance !== undefined) {
      timeline.push({ kind: 'advance', at_ms, index, duration_ms: t(a.advance) })
    } else if (a.release) {
      const r = a.release
      const path = ['timeline', index, 'release'] as PathKey[]
      const local = r.x_um !== undefined || r.y_um !== undefined
      if ((r.amount === undefined) === (r.tonic === undefined)) problem(path, 'expected exactly one of amount: <µM> (a puff) or tonic: <µM> (a steady-state level)')
      else if (local && (r.x_um === undefined || r.y_um === undefined)) problem(path, 'give both x_um and y_um (or neither, for a global release)')
      else if (r.radius_um !== undefined && !local) problem([...path, 'radius_um'], 'radius_um goes with x_um and y_um')
      else if (r.tonic !== undefined && local) problem([...path, 'tonic'], 'tonic release is global here (local tonic release is a release site of the scene)')
      else
        timeline.push({
          kind: 'release', at_ms, index, modulator: r.modulator,
          ...(r.amount !== undefined ? { amount_uM: parseQuantity(r.amount, CONCENTRATION) } : {}),
          ...(r.tonic !== undefined ? { tonic_uM: parseQuantity(r.tonic, CONCENTRATION) } : {}),
          ...(local ? { x_um: r.x_um!, y_um: r.y_um! } : {}),
          ...(r.radius_um !== undefined ? { radius_um: r.radius_um } : {}),
        })
    } else {
      const tissue = normalizeTissueAction(a, at_ms, index, problem)
      if (tissue) {
        for (const x of tissue) if (x.at_ms > duration_ms) inRun(['timeline', index, 'train'], x.at_ms, `${formatTime(x.at_ms)} (a repeat of the pattern)`, true)
        timeline.push(...tissue)
      }
    }
  }
  // Stable: equal times keep file order.
  timeline.sort((a, b) => a.at_ms - b.at_ms || a.index - b.index)
  // Variants: made once by a fork, named before they are used.
  const variants = new Map<string, number>()
  for (const a of timeline) {
    if (a.kind === 'fork') {
      if (a.name === 'main' || a.name.includes('@')) problem(['timeline', a.index, 'fork'], `"${a.name}" cannot name a variant (main is the line everything starts in; no "@")`)
      else if (variants.has(a.name)) problem(['timeline', a.index, 'fork'], `variant "${a.name}" is already made by timeline[${variants.get(a.name)}]`)
      else variants.set(a.name, a.index)
    } else if (a.variant !== undefined && a.variant !== 'main' && !variants.has(a.variant))
      problem(['timeline', a.index, 'variant'], `no variant "${a.variant}" exists at ${formatTime(a.at_ms)} (${variants.size ? `variants so far: ${[...variants.keys()].join(', ')}` : 'make one first with - { at: …, fork: NAME }'})`)
  }
  // Restore gives back what a deprive took: one must come first.
  const deprived = new Set<string>()
  for (const a of timeline) {
    if (a.kind !== 'deprive' && a.kind !== 'restore') continue
    const what = a.channel !== undefined ? `channel ${a.channel}` : `population ${a.population}`
    if (a.kind === 'deprive') deprived.add(what)
    else if (!deprived.delete(what)) problem(['timeline', a.index, 'restore'], `${what} is not deprived at ${formatTime(a.at_ms)} (restore follows a deprive of the same input)`)
  }

  // Probes --------------------------------------------------------------------------------------
  const probes: ProbeDef[] = []
  const positiveTime = (path: PathKey[], text: string | undefined, dflt: number): number => {
    if (text === undefined) return dflt
    const ms = t(text)
    if (!(ms > 0)) problem(path, `must be > 0, got "${text}"`)
    return ms
  }
  for (const [name, p] of Object.entries(f.probes ?? {}) as [string, ProbeInput][]) {
    const base = ['probes', name]
    if (p.rate) {
      probes.push({ name, kind: 'rate', ...opt('population', p.rate.population), bin_ms: positiveTime([...base, 'rate', 'bin'], p.rate.bin, DEFAULTS.rateBin_ms) })
    } else if (p.v) {
      if (p.v.neurons && p.v.population) problem([...base, 'v', 'population'], 'give either neurons (ids) or population (first k of it), not both')
      if (p.v.neurons && p.v.first !== undefined) problem([...base, 'v', 'first'], '"first" applies to a population; with neurons, list the ids')
      probes.push({
        name,
        kind: 'v',
        ...opt('neurons', p.v.neurons),
        ...opt('population', p.v.population),
        first: p.v.first ?? DEFAULTS.vFirst,
        every_ms: positiveTime([...base, 'v', 'every'], p.v.every, DEFAULTS.vEvery_ms),
      })
    } else if (p.spikes) {
      probes.push({ name, kind: 'spikes', ...opt('population', p.spikes.population) })
    } else if (p.weight) {
      probes.push({
        name,
        kind: 'weight',
        ...opt('pathway', p.weight.pathway),
        ...opt('onto', p.weight.onto),
        every_ms: positiveTime([...base, 'weight', 'every'], p.weight.every, DEFAULTS.weightEvery_ms),
        ...(p.weight.settled ? { settled: true } : {}),
        ...opt('between', p.weight.between),
        ...(p.weight.ratioCv ? { ratioCv: true } : {}),
      })
      if (p.weight.ratioCv && (p.weight.between || p.weight.settled)) problem([...base, 'weight', 'ratioCv'], 'ratioCv records ratios of the weights themselves; it does not combine with between or settled')
      if (p.weight.between && !(p.weight.between[0] <= p.weight.between[1])) problem([...base, 'weight', 'between'], `expected [lo, hi] with lo ≤ hi, got [${p.weight.between.join(', ')}]`)
    } else if (p.response) {
      const q = p.response
      checkElectrode([...base, 'response', 'electrode'], q.electrode)
      probes.push({
        name,
        kind: 'response',
        electrode: q.electrode,
        ...opt('population', q.population),
        window_ms: positiveTime([...base, 'response', 'window'], q.window, 20),
        measure: q.measure ?? 'conductance',
      })
    } else if (p.field) {
      const q = p.field
      const stat = q.stat ?? 'mean'
      if ((stat === 'fractionAbove' || stat === 'fractionBelow') && q.threshold === undefined) problem([...base, 'field', 'threshold'], `stat ${stat} needs a threshold`)
      probes.push({
        name,
        kind: 'field',
        of: q.of,
        stat,
        ...opt('threshold', q.threshold),
        every_ms: positiveTime([...base, 'field', 'every'], q.every, DEFAULTS.weightEvery_ms),
        ...opt('population', q.population),
        ...opt('region', q.region),
        ...opt('pathway', q.pathway),
        ...opt('onto', q.onto),
        ...opt('from', q.from),
        ...opt('within', q.within),
        ...opt('ids', q.ids),
      })
    }
  }

  // Expectations --------------------------------------------------------------------------------
  const expect: ExpectDef[] = []
  const seenNames = new Set<string>()
  ;(f.expect ?? []).forEach((x, i) => {
    const base: PathKey[] = ['expect', i]
    if (seenNames.has(x.name)) problem([...base, 'name'], `duplicate expectation name "${x.name}"`)
    seenNames.add(x.name)
    const probe = probes.find((p) => p.name === x.metric.probe)
    if (!probe) {
      const names = probes.map((p) => p.name)
      problem([...base, 'metric', 'probe'], `unknown probe "${x.metric.probe}" (${names.length ? `probes: ${names.join(', ')}` : 'no probes are defined'})`)
    } else if (!REDUCES[probe.kind].includes(x.metric.reduce)) {
      problem([...base, 'metric', 'reduce'], `"${x.metric.reduce}" does not apply to a ${probe.kind} probe (use ${REDUCES[probe.kind].join(', ')})`)
    }
    const window = (key: 'window' | 'relativeTo'): [number, number] | undefined => {
      const w = x.metric[key]
      if (!w) return undefined
      const ms: [number, number] = [t(w[0]), t(w[1])]
      inRun([...base, 'metric', key, 0], ms[0], `"${w[0]}"`, false)
      inRun([...base, 'metric', key, 1], ms[1], `"${w[1]}"`, true)
      if (!(ms[1] > ms[0])) problem([...base, 'metric', key, 1], `the window must end after it starts ("${w[0]}" … "${w[1]}")`)
      return ms
    }
    const window_ms = window('window')!
    const relativeProbe = x.metric.relativeProbe
    if (relativeProbe !== undefined) {
      const other = probes.find((p) => p.name === relativeProbe)
      if (!other) problem([...base, 'metric', 'relativeProbe'], `unknown probe "${relativeProbe}" (probes: ${probes.map((p) => p.name).join(', ')})`)
      else if (!REDUCES[other.kind].includes(x.metric.reduce)) problem([...base, 'metric', 'relativeProbe'], `"${x.metric.reduce}" does not apply to the ${other.kind} probe "${relativeProbe}"`)
    }
    const relativeTo_ms = window('relativeTo') ?? (relativeProbe !== undefined ? window('window') : undefined)
    if (x.metric.compare !== undefined && !relativeTo_ms) problem([...base, 'metric', 'compare'], 'compare needs relativeTo (the baseline window)')
    const lo = boundValue(x.range[0], -Infinity)
    const hi = boundValue(x.range[1], Infinity)
    if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) problem([...base, 'range'], `expected [low, high] with low ≤ high, got [${lo}, ${hi}]`)
    for (const key of ['variant', 'relativeVariant'] as const) {
      const v = x.metric[key]
      if (v !== undefined && v !== 'main' && !variants.has(v))
        problem([...base, 'metric', key], `no variant "${v}" (${variants.size ? `variants: main, ${[...variants.keys()].join(', ')}` : 'the timeline makes none: - { at: …, fork: NAME }'})`)
    }
    if (x.metric.relativeVariant !== undefined && !relativeTo_ms) problem([...base, 'metric', 'relativeVariant'], 'relativeVariant needs relativeTo (the baseline window)')
    expect.push({
      name: x.name, probe: x.metric.probe, reduce: x.metric.reduce, window_ms, ...opt('relativeTo_ms', relativeTo_ms), ...opt('compare', x.metric.compare), ...opt('relativeProbe', relativeProbe),
      ...(x.metric.variant !== undefined && x.metric.variant !== 'main' ? { variant: x.metric.variant } : {}),
      ...opt('relativeVariant', x.metric.relativeVariant),
      range: [lo, hi],
    })
  })

  return {
    file,
    name: f.name,
    description: f.description ?? '',
    scene: { builder: f.scene.builder, params: { ...(f.scene.params ?? {}) } },
    seed: f.seed ?? DEFAULTS.seed,
    tier: f.tier ?? 'quick',
    duration_ms,
    clock,
    electrodes,
    timeline,
    probes,
    expect,
    locations,
  }
}

function boundValue(b: number | null | keyof typeof INFINITY_TEXT, open: number): number {
  if (b === null) return open
  return typeof b === 'number' ? b : INFINITY_TEXT[b]
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V }
}

/** A preset name or an inline protocol (quantities with units) → the engine's ProtocolSpec. */
export function protocolSpec(p: ProtocolInput): { spec: ProtocolSpec; preset?: string } {
  if (typeof p === 'string') return { spec: JSON.parse(JSON.stringify(PRESETS[p]!)) as ProtocolSpec, preset: p }
  switch (p.kind) {
    case 'pulse':
      return { spec: { kind: 'pulse' } }
    case 'train':
      return { spec: { kind: 'train', freq_Hz: parseFrequency_Hz(p.freq), count: p.count } }
    case 'thetaBurst':
      return {
        spec: {
          kind: 'thetaBurst',
          bursts: p.bursts,
          ...opt('pulsesPerBurst', p.pulsesPerBurst),
          ...opt('intraFreq_Hz', p.intraFreq !== undefined ? parseFrequency_Hz(p.intraFreq) : undefined),
          ...opt('burstInterval_ms', p.burstInterval !== undefined ? parseTime_ms(p.burstInterval) : undefined),
        },
      }
    case 'poisson':
      return { spec: { kind: 'poisson', rate_Hz: parseFrequency_Hz(p.rate), duration_ms: parseTime_ms(p.duration) } }
    case 'step':
      return { spec: { kind: 'step', amplitude: p.amplitude, duration_ms: parseTime_ms(p.duration) } }
    case 'ramp':
      return { spec: { kind: 'ramp', from: p.from, to: p.to, duration_ms: parseTime_ms(p.duration) } }
  }
}
