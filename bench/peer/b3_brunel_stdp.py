"""
B3 Brunel + STDP (B2's network; E→E synapses plastic, ≈ 6.4·10⁶) in Brian2 cpp_standalone.

Neurons and static synapses as B2 (bench/peer/b2_brunel.py). E→E synapses carry a weight w
(initially J) under a weight-dependent (multiplicative; Gütig et al. 2003 with μ = 1) all-to-all
pair rule, written with traces per neuron (the cheaper of Brian2's two forms; the notes measured
9.3 s/s for it against 22.8 s/s with traces per synapse):
    dx_pre/dt = −x_pre/τ₊,  dx_post/dt = −x_post/τ₋      (per neuron; +1 at each of its spikes)
    pre spike (at the soma, pathway 'ltd', no delay):  w_sent ← w;  w ← clip(w − A₋ · w · x_post, 0, w_max)
    pre spike arriving (pathway 'pre', delay D):       V_post += w_sent
    post spike:                                        w ← clip(w + A₊ · (w_max − w) · x_pre, 0, w_max)
Timing convention, the same as our engine's systems/stdp.ts: Δt between somatic spike times (the
delay does not shift the window); traces are read before the step's own bumps (the bumps are in the
reset, after the synapses slot), so spikes in the same step do not pair; depression runs before
potentiation (Brian2 orders 'pre' pathways before 'post'); the spike carries the weight it had when
it left the soma (our engine writes it into the delay ring then), hence w_sent: Brian2's natural form
reads w on arrival, after the spike's own depression, and that alone lowered the rate by ≈ 10 % in
the first 0.3 s. w_sent costs Brian2 8 B per plastic synapse and ≈ 6 % of run time (measured here).
A refractory period (2 ms) longer than D means w_sent is never overwritten before it is read.
Traces decay exactly (the k = (1 − exp(−dt/τ))/dt form, as in b1_coba.py); V integrates by forward
Euler. Both simulators apply the rule exactly to their own spikes (checked offline against a
reimplementation from the recorded spikes, LTP and LTD separately).
Parameters come from meta.json (`brunel`, `stdp`).
Reference: Gütig R, Aharonov R, Rotter S, Sompolinsky H (2003) J Neurosci 23:3697.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import parse_args, load_network, setup_device, insert_memory_probes, build  # noqa: E402

netdir, project, profile = parse_args()
setup_device()
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, defaultclock, device, run,  # noqa: E402
                    ms, mV, Hz, second, exp)

meta, pre, post, v0 = load_network(netdir)
b = meta['brunel']
s = meta['stdp']
n, nE = meta['n'], meta['nE']
defaultclock.dt = meta['dt_ms'] * ms
dt = defaultclock.dt
tau = b['tau_ms'] * ms
theta = b['theta_mV'] * mV
V_r = b['Vr_mV'] * mV
J = b['J_mV'] * mV
g = b['g']
D = b['delay_ms'] * ms
Aplus = s['Aplus']
Aminus = s['Aminus']
wmax = s['wmax_mV'] * mV
k_plus = (1 - exp(-float(dt / (s['tauPlus_ms'] * ms)))) / dt
k_minus = (1 - exp(-float(dt / (s['tauMinus_ms'] * ms)))) / dt

eqs = '''
dv/dt = -v/tau : volt (unless refractory)
dxpre/dt = -k_plus*xpre : 1
dxpost/dt = -k_minus*xpost : 1
'''
P = NeuronGroup(n, eqs, threshold='v > theta', reset='v = V_r; xpre += 1; xpost += 1',
                refractory=b['tRef_ms'] * ms, method='euler')
P.v = v0 * mV
E = P[:nE]
ee = (pre < nE) & (post < nE)
ei = (pre < nE) & (post >= nE)
ii = pre >= nE
See = Synapses(E, E, model='w : volt\nw_sent : volt',
               on_pre={'pre': 'v_post += w_sent*int(not_refractory_post)',
                       'ltd': 'w_sent = w\nw = clip(w - Aminus*w*xpost_post, 0*mV, wmax)'},
               on_post='w = clip(w + Aplus*(wmax - w)*xpre_pre, 0*mV, wmax)',
               delay={'pre': D, 'ltd': 0 * ms})
See.connect(i=pre[ee], j=post[ee])
See.w = 'J'
Sei = Synapses(E, P[nE:], on_pre='v_post += J*int(not_refractory_post)', delay=D)
Sei.connect(i=pre[ei], j=post[ei] - nE)
Si = Synapses(P[nE:], P, on_pre='v_post += -g*J*int(not_refractory_post)', delay=D)
Si.connect(i=pre[ii] - nE, j=post[ii])
drive = PoissonInput(P, 'v', N=b['CExt'], rate=b['nuExt_Hz'] * Hz, weight='J*int(not_refractory)')
mon = SpikeMonitor(P)
insert_memory_probes(device)
run(meta['duration_s'] * second, profile=profile)
build(device, project, mon, len(pre), {'n_plastic': int(ee.sum()),
                                       'plastic_w': device.get_array_filename(See.variables['w']),
                                       'plastic_w_dtype': np.dtype(See.variables['w'].dtype).str})
