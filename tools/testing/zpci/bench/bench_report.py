#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The make bench report: build/results/bench.md and bench.png.

Reads the console logs of the bench boots (build/bench/runs/repN/
bench-PROFILE-KERNEL/console.log): the "@@BENCH ..." lines of the guest
script and tools, and the kernel log dumped at the end of each boot.  Every
number in the report comes from these logs; nothing is assumed.  A value is
given as the median over the repetitions and its range [min-max]; a run
that failed is shown as failed with its error and how many repetitions
failed, never dropped.

Ratios are ours/stock.  Latencies and times: lower is better, so a ratio
above 1 is worse; throughputs: higher is better, a ratio below 1 is worse.
A ratio is "worse beyond noise" when it is worse than 1.0 and the ranges of
the two kernels do not overlap.  Were both kernels the same, that happens
to one ratio by chance with probability 1/C(2n, n) for n repetitions each
(1/3432 for 7, 1/252 for 5): the report says how many ratios it judged.
"""

import argparse
import datetime
import glob
import json
import math
import os
import re
import statistics
import subprocess
import sys
import textwrap

KERNELS = ('stock', 'zpci')
GRANULES = (1, 8, 16, 64, 256, 1024)
THREADS = (1, 2)
TS = re.compile(r'^\[\s*(\d+\.\d+)\]\s?(.*)$')


def parse_kv(text):
    out = {}
    for tok in text.split():
        if '=' in tok:
            k, v = tok.split('=', 1)
            out[k] = v
    return out


def parse_log(path):
    """One boot: its @@BENCH records and kernel-log timestamps."""
    recs, dmesg, in_dmesg = [], [], False
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\r\n')
            if line.startswith('@@ZPCI dmesg-begin'):
                in_dmesg = True
                continue
            if line.startswith('@@ZPCI dmesg-end'):
                in_dmesg = False
                continue
            if in_dmesg:
                m = TS.match(line)
                if m:
                    dmesg.append((float(m.group(1)), m.group(2)))
                continue
            m = TS.match(line)
            if m:
                line = m.group(2)
            i = line.find('@@BENCH ')
            if i < 0:
                continue
            parts = line[i + len('@@BENCH '):].split(None, 1)
            if parts:
                recs.append((parts[0], parse_kv(parts[1] if len(parts) > 1 else '')))
    return {'recs': recs, 'dmesg': dmesg}


def load_runs(runs):
    """{(profile, kernel): [boot, ...]} in repetition order."""
    data = {}
    for d in sorted(glob.glob(os.path.join(runs, 'rep*', 'bench-*')),
                    key=lambda p: (int(re.search(r'rep(\d+)', p).group(1)), p)):
        m = re.match(r'bench-(.+)-(stock|zpci)$', os.path.basename(d))
        if not m:
            continue
        log = os.path.join(d, 'console.log')
        boot = parse_log(log) if os.path.exists(log) else {'recs': [], 'dmesg': []}
        boot['dir'] = d
        try:
            with open(os.path.join(d, 'runner-status')) as f:
                boot['runner'] = int(f.read().strip() or 0)
        except (OSError, ValueError):
            boot['runner'] = None
        data.setdefault((m.group(1), m.group(2)), []).append(boot)
    return data


class Stat:
    """Values of one measurement over the repetitions, plus failures."""

    def __init__(self, values=(), fails=(), runs=0):
        self.values = [v for v in values if v is not None]
        self.fails = list(fails)
        self.runs = runs

    @property
    def ok(self):
        return bool(self.values)

    def med(self):
        return statistics.median(self.values) if self.values else None

    def lo(self):
        return min(self.values) if self.values else None

    def hi(self):
        return max(self.values) if self.values else None

    def fmt(self, fmt='{:.1f}'):
        if not self.runs:
            return 'not measured'
        parts = []
        if self.values:
            s = fmt.format(self.med())
            if len(self.values) > 1:
                s += ' [' + fmt.format(self.lo()) + '-' + fmt.format(self.hi()) + ']'
            parts.append(s)
        if self.fails:
            errs = sorted(set(self.fails))
            parts.append('**FAILS** ' + '/'.join(errs) +
                         f' ({len(self.fails)}/{self.runs})')
        return ' '.join(parts)


UNJUDGED = []
RATIOS = []     # (label, ours/stock, higher_better)


def ratio(stock, ours, higher_better, label=''):
    """(text, worse_beyond_noise or None when not computable).

    With fewer than two values of a kernel there is no range to judge the
    noise by: the ratio is given, not judged (counted in UNJUDGED)."""
    if not stock.ok or not ours.ok or not stock.med():
        return 'n/a', None
    r = ours.med() / stock.med()
    RATIOS.append((label, r, higher_better))
    if len(stock.values) < 2 or len(ours.values) < 2:
        UNJUDGED.append(r)
        return f'{r:.2f}', False
    if higher_better:
        worse = r < 1.0 and ours.hi() < stock.lo()
    else:
        worse = r > 1.0 and ours.lo() > stock.hi()
    return f'{r:.2f}', worse


def worst_within_noise(worse_rows, n=3):
    """The ratios worse than 1.0 by more than 5% that are within noise."""
    rows = []
    for label, r, hb in RATIOS:
        badness = 1 / r if hb else r
        if badness > 1.05 and label not in worse_rows:
            rows.append((badness, label, r))
    rows.sort(reverse=True)
    if not rows:
        return ''
    return (f'; worse by more than 5% but within noise: {len(rows)}, the largest: ' +
            '; '.join(f'{label} {r:.2f}' for _, label, r in rows[:n]))


def records(boots, kind):
    """Per boot, the records of one kind."""
    return [[kv for k, kv in b['recs'] if k == kind] for b in boots]


def stat_of(boots, kind, match, value, fail=None):
    """A Stat over boots of the value of the first record matching."""
    vals, fails, runs = [], [], 0
    for recs in records(boots, kind):
        rec = next((kv for kv in recs if match(kv)), None)
        runs += 1
        if rec is None:
            fails.append('not run')
            continue
        err = fail(rec) if fail else None
        if err:
            fails.append(err)
            continue
        try:
            vals.append(value(rec))
        except (KeyError, ValueError, ZeroDivisionError):
            fails.append('no value')
    return Stat(vals, fails, runs)


def initcall_secs(boot, name):
    """Duration of one initcall in seconds (initcall_debug), or None."""
    pat = re.compile(r'initcall ' + re.escape(name) + r'\+\S+ returned -?\d+ after (\d+) usecs')
    for _, msg in boot['dmesg']:
        m = pat.search(msg)
        if m:
            return int(m.group(1)) / 1e6
    return None


def expected_stores(offset, length, maxstbl):
    """Store instructions the rule allows: per 4 KiB-bounded chunk of the
    PCI range, ceil(chunk length / maxstbl)."""
    n, pos, end = 0, offset, offset + length
    while pos < end:
        chunk = min(end, (pos // 4096 + 1) * 4096) - pos
        n += -(-chunk // maxstbl)
        pos += chunk
    return n


def iova_fail_section(data):
    """Section 3f: per (profile, threads, granule) where a kernel had failed
    IOVA allocations, the failures and the RPCITs per failure of each."""
    runs = {}       # (profile, threads, granule) -> {kernel: [(fails, rpcit)]}
    for (prof, k), boots in data.items():
        for b in boots:
            for kind, kv in b['recs']:
                if kind == 'dma' and 'iova_fails' in kv:
                    key = (prof, int(kv['threads']), int(kv['granule']))
                    runs.setdefault(key, {}).setdefault(k, []).append(
                        (int(kv['iova_fails']), int(kv['iova_fail_rpcit'])))
    rows = []
    for key in sorted(runs):
        if not any(f for v in runs[key].values() for f, _ in v):
            continue
        row = ['{}, {} thr, {} pg'.format(*key)]
        for k in KERNELS:
            v = runs[key].get(k, [])
            failed = [(f, r) for f, r in v if f]
            if not v:
                row += ['not measured'] * 2
            elif not failed:
                row += [f'0 (0/{len(v)} runs)', 'no failure']
            else:
                row += [f'{sum(f for f, _ in failed)} ({len(failed)}/{len(v)} runs)',
                        Stat([r / f for f, r in failed], runs=len(failed)).fmt('{:.2f}')]
        rows.append(row)
    text = ('Failures: failed IOVA allocations of mappings, summed over the repetitions '
            '(runs with any / runs).  RPCITs per failure: the RPCITs issued while they were '
            'tried (ours: flushes of the flush queue before giving up), per failure, median '
            '[min-max] over the runs with failures.  With one thread a run stops at its first '
            'failure and the count is its own (but for a flush of the queue\'s timer in that '
            'window); with two, the other thread\'s RPCITs count too.  Profile iova1m: ours has '
            'a 1 MiB aperture (CLP override), stock its aperture of memory size.\n\n')
    return ('3f. RPCITs per failed IOVA allocation, stock vs ours (dma_map_benchmark; '
            'profile, threads, granule)',
            text + (md_table(['profile, threads, granule', 'stock failures',
                              'stock RPCIT/failure', 'ours failures', 'ours RPCIT/failure'],
                             rows) if rows else 'No failed IOVA allocation in either kernel.'))


def md_table(head, rows):
    out = ['| ' + ' | '.join(head) + ' |',
           '|' + '|'.join('---' for _ in head) + '|']
    out += ['| ' + ' | '.join(str(c) for c in r) + ' |' for r in rows]
    return '\n'.join(out)


def qemu_version():
    try:
        out = subprocess.run(['qemu-system-s390x', '--version'],
                             capture_output=True, text=True).stdout
        return out.splitlines()[0].strip()
    except (OSError, IndexError):
        return 'unknown'


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--runs', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--plot')
    ap.add_argument('--summary', help='plain-text summary (goals) for the cover letter')
    ap.add_argument('--start', type=int, help='epoch seconds make bench started')
    ap.add_argument('--frags', default='')
    ap.add_argument('--zpci-frags', default='', help='fragments of ours only')
    args = ap.parse_args()

    top = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../../..'))
    data = load_runs(args.runs)
    if not data:
        print(f'bench_report: no runs in {args.runs}', file=sys.stderr)
        return 1
    reps = max(len(v) for v in data.values())

    def boots(profile, kernel):
        return data.get((profile, kernel), [])

    goals = []          # (goal, verdict, evidence)
    worse_rows = []     # rows whose ratio is worse beyond noise
    uncomputed = []     # rows without a ratio
    sections = []
    plotdata = {}

    # --- 1. DMA map/unmap latency and RPCITs --------------------------
    dma_rows, rpcit_rows = [], []
    stock_failed, ours_failed_there, ours_missing = [], [], []
    for mem in ('1g', '4g'):
        for th in THREADS:
            for g in GRANULES:
                match = (lambda th, g: lambda kv: kv.get('threads') == str(th) and
                         kv.get('granule') == str(g))(th, g)
                fail = lambda kv: None if kv.get('status') == 'ok' else kv.get('status', '?')
                st = {}
                for k in KERNELS:
                    b = boots(mem, k)
                    st[k] = {
                        'map': stat_of(b, 'dma', match, lambda kv: int(kv['map_100ns']) / 10, fail),
                        'unmap': stat_of(b, 'dma', match, lambda kv: int(kv['unmap_100ns']) / 10, fail),
                        'rpcit': stat_of(b, 'dma', match, lambda kv: 10000 * int(kv['rpcit']) /
                                         int(kv['dma_map_pairs']), fail),
                        'pairs': stat_of(b, 'dma', match, lambda kv: int(kv['dma_map_pairs']), fail),
                    }
                label = f'{mem.upper().replace("G", " GiB")}, {th} thr, {g} pg'
                rm, wm = ratio(st['stock']['map'], st['zpci']['map'], False, f'DMA map {label}')
                ru, wu = ratio(st['stock']['unmap'], st['zpci']['unmap'], False,
                               f'DMA unmap {label}')
                for name, w in (('map', wm), ('unmap', wu)):
                    if w:
                        worse_rows.append(f'DMA {name} {label}')
                dma_rows.append([label, st['stock']['map'].fmt(), st['zpci']['map'].fmt(), rm,
                                 st['stock']['unmap'].fmt(), st['zpci']['unmap'].fmt(), ru])
                rpcit_rows.append([label, st['stock']['rpcit'].fmt('{:.0f}'),
                                   st['zpci']['rpcit'].fmt('{:.0f}'),
                                   st['stock']['pairs'].fmt('{:.0f}'),
                                   st['zpci']['pairs'].fmt('{:.0f}')])
                if st['stock']['map'].fails:
                    stock_failed.append(label)
                if not st['zpci']['map'].runs:
                    ours_missing.append(label)
                elif st['zpci']['map'].fails:
                    ours_failed_there.append(label + ('' if st['stock']['map'].fails
                                                      else ' (where stock succeeds)'))
                plotdata[('dma', mem, th, g)] = st
    g = 'success at every granule where stock fails'
    if ours_failed_there:
        goals.append((g, '**NOT MET**', 'ours fails at: ' + '; '.join(ours_failed_there)))
    elif ours_missing:
        goals.append((g, 'not measured', f'{len(ours_missing)} of {len(dma_rows)} '
                      'points not measured for ours'))
    else:
        goals.append((g, 'met', f'stock fails at {len(stock_failed)} of {len(dma_rows)} points '
                      f'({"; ".join(stock_failed) or "none"}); ours succeeds at every point '
                      f'in every repetition'))
    sections.append(('1. DMA map/unmap latency (dma_map_benchmark, 64-bit mask, µs per '
                     'operation; lower is better)', md_table(
                         ['guest, threads, granule', 'stock map', 'ours map', 'ratio',
                          'stock unmap', 'ours unmap', 'ratio'], dma_rows)))
    sections.append(('3b. RPCITs per 10,000 map/unmap pairs (and pairs made per 1 s run)',
                     md_table(['guest, threads, granule', 'stock RPCIT/10k', 'ours RPCIT/10k',
                               'stock pairs', 'ours pairs'], rpcit_rows)))

    # --- 2. virtio-blk O_DIRECT throughput -----------------------------
    blk_rows, blk_int_rows = [], []
    for bs in (1048576, 4096):
        for op in ('write', 'read'):
            match = (lambda bs, op: lambda kv: kv.get('op') == op and kv.get('bs') == str(bs))(bs, op)
            st = {k: stat_of(boots('1g', k), 'blk', match,
                             lambda kv: (int(kv['bytes']) / 2**20) / (int(kv['ns']) / 1e9))
                  for k in KERNELS}
            per = {k: {c: stat_of(boots('1g', k), 'blk', match,
                                  (lambda c: lambda kv: int(kv[c]) / (int(kv['bytes']) / 2**20))(c))
                       for c in ('rpcit', 'pcistg', 'pcilg')} for k in KERNELS}
            label = f'seq {op}, {bs // 1024} KiB requests'
            r, w = ratio(st['stock'], st['zpci'], True, f'virtio-blk {label}')
            if w:
                worse_rows.append(f'virtio-blk {label}')
            if r == 'n/a':
                uncomputed.append(f'virtio-blk {label}')
            blk_rows.append([label, st['stock'].fmt(), st['zpci'].fmt(), r])
            blk_int_rows.append([label] + [per[k][c].fmt('{:.1f}') for c in ('rpcit', 'pcistg')
                                           for k in KERNELS])
            plotdata[('blk', bs, op)] = st
    sections.append(('2. virtio-blk sequential throughput, O_DIRECT (MiB/s, 1 GiB guest; '
                     'higher is better)', md_table(['workload', 'stock', 'ours', 'ratio'], blk_rows)))

    # --- 3. interceptions ----------------------------------------------
    clp_rows, grp_verdict = [], []
    for n in (1, 8, 32):
        prof = f'clp{n}'
        row = [f'{n} function{"s" if n > 1 else ""}']
        for c in ('clp', 'clp_list', 'clp_query_fn', 'clp_query_grp', 'clp_set_fn'):
            st = {k: stat_of(boots(prof, k), 'clp', lambda kv: True,
                             (lambda c: lambda kv: int(kv[c]))(c)) for k in KERNELS}
            row += [st['stock'].fmt('{:.0f}'), st['zpci'].fmt('{:.0f}')]
            plotdata[('clp', n, c)] = st
            if c == 'clp_query_grp':
                z = st['zpci']
                if not z.runs:
                    grp_verdict.append((n, None))
                else:
                    grp_verdict.append((n, z.ok and not z.fails and z.lo() == z.hi() == 1))
        clp_rows.append(row)
    if any(v is None for _, v in grp_verdict) or not grp_verdict:
        goals.append(('one group query per group, not per function', 'not measured',
                      'CLP boots missing'))
    else:
        ok = all(v for _, v in grp_verdict)
        ev = '; '.join(f'{n} function{"s" if n > 1 else ""}: stock {plotdata[("clp", n, "clp_query_grp")]["stock"].fmt("{:.0f}")}'
                       f', ours {plotdata[("clp", n, "clp_query_grp")]["zpci"].fmt("{:.0f}")}'
                       for n, _ in grp_verdict)
        goals.append(('one group query per group, not per function (1 group)',
                      'met' if ok else '**NOT MET**', ev + ' query-group requests'))
    sections.append(('3a. CLP requests to bring up N functions of one group (whole boot; '
                     'stock / ours)', md_table(
                         ['functions', 'all CLP stock', 'ours', 'list stock', 'ours',
                          'query fn stock', 'ours', 'query group stock', 'ours',
                          'set fn stock', 'ours'], clp_rows)))
    sections.append(('3c. zPCI instructions per MiB of virtio-blk I/O (1 GiB guest)',
                     md_table(['workload', 'RPCIT stock', 'RPCIT ours', 'PCISTG stock',
                               'PCISTG ours'], blk_int_rows)))

    store_rows, store_ok, store_bad, store_perf = [], [], [], []
    cases = []
    for b in boots('1g', 'zpci') + boots('1g', 'stock'):
        for kv in [kv for k, kv in b['recs'] if k == 'store']:
            if kv.get('case') not in cases:
                cases.append(kv.get('case'))
    for case in cases:
        match = (lambda c: lambda kv: kv.get('case') == c)(case)
        fail = lambda kv: None if kv.get('rc') == '0' else f'rc={kv.get("rc", "setup")}'
        st = {k: stat_of(boots('1g', k), 'store', match,
                         lambda kv: int(kv['pcistg']) + int(kv['pcistb']), fail) for k in KERNELS}
        sample = next((kv for b in boots('1g', 'zpci') + boots('1g', 'stock')
                       for k, kv in b['recs'] if k == 'store' and kv.get('case') == case
                       and 'req' in kv), None)
        if sample is None:
            continue
        o, ln, rp = sample['req'].split(':')
        off, length, reps_req = int(o, 16), int(ln), int(rp)
        maxstbl = {k: stat_of(boots('1g', k), 'store', match, lambda kv: int(kv['maxstbl']))
                   for k in KERNELS}
        m = maxstbl['zpci'].med() or maxstbl['stock'].med()
        exp = expected_stores(off, length, int(m)) * reps_req if m else None
        mib = length * reps_req / 2**20
        desc = f'{length} B at 0x{off:x}' + (f' x{reps_req} ({mib:g} MiB)' if reps_req > 1 else '')
        if case.startswith('tput-'):
            # throughput only: long enough to time
            thr = {k: stat_of(boots('1g', k), 'store', match,
                              lambda kv: (int(kv['len']) * int(kv['reps']) / 2**20) /
                              (int(kv['ns']) / 1e9), fail) for k in KERNELS}
            r, w = ratio(thr['stock'], thr['zpci'], True, f'BAR copy {case}')
            if w:
                worse_rows.append(f'BAR copy {case}')
            if r == 'n/a':
                uncomputed.append(f'BAR copy {case}')
            store_perf.append([f'{case}: {desc}', thr['stock'].fmt(), thr['zpci'].fmt(), r])
            continue
        verdict = {}
        for k in KERNELS:
            s_ = st[k]
            verdict[k] = (s_.ok and not s_.fails and exp is not None and s_.lo() == s_.hi() == exp)
        if exp is not None and st['zpci'].runs:
            (store_ok if verdict['zpci'] else store_bad).append(case)
        store_rows.append([case, desc, f'{int(m) if m else "?"}',
                           str(exp) if exp is not None else '?',
                           st['stock'].fmt('{:.0f}') + (' ✓' if verdict['stock'] else ''),
                           st['zpci'].fmt('{:.0f}') + (' ✓' if verdict['zpci'] else '')])
        plotdata[('store', case)] = st
    g = 'store instructions per 4 KiB-bounded chunk = ceil(length / maxstbl in effect)'
    if not store_ok and not store_bad:
        goals.append((g, 'not measured', 'no store results of ours'))
    else:
        goals.append((g, 'met' if not store_bad else '**NOT MET**',
                      f'ours: {len(store_ok)} of {len(store_ok) + len(store_bad)} copies '
                      'issue exactly that many stores'
                      + (f' (not: {", ".join(store_bad)})' if store_bad else '')))
    sections.append(('3d. PCI store instructions (PCISTG + PCISTB) of copies to BAR space '
                     '(zpci_memcpy_toio() through zpci_bench/bar_write; ✓ = equals the rule)',
                     md_table(['case', 'copy', 'maxstbl', 'rule: Σ ceil(chunk/maxstbl)',
                               'stock', 'ours'], store_rows)))
    if store_perf:
        sections.append(('3e. Copy throughput to BAR space (MiB/s; higher is better)',
                         md_table(['copy', 'stock', 'ours', 'ratio'], store_perf)))
    sections.append(iova_fail_section(data))

    # --- 4. bring-up time ----------------------------------------------
    ready_rows = []
    for n in (1, 8, 32):
        prof = f'clp{n}'
        st = {k: stat_of(boots(prof, k), 'ready', lambda kv: True,
                         lambda kv: float(kv['uptime']), lambda kv: None if
                         kv.get('bound') == kv.get('nfuncs') else 'not all bound')
              for k in KERNELS}
        measures = [('boot → every function has a driver (guest, /proc/uptime)', st)]
        for init, what in (('pci_base_init', 'zPCI init: CLP, enable, bus scan'),
                           ('virtio_pci_driver_init', 'virtio-pci probes')):
            ic = {}
            for k in KERNELS:
                vals = [initcall_secs(b, init) for b in boots(prof, k)]
                ic[k] = Stat(vals, ['no initcall_debug line' for v in vals if v is None],
                             len(vals))
            measures.append((f'{what} ({init}, initcall_debug)', ic))
        for name, s_ in measures:
            label = f'{n} function{"s" if n > 1 else ""}: {name}'
            r, w = ratio(s_['stock'], s_['zpci'], False, label)
            if w:
                worse_rows.append(label)
            if r == 'n/a':
                uncomputed.append(label)
            fmt = '{:.3f}' if 'uptime' in name else '{:.4f}'
            ready_rows.append([label, s_['stock'].fmt(fmt), s_['zpci'].fmt(fmt), r])
        plotdata[('ready', n)] = st
    sections.append(('4. Time from boot until all functions are ready (seconds; lower is better)',
                     md_table(['measure', 'stock', 'ours', 'ratio'], ready_rows)))

    perf_rows = len(dma_rows) * 2 + len(blk_rows) + len(store_perf) + len(ready_rows)
    goals.insert(0, ('no ratio worse than 1.0 beyond noise',
                     ('**NOT MET**' if worse_rows else
                      'not judged' if len(UNJUDGED) == perf_rows - len(uncomputed) else 'met'),
                     (f'{len(worse_rows)} of {perf_rows} ratios worse beyond noise'
                      + (': ' + '; '.join(worse_rows) if worse_rows else '')
                      + (f'; {len(uncomputed)} without a ratio (a kernel failed or did not run): '
                         + '; '.join(uncomputed) if uncomputed else '')
                      + (f'; {len(UNJUDGED)} not judged (fewer than 2 values of a kernel)'
                         if UNJUDGED else '')
                      + worst_within_noise(worse_rows))))

    # --- write ---------------------------------------------------------
    try:
        with open(os.path.join(top, 'build/base-version')) as f:
            base = f.read().strip()
    except OSError:
        base = 'unknown'
    now = datetime.datetime.now(datetime.timezone.utc)
    total = f'{(int(now.timestamp()) - args.start) / 60:.1f} min' if args.start else 'unknown'
    runner_fail = sorted(os.path.relpath(b['dir'], top) for v in data.values() for b in v
                         if b['runner'] not in (0, None))
    kvm = os.uname().machine == 's390x' and os.access('/dev/kvm', os.W_OK)
    lines = [
        '# zpci-clp bench: ours against the stock kernel',
        '',
        '| | |', '|---|---|',
        f'| base | linux-source-6.12 {base} (stock = base; ours = base + patches/series) |',
        f'| QEMU | {qemu_version()}, s390-ccw-virtio, {"KVM" if kvm else "TCG"} |',
        f'| date | {now.strftime("%Y-%m-%d %H:%M UTC")} |',
        f'| configuration | {args.frags} (allnoconfig + fragments, the same for both'
        f'{"; ours also " + args.zpci_frags if args.zpci_frags else ""}) '
        f'+ tools/testing/zpci/bench/count-intercepts.patch in both |',
        f'| repetitions | {reps}; every profile boots both kernels back to back, '
        f'the order alternating per repetition |',
        f'| host | {os.cpu_count()} CPUs, shared with other work (builds, boots) |',
        f'| make bench took | {total} (builds included) |',
        '',
        'Values: median over the repetitions [min-max]; **FAILS** with the error and '
        'the number of repetitions that failed.  Ratio: ours/stock of the medians; for '
        'latencies and times lower is better (a ratio above 1 is worse), for throughputs '
        'higher is better (below 1 is worse).  Worse beyond noise: worse, and the two '
        f'ranges do not overlap (for identical kernels, by chance with probability '
        f'1/{math.comb(2 * reps, reps)} per ratio at {reps} repetitions).',
        '',
        '## Goals',
        '',
        md_table(['goal', 'verdict', 'measured'], goals),
        '',
    ]
    if runner_fail:
        lines += ['Boots the runner judged failed (splat, timeout or a guest step that '
                  'could not run): ' + ', '.join(runner_fail), '']
    for title, table in sections:
        lines += [f'## {title}', '', table, '']
    lines += [
        '## What cannot be measured here',
        '',
        '- Interceptions are counted in the guest, at the instruction (count-intercepts.patch): '
        'under TCG QEMU emulates the instructions instead of intercepting them, and QEMU 7.2 has '
        'no trace events for them.  Under KVM each counted instruction is one interception.',
        '- MIO (the MIO store, load and store-block instructions, the s390_pci_mmio_* syscalls): '
        'QEMU offers no MIO, so only the function-handle instructions run.',
        '- Copies to BAR space from userspace: the stock kernel has no way to map a BAR (no '
        'resourceN mmap on s390, VFIO_PCI_MMAP is off on s390), so both kernels copy through '
        'the kernel function zpci_memcpy_toio(), triggered by zpci_bench/bar_write.',
        '- maxstbl other than 128: QEMU reports 128 for its emulated group, which equals the '
        'constant the stock kernel uses; only the CLP override (test configuration, ours only) '
        'can present another value, so copies inside one 4 KiB block cannot differ here.',
        '- The IOMMU cost of block I/O: QEMU\'s virtio-blk function does not offer '
        'VIRTIO_F_ACCESS_PLATFORM, so the guest does not map its buffers through the DMA API '
        '(3c: no RPCIT in either kernel); section 2 shows the cost of notifications and '
        'interrupts (one PCISTG and one SIC per request), not of DMA mapping.',
        '- Timings are TCG timings on a shared 2-CPU host; they show relative cost, not what '
        'hardware would do.',
        '',
        'Raw data: build/bench/runs/repN/bench-PROFILE-KERNEL/console.log; '
        'build/results/bench.json.',
    ]
    with open(args.out, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with open(os.path.join(os.path.dirname(args.out), 'bench.json'), 'w') as f:
        json.dump({f'{k[0]}/{k[1]}': [{'dir': os.path.relpath(b['dir'], top),
                                       'runner': b['runner'], 'records': b['recs']} for b in v]
                   for k, v in sorted(data.items())}, f, indent=1)
    if args.summary:
        os.makedirs(os.path.dirname(args.summary), exist_ok=True)
        out = textwrap.wrap(f'zpci-clp bench (make bench): the stock kernel (base {base}) '
                            f'against ours, same configuration ({args.frags}), '
                            f'{qemu_version()}, {"KVM" if kvm else "TCG"}, {reps} repetitions, '
                            f'{now.strftime("%Y-%m-%d")}; tables in '
                            f'{os.path.relpath(args.out, top)}.', 72) + ['']
        for goal, verdict, ev in goals:
            out += textwrap.wrap(f'- {goal}: {verdict.strip("*")}. {ev}', 72,
                                 subsequent_indent='  ')
        with open(args.summary, 'w') as f:
            f.write('\n'.join(out) + '\n')
    if args.plot:
        plot(args.plot, plotdata, base)
    print(f'bench: {os.path.relpath(args.out, top)}' +
          (f', {os.path.relpath(args.plot, top)}' if args.plot else ''))
    return 0


def plot(path, pd, base):
    """Four panels with gnuplot: DMA map latency 1 GiB / 4 GiB, virtio-blk
    throughput, CLP requests.  Failed points are drawn at the panel's top
    as crosses."""
    d = os.path.splitext(path)[0] + '-data'
    os.makedirs(d, exist_ok=True)
    fails_y = {}
    for mem in ('1g', '4g'):
        top_y = max([pd[('dma', mem, th, g)][k]['map'].hi() or 0 for th in THREADS
                     for g in GRANULES for k in KERNELS] + [1]) * 2
        fails_y[mem] = top_y
        for k in KERNELS:
            for th in THREADS:
                with open(f'{d}/dma-{mem}-{k}-{th}.dat', 'w') as f:
                    for g in GRANULES:
                        s = pd[('dma', mem, th, g)][k]['map']
                        if s.ok:
                            f.write(f'{g} {s.med()} {s.lo()} {s.hi()}\n')
                with open(f'{d}/dma-{mem}-{k}-{th}-fail.dat', 'w') as f:
                    for g in GRANULES:
                        s = pd[('dma', mem, th, g)][k]['map']
                        if s.fails:
                            # 1 thread above, 2 threads below, ours lower
                            f.write(f'{g} {top_y / (1.5 ** (th - 1 + 2 * (k == "zpci")))}\n')
    with open(f'{d}/blk.dat', 'w') as f:
        for i, (bs, op) in enumerate([(1048576, 'write'), (1048576, 'read'),
                                      (4096, 'write'), (4096, 'read')]):
            row = [str(i), f'"{op} {bs // 1024}K"']
            for k in KERNELS:
                s = pd[('blk', bs, op)][k]
                row += [str(s.med() or 0), str(s.lo() or 0), str(s.hi() or 0)]
            f.write(' '.join(row) + '\n')
    with open(f'{d}/clp.dat', 'w') as f:
        for i, n in enumerate((1, 8, 32)):
            row = [str(i), f'"{n} fn"']
            for c in ('clp', 'clp_query_grp'):
                for k in KERNELS:
                    s = pd[('clp', n, c)][k]
                    row.append(str(s.med() if s.ok else 0))
            f.write(' '.join(row) + '\n')

    def nonempty(p):
        return os.path.exists(p) and os.path.getsize(p) > 0

    gp = [f'set terminal pngcairo size 1400,1000 font "sans,10"',
          f'set output "{path}"', 'set termoption noenhanced',
          f'set multiplot layout 2,2 title "zpci-clp bench: stock (base {base}) vs ours, '
          f'QEMU TCG; medians, bars = range"',
          'set key bottom right', 'set grid']
    colors = {'stock': '#c0392b', 'zpci': '#2471a3'}
    for mem in ('1g', '4g'):
        gp += ['set logscale x 2', 'set logscale y', 'set xrange [0.7:1500]',
               f'set yrange [0.5:{fails_y[mem] * 1.5}]',
               'set xlabel "granule (pages)"', 'set ylabel "map latency (µs)"',
               f'set title "dma_map_benchmark map latency, {mem[0]} GiB guest '
               f'(marks at top: failed in a repetition)"']
        plots = []
        for k in KERNELS:
            for th, dt in zip(THREADS, (1, 2)):
                name = 'stock' if k == 'stock' else 'ours'
                f = f'{d}/dma-{mem}-{k}-{th}.dat'
                if nonempty(f):
                    plots.append(f'"{f}" using 1:2:3:4 with yerrorlines lc rgb "{colors[k]}" '
                                 f'dt {dt} title "{name}, {th} thread{"s" if th > 1 else ""}"')
                ff = f'{d}/dma-{mem}-{k}-{th}-fail.dat'
                if nonempty(ff):
                    plots.append(f'"{ff}" using 1:2 with points pt {2 if th == 1 else 6} ps 2 '
                                 f'lc rgb "{colors[k]}" '
                                 f'title "{name}, {th} thr: fails"')
        gp.append('plot ' + ', '.join(plots) if plots else 'set label "no data" at graph 0.5,0.5\nplot NaN notitle')
        gp += ['unset logscale x', 'set xrange [*:*]', 'set yrange [*:*]']
    gp += ['set logscale y']
    gp += ['set style data histogram', 'set style histogram errorbars gap 1 lw 1',
           'set style fill solid 0.7', 'set xlabel ""', 'set ylabel "MiB/s"',
           'set yrange [1:*]', 'set key top right',
           'set title "virtio-blk sequential O_DIRECT throughput (1 GiB guest)"',
           f'plot "{d}/blk.dat" using 3:4:5:xtic(2) lc rgb "{colors["stock"]}" title "stock", '
           f'"" using 6:7:8 lc rgb "{colors["zpci"]}" title "ours"',
           'unset logscale y', 'set yrange [0:*]',
           'set style histogram clustered gap 1', 'set ylabel "CLP requests"', 'set key top left',
           'set title "CLP requests to bring up N functions of one group"',
           f'plot "{d}/clp.dat" using 3:xtic(2) lc rgb "{colors["stock"]}" title "all, stock", '
           f'"" using 4 lc rgb "{colors["zpci"]}" title "all, ours", '
           f'"" using 5 lc rgb "#e59866" title "query group, stock", '
           f'"" using 6 lc rgb "#7fb3d5" title "query group, ours"',
           'unset multiplot']
    with open(f'{d}/bench.gp', 'w') as f:
        f.write('\n'.join(gp) + '\n')
    r = subprocess.run(['gnuplot', f'{d}/bench.gp'], capture_output=True, text=True)
    if r.returncode:
        print(f'bench_report: gnuplot failed: {r.stderr.strip()}', file=sys.stderr)


if __name__ == '__main__':
    sys.exit(main())
