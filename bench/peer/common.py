"""
Shared set-up of the Brian2 peer benchmarks (bench/peer/b*.py).

Each script is run once by bench/peer.ts as
    /usr/bin/python3 bench/peer/<script>.py <network-dir> <project-dir> [--profile]
It reads the network written by bench/network.ts (meta.json, rowStart.u32, post.u32, v0.f64),
describes the model in Brian2, and builds a `cpp_standalone` project (one thread, float64, the
default -O3 -ffast-math -march=native) without running it. The harness then runs the compiled
`./main` in the project directory itself, repeatedly and without Python:
  - results/last_run_info.txt   CPU time of the network run (std::clock(), i.e. process CPU time)
  - stdout lines "BENCH_MEM <slot> VmRSS/VmHWM"   resident memory after the arrays are loaded and
                                                 at the end (code inserted with device.insert_code)
  - bench.json                  where the SpikeMonitor's arrays are written (dtype, file)
Reference: Stimberg M, Brette R, Goodman DFM (2019) eLife 8:e47314. doi:10.7554/eLife.47314
"""
import json
import os
import sys

import numpy as np


def parse_args():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 2:
        sys.stderr.write(f'usage: {sys.argv[0]} <network-dir> <project-dir> [--profile]\n')
        sys.exit(2)
    return args[0], os.path.abspath(args[1]), '--profile' in sys.argv


def load_network(netdir):
    with open(os.path.join(netdir, 'meta.json')) as f:
        meta = json.load(f)
    n = meta['n']
    row_start = np.fromfile(os.path.join(netdir, 'rowStart.u32'), dtype='<u4').astype(np.int64)
    post = np.fromfile(os.path.join(netdir, 'post.u32'), dtype='<u4').astype(np.int32)
    v0 = np.fromfile(os.path.join(netdir, 'v0.f64'), dtype='<f8')
    if len(row_start) != n + 1 or row_start[-1] != len(post) or len(post) != meta['nSyn'] or len(v0) != n:
        raise SystemExit(f'{netdir}: network files do not match meta.json')
    pre = np.repeat(np.arange(n, dtype=np.int32), np.diff(row_start))
    return meta, pre, post, v0


def setup_device():
    """cpp_standalone, one thread, no file log; build_on_run=False so we build explicitly."""
    from brian2 import prefs, set_device
    prefs.logging.file_log = False
    prefs.logging.delete_log_on_exit = True
    prefs.devices.cpp_standalone.openmp_threads = 0
    # Compile with two jobs at most: other work shares this machine.
    prefs.devices.cpp_standalone.extra_make_args_unix = ['-j2']
    set_device('cpp_standalone', build_on_run=False)


_MEM_CODE = r'''
{
    std::ifstream _bench_status("/proc/self/status");
    std::string _bench_line;
    while (std::getline(_bench_status, _bench_line))
        if (_bench_line.compare(0, 6, "VmRSS:") == 0 || _bench_line.compare(0, 6, "VmHWM:") == 0)
            std::cout << "BENCH_MEM %s " << _bench_line << std::endl;
}
'''


def insert_memory_probes(device):
    # after_start: static arrays (the loaded connectivity) are in memory, no synapse built yet.
    device.insert_code('after_start', _MEM_CODE % 'after_start')
    device.insert_code('before_end', _MEM_CODE % 'before_end')


def build(device, project_dir, spike_monitor, n_syn, extra=None):
    """Compile without running; write bench.json describing where the results will be."""
    device.build(directory=project_dir, compile=True, run=False, with_output=False)
    info = {
        'spikes_i': device.get_array_filename(spike_monitor.variables['i']),
        'spikes_t': device.get_array_filename(spike_monitor.variables['t']),
        'spikes_i_dtype': np.dtype(spike_monitor.variables['i'].dtype).str,
        'spikes_t_dtype': np.dtype(spike_monitor.variables['t'].dtype).str,
        'n_syn': int(n_syn),
    }
    if extra:
        info.update(extra)
    with open(os.path.join(project_dir, 'bench.json'), 'w') as f:
        json.dump(info, f, indent=2)
