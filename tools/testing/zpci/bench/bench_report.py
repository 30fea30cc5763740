#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The make bench report: build/results/bench.md and bench.png, from the
console logs of the bench boots (build/bench/runs/repN/bench-PROFILE-KERNEL/
console.log) alone.  The header of bench.md and the README's Benchmark
section say how values and verdicts are made; --selftest checks the
statistics on synthetic data.
"""

import argparse
import datetime
import functools
import glob
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import textwrap

KERNELS = ('stock', 'zpci')
GRANULES = (1, 8, 16, 64, 256, 1024)
THREADS = (1, 2)
ALPHA = 0.05        # family-wise, two-sided
EQUAL = 0.10        # "equal": the interval within 1 +- EQUAL
TS = re.compile(r'^\[\s*(\d+\.\d+)\]\s?(.*)$')
INITCALL = re.compile(r'initcall (\w+)\+\S+ returned -?\d+ after (\d+) usecs')


@functools.lru_cache(None)
def u_counts(n1, n2):
    """Exact null distribution of the Mann-Whitney U of samples of n1 and
    n2: counts[u] of the C(n1 + n2, n1) equally likely orderings."""
    if not n1 or not n2:
        return (1,)
    out = [0] * (n1 * n2 + 1)
    for u, c in enumerate(u_counts(n1 - 1, n2)):   # largest from sample 1
        out[u + n2] += c
    for u, c in enumerate(u_counts(n1, n2 - 1)):
        out[u] += c
    return tuple(out)


def ratio_ci(a, b, level):
    """Interval for the ratio b/a of two positive samples at confidence
    level: [R(k), R(n1*n2 + 1 - k)] of the sorted pairwise ratios, k the
    largest with P(U < k) <= (1 - level) / 2.  None if the samples are too
    small for the level or not positive."""
    if min(a + b) <= 0:
        return None
    counts, total = u_counts(len(a), len(b)), math.comb(len(a) + len(b), len(a))
    k, cum = 0, 0
    while cum + counts[k] <= (1 - level) / 2 * total:
        cum += counts[k]
        k += 1
    if not k:
        return None
    r = sorted(y / x for x in a for y in b)
    return r[k - 1], r[-k]


def verdict(ci, higher_better, equal=EQUAL):
    """worse/better: the interval excludes 1; equal: it is within 1 +- equal."""
    if ci[0] > 1 or ci[1] < 1:
        return 'better' if (ci[0] > 1) == higher_better else 'worse'
    return 'equal' if 1 - equal <= ci[0] and ci[1] <= 1 + equal else 'inconclusive'


class Stat:
    """Values of one measurement over the repetitions, plus failures."""

    def __init__(self, values=(), fails=(), runs=0):
        self.values, self.fails, self.runs = [v for v in values if v is not None], fails, runs
        self.ok = bool(self.values)
        self.med = statistics.median(self.values) if self.ok else None
        self.lo = min(self.values) if self.ok else None
        self.hi = max(self.values) if self.ok else None

    def fmt(self, fmt='{:.1f}'):
        if not self.runs:
            return 'not measured'
        s = fmt.format(self.med) if self.ok else ''
        s += f' [{fmt.format(self.lo)}-{fmt.format(self.hi)}]' if len(self.values) > 1 else ''
        if self.fails:
            s += (f' **FAILS** {"/".join(sorted(set(self.fails)))} '
                  f'({len(self.fails)}/{self.runs})')
        return s.strip()


class Cmp:
    """One comparison, ours (or the control) against stock; judged once
    the number of comparisons is known."""

    def __init__(self, cmps, label, stock, ours, higher_better):
        cmps.append(self)
        self.label, self.stock, self.ours = label, stock, ours
        self.higher_better = higher_better
        self.ratio = ours.med / stock.med if ours.ok and stock.ok and stock.med else None
        self.ci = self.verdict = None

    def judge(self, m):
        if self.ratio is not None:
            self.ci = ratio_ci(self.stock.values, self.ours.values, 1 - ALPHA / m)
            self.verdict = verdict(self.ci, self.higher_better) if self.ci else 'not judged'

    def __str__(self):
        if self.ratio is None:
            return 'n/a'
        ci = f' [{self.ci[0]:.2f}-{self.ci[1]:.2f}]' if self.ci else ''
        v = '**worse**' if self.verdict == 'worse' else self.verdict
        return f'{self.ratio:.2f}{ci} {v}'


def judge_all(cmps):
    """Judge every comparison at level 1 - ALPHA/m; m = those with a ratio."""
    m = max(1, sum(c.ratio is not None for c in cmps))
    for c in cmps:
        c.judge(m)
    return m


def parse_log(path):
    """One boot: its @@BENCH records, and one "initcall" record per
    initcall_debug line of the kernel log dumped at its end."""
    recs, in_dmesg = [], False
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\r\n')
            if line.startswith('@@ZPCI dmesg-'):
                in_dmesg = line.startswith('@@ZPCI dmesg-begin')
                continue
            m = TS.match(line)
            if in_dmesg:
                ic = INITCALL.search(line)
                if ic:
                    recs.append(('initcall', {'name': ic.group(1), 'usecs': ic.group(2)}))
                continue
            line = m.group(2) if m else line
            i = line.find('@@BENCH ')
            parts = line[i + len('@@BENCH '):].split(None, 1) if i >= 0 else []
            if parts:
                kv = ' '.join(parts[1:]).split()
                recs.append((parts[0], dict(t.split('=', 1) for t in kv if '=' in t)))
    return {'recs': recs}


def load_runs(runs):
    """{(profile, kernel): [boot, ...]} in repetition order."""
    data = {}
    for d in sorted(glob.glob(os.path.join(runs, 'rep*', 'bench-*')),
                    key=lambda p: (int(re.search(r'rep(\d+)', p).group(1)), p)):
        m = re.match(r'bench-(.+)-(stock|zpci|control)$', os.path.basename(d))
        if not m:
            continue
        log = os.path.join(d, 'console.log')
        boot = parse_log(log) if os.path.exists(log) else {'recs': []}
        boot['dir'] = d
        status = os.path.join(d, 'runner-status')
        boot['runner'] = int(open(status).read() or 0) if os.path.exists(status) else None
        data.setdefault((m.group(1), m.group(2)), []).append(boot)
    return data


def stat_of(boots, kind, match, value, fail=None):
    """A Stat over boots of the value of the first record matching."""
    vals, fails = [], []
    for b in boots:
        rec = next((kv for k, kv in b['recs'] if k == kind and match(kv)), None)
        err = 'not run' if rec is None else fail(rec) if fail else None
        if err:
            fails.append(err)
            continue
        try:
            vals.append(value(rec))
        except (KeyError, ValueError, ZeroDivisionError):
            fails.append('no value')
    return Stat(vals, fails, len(boots))


def expected_stores(offset, length, maxstbl):
    """Store instructions the rule allows: per 4 KiB-bounded chunk of the
    PCI range, ceil(chunk length / maxstbl)."""
    n, pos, end = 0, offset, offset + length
    while pos < end:
        chunk = min(end, (pos // 4096 + 1) * 4096) - pos
        n += -(-chunk // maxstbl)
        pos += chunk
    return n


class Table:
    """A markdown table, rendered when written: its comparisons are judged
    once all of them are known."""

    def __init__(self, head, rows):
        self.head, self.rows = head, rows

    def __str__(self):
        out = ['| ' + ' | '.join(self.head) + ' |', '|' + '---|' * len(self.head)]
        return '\n'.join(out + ['| ' + ' | '.join(map(str, r)) + ' |' for r in self.rows])


# --- the sections: each returns [(title, table)] and adds to r ---------
#
# r: {'boots': f(profile, kernel), 'ours': 'zpci' or 'control',
#     'cmps': [Cmp], 'goals': [(goal, verdict, evidence)], 'plot': {}}

def pair(r, profile, *args, **kw):
    """{'stock': Stat, 'zpci': Stat} of one measurement (ours as 'zpci')."""
    return {k: stat_of(r['boots'](profile, o), *args, **kw)
            for k, o in zip(KERNELS, ('stock', r['ours']))}


def dma_section(r):
    """1. DMA map/unmap latency; 3b. RPCITs; the goal of success."""
    rows, rpcit_rows, stock_failed, ours_failed, missing = [], [], [], [], []
    for mem in ('1g', '4g'):
        for th in THREADS:
            for g in GRANULES:
                def match(kv, th=th, g=g):
                    return kv.get('threads') == str(th) and kv.get('granule') == str(g)

                def st(value, mem=mem, match=match):
                    return pair(r, mem, 'dma', match, value, lambda kv: None if
                                kv.get('status') == 'ok' else kv.get('status', '?'))
                mp = st(lambda kv: int(kv['map_100ns']) / 10)
                um = st(lambda kv: int(kv['unmap_100ns']) / 10)
                rp = st(lambda kv: 10000 * int(kv['rpcit']) / int(kv['dma_map_pairs']))
                pr = st(lambda kv: int(kv['dma_map_pairs']))
                label = f'{mem[0]} GiB, {th} thr, {g} pg'
                rows.append([label, mp['stock'].fmt(), mp['zpci'].fmt(),
                             Cmp(r['cmps'], f'DMA map {label}', mp['stock'], mp['zpci'], False),
                             um['stock'].fmt(), um['zpci'].fmt(),
                             Cmp(r['cmps'], f'DMA unmap {label}', um['stock'], um['zpci'], False)])
                rpcit_rows.append([label] + [s[k].fmt('{:.0f}') for s in (rp, pr)
                                             for k in KERNELS])
                stock_failed += [label] if mp['stock'].fails else []
                missing += [label] if not mp['zpci'].runs else []
                if mp['zpci'].runs and mp['zpci'].fails:
                    ours_failed.append(label + ('' if mp['stock'].fails
                                                else ' (where stock succeeds)'))
                r['plot'][('dma', mem, th, g)] = mp
    goal = 'success at every granule where stock fails'
    if ours_failed:
        r['goals'].append((goal, '**NOT MET**', 'ours fails at: ' + '; '.join(ours_failed)))
    elif missing:
        r['goals'].append((goal, 'not measured',
                           f'{len(missing)} of {len(rows)} points not measured for ours'))
    else:
        r['goals'].append((goal, 'met', f'stock fails at {len(stock_failed)} of {len(rows)} '
                           f'points ({"; ".join(stock_failed) or "none"}); ours succeeds at '
                           'every point in every repetition'))
    return [('1. DMA map/unmap latency (dma_map_benchmark, 64-bit mask, µs per operation; '
             'lower is better)',
             Table(['guest, threads, granule', 'stock map', 'ours map', 'ratio [CI]',
                    'stock unmap', 'ours unmap', 'ratio [CI]'], rows)),
            ('3b. RPCITs per 10,000 map/unmap pairs (and pairs made per 1 s run)',
             Table(['guest, threads, granule', 'stock RPCIT/10k', 'ours RPCIT/10k',
                    'stock pairs', 'ours pairs'], rpcit_rows))]


def blk_section(r):
    """2. virtio-blk throughput; 3c. zPCI instructions per MiB."""
    rows, int_rows = [], []
    for bs in (1048576, 4096):
        for op in ('write', 'read'):
            def match(kv, bs=bs, op=op):
                return kv.get('op') == op and kv.get('bs') == str(bs)
            st = pair(r, '1g', 'blk', match,
                      lambda kv: (int(kv['bytes']) / 2**20) / (int(kv['ns']) / 1e9))
            label = f'seq {op}, {bs // 1024} KiB requests'
            rows.append([label, st['stock'].fmt(), st['zpci'].fmt(),
                         Cmp(r['cmps'], f'virtio-blk {label}', st['stock'], st['zpci'], True)])
            per = [pair(r, '1g', 'blk', match,
                        lambda kv, c=c: int(kv[c]) / (int(kv['bytes']) / 2**20))
                   for c in ('rpcit', 'pcistg')]
            int_rows.append([label] + [p[k].fmt() for p in per for k in KERNELS])
            r['plot'][('blk', bs, op)] = st
    return [('2. virtio-blk sequential throughput, O_DIRECT (MiB/s, 1 GiB guest; '
             'higher is better)', Table(['workload', 'stock', 'ours', 'ratio [CI]'], rows)),
            ('3c. zPCI instructions per MiB of virtio-blk I/O (1 GiB guest)',
             Table(['workload', 'RPCIT stock', 'RPCIT ours', 'PCISTG stock',
                    'PCISTG ours'], int_rows))]


def clp_section(r):
    """3a. CLP requests of the boot; the goal of one group query per group."""
    rows, grp = [], []
    for n in (1, 8, 32):
        row = [f'{n} function{"s" * (n > 1)}']
        for c in ('clp', 'clp_list', 'clp_query_fn', 'clp_query_grp', 'clp_set_fn'):
            st = pair(r, f'clp{n}', 'clp', lambda kv: True, lambda kv, c=c: int(kv[c]))
            row += [st['stock'].fmt('{:.0f}'), st['zpci'].fmt('{:.0f}')]
            r['plot'][('clp', n, c)] = st
        rows.append(row)
        s = r['plot'][('clp', n, 'clp_query_grp')]
        z = s['zpci']
        grp.append((n, s, bool(z.runs and z.ok and not z.fails and z.lo == z.hi == 1)))
    goal = 'one group query per group, not per function (1 group)'
    if not all(s['zpci'].runs for _, s, _ in grp):
        r['goals'].append((goal, 'not measured', 'CLP boots missing'))
    else:
        r['goals'].append((goal, 'met' if all(ok for _, _, ok in grp) else '**NOT MET**',
                           '; '.join(f'{n} function{"s" * (n > 1)}: stock '
                                     f'{s["stock"].fmt("{:.0f}")}, ours '
                                     f'{s["zpci"].fmt("{:.0f}")}' for n, s, _ in grp)
                           + ' query-group requests'))
    return [('3a. CLP requests to bring up N functions of one group (whole boot; '
             'stock / ours)',
             Table(['functions', 'all CLP stock', 'ours', 'list stock', 'ours',
                    'query fn stock', 'ours', 'query group stock', 'ours',
                    'set fn stock', 'ours'], rows))]


def store_section(r):
    """3d. store instructions against the rule; 3e. copy throughput."""
    recs = [kv for k in ('zpci', 'stock') for b in r['boots']('1g', k)
            for kind, kv in b['recs'] if kind == 'store']
    rows, perf, ok, bad = [], [], [], []
    for case in dict.fromkeys(kv.get('case') for kv in recs):
        def match(kv, case=case):
            return kv.get('case') == case

        def fail(kv):
            return None if kv.get('rc') == '0' else f'rc={kv.get("rc", "setup")}'
        sample = next((kv for kv in recs if kv.get('case') == case and 'req' in kv), None)
        if sample is None:
            continue
        o, ln, rp = sample['req'].split(':')
        off, length, reps = int(o, 16), int(ln), int(rp)
        desc = f'{length} B at 0x{off:x}' + (
            f' x{reps} ({length * reps / 2**20:g} MiB)' if reps > 1 else '')
        if case.startswith('tput-'):
            thr = pair(r, '1g', 'store', match, lambda kv: (int(kv['len']) * int(kv['reps']) /
                                                            2**20) / (int(kv['ns']) / 1e9), fail)
            perf.append([f'{case}: {desc}', thr['stock'].fmt(), thr['zpci'].fmt(),
                         Cmp(r['cmps'], f'BAR copy {case}', thr['stock'], thr['zpci'], True)])
            continue
        maxstbl = pair(r, '1g', 'store', match, lambda kv: int(kv['maxstbl']))
        m = maxstbl['zpci'].med or maxstbl['stock'].med
        exp = expected_stores(off, length, int(m)) * reps if m else None
        st = pair(r, '1g', 'store', match, lambda kv: int(kv['pcistg']) + int(kv['pcistb']),
                  fail)
        good = {k: s.ok and not s.fails and s.lo == s.hi == exp for k, s in st.items()}
        if exp is not None and st['zpci'].runs:
            (ok if good['zpci'] else bad).append(case)
        rows.append([case, desc, int(m) if m else '?', exp if exp is not None else '?']
                    + [st[k].fmt('{:.0f}') + (' ✓' if good[k] else '') for k in KERNELS])
    goal = 'store instructions per 4 KiB-bounded chunk = ceil(length / maxstbl in effect)'
    if not ok and not bad:
        r['goals'].append((goal, 'not measured', 'no store results of ours'))
    else:
        r['goals'].append((goal, '**NOT MET**' if bad else 'met',
                           f'ours: {len(ok)} of {len(ok) + len(bad)} copies issue exactly '
                           'that many stores' + (f' (not: {", ".join(bad)})' if bad else '')))
    out = [('3d. PCI store instructions (PCISTG + PCISTB) of copies to BAR space '
            '(zpci_memcpy_toio() through zpci_bench/bar_write; ✓ = equals the rule)',
            Table(['case', 'copy', 'maxstbl', 'rule: Σ ceil(chunk/maxstbl)', 'stock',
                   'ours'], rows))]
    if perf:
        out.append(('3e. Copy throughput to BAR space (MiB/s; higher is better)',
                    Table(['copy', 'stock', 'ours', 'ratio [CI]'], perf)))
    return out


def iova_fail_section(r):
    """3f. per (profile, threads, granule) where a kernel had failed IOVA
    allocations, the failures and the RPCITs per failure of each."""
    runs = {}       # (profile, threads, granule) -> {kernel: [(fails, rpcit)]}
    for prof in sorted({p for p, _ in r['data']}):
        for k in KERNELS:
            for b in r['boots'](prof, k):
                for kind, kv in b['recs']:
                    if kind == 'dma' and 'iova_fails' in kv:
                        key = (prof, int(kv['threads']), int(kv['granule']))
                        runs.setdefault(key, {}).setdefault(k, []).append(
                            (int(kv['iova_fails']), int(kv['iova_fail_rpcit'])))
    rows = []
    for key in sorted(k for k, v in runs.items() if any(f for l in v.values() for f, _ in l)):
        row = ['{}, {} thr, {} pg'.format(*key)]
        for k in KERNELS:
            v = runs[key].get(k, [])
            failed = [(f, n) for f, n in v if f]
            if not v:
                row += ['not measured'] * 2
            elif not failed:
                row += [f'0 (0/{len(v)} runs)', 'no failure']
            else:
                row += [f'{sum(f for f, _ in failed)} ({len(failed)}/{len(v)} runs)',
                        Stat([n / f for f, n in failed], runs=len(failed)).fmt('{:.2f}')]
        rows.append(row)
    text = ('Failures: failed IOVA allocations, summed over the repetitions (runs with any '
            '/ runs).  RPCITs per failure: those issued while they were tried (ours: flushes '
            'of the flush queue), median [min-max] over the runs with failures; with two '
            'threads the other\'s count too.  iova1m: ours has a 1 MiB aperture (CLP '
            'override), stock one of memory size.\n\n')
    return [('3f. RPCITs per failed IOVA allocation, stock vs ours (dma_map_benchmark; '
             'profile, threads, granule)',
             text + (str(Table(['profile, threads, granule', 'stock failures',
                                'stock RPCIT/failure', 'ours failures', 'ours RPCIT/failure'],
                               rows)) if rows else 'No failed IOVA allocation in either kernel.'))]


def ready_section(r):
    """4. time from boot until every function has a driver, and initcalls."""
    rows = []
    for n in (1, 8, 32):
        prof = f'clp{n}'
        measures = [('boot → every function has a driver (guest, /proc/uptime)', '{:.3f}',
                     pair(r, prof, 'ready', lambda kv: True, lambda kv: float(kv['uptime']),
                          lambda kv: None if kv.get('bound') == kv.get('nfuncs')
                          else 'not all bound'))]
        for init, what in (('pci_base_init', 'zPCI init: CLP, enable, bus scan'),
                           ('virtio_pci_driver_init', 'virtio-pci probes')):
            measures.append((f'{what} ({init}, initcall_debug)', '{:.4f}',
                             pair(r, prof, 'initcall', lambda kv, i=init: kv['name'] == i,
                                  lambda kv: int(kv['usecs']) / 1e6)))
        for name, fmt, st in measures:
            label = f'{n} function{"s" * (n > 1)}: {name}'
            rows.append([label, st['stock'].fmt(fmt), st['zpci'].fmt(fmt),
                         Cmp(r['cmps'], label, st['stock'], st['zpci'], False)])
    return [('4. Time from boot until all functions are ready (seconds; lower is better)',
             Table(['measure', 'stock', 'ours', 'ratio [CI]'], rows))]


def ftrace_section(r):
    """3g. The function profile of the ftrace step (bench/ftrace.config)."""
    keys = sorted({(int(kv['granule']), kv['func']) for k in ('stock', r['ours'])
                   for b in r['boots']('4g', k) for t, kv in b['recs'] if t == 'ftrace'})
    rows = []
    for g, f in keys:
        def match(kv, g=g, f=f):
            return kv['granule'] == str(g) and kv['func'] == f
        calls = pair(r, '4g', 'ftrace', match, lambda kv: int(kv['calls']))
        us = pair(r, '4g', 'ftrace', match, lambda kv: float(kv['us']) / int(kv['calls']))
        rows.append([f'{g} pg', f] + [s[k].fmt(fmt) for s, fmt in ((calls, '{:.0f}'),
                                                               (us, '{:.3f}'))
                                      for k in KERNELS])
    return [('3g. Where the DMA time goes: ftrace\'s function profile, 4 GiB guest, 1 thread '
             '(µs per call, the functions it calls included, profiling overhead included; '
             'kernels built with bench/ftrace.config)',
             Table(['granule', 'function', 'stock calls', 'ours calls', 'stock µs/call',
                    'ours µs/call'], rows))] if rows else []


SECTIONS = (dma_section, blk_section, clp_section, store_section, iova_fail_section,
            ready_section, ftrace_section)
ORDER = ('1.', '2.', '3a', '3b', '3c', '3d', '3e', '3f', '3g', '4.')


def analyse(data, ours):
    """Every section of ours (or the control) against stock, judged."""
    r = {'data': data, 'ours': ours, 'cmps': [], 'goals': [], 'plot': {},
         'boots': lambda p, k: data.get((p, k), [])}
    sections = [s for f in SECTIONS for s in f(r)]
    sections.sort(key=lambda s: ORDER.index(s[0][:2]))
    r['m'] = judge_all(r['cmps'])
    return r, sections


def speed_goal(r):
    """The goal of no comparison worse, with the counts of every verdict."""
    v = {}
    for c in r['cmps']:
        v.setdefault(c.verdict or 'n/a', []).append(c.label)
    ev = (f'{len(r["cmps"])} comparisons, {r["m"]} with a ratio, each at a '
          f'{100 * (1 - ALPHA / r["m"]):.2f}% interval (95% for the {r["m"]} together): ' +
          ', '.join(f'{len(v[k])} {k}' for k in sorted(v)))
    if v.get('worse'):
        return ('no comparison worse than stock', '**NOT MET**',
                ev + '; worse: ' + '; '.join(v['worse']))
    off = sorted((1 / c.ratio if c.higher_better else c.ratio, c.label) for c in r['cmps']
                 if c.verdict == 'inconclusive')[:-4:-1]
    ev += ''.join(f'; inconclusive, {b - 1:.0%} worse: {label}' for b, label in off if b > 1.05)
    judged = any(k in v for k in ('better', 'equal', 'inconclusive'))
    if not judged:
        return ('no comparison worse than stock', 'not judged', ev)
    # inconclusive is not worse, and not shown no slower either: say how many
    n = len(v.get('inconclusive', []))
    return ('no comparison worse than stock',
            f'met ({n} inconclusive: neither worse nor equal shown)' if n else 'met', ev)


def control_part(data):
    """Goal and section of the control: stock against stock (BENCH_CONTROL=1)."""
    goal = 'control: stock against stock shows no comparison worse or better'
    if not any(k == 'control' for _, k in data):
        return (goal, 'not measured', 'no control boots (BENCH_CONTROL=1)'), []
    r, _ = analyse(data, 'control')
    g = speed_goal(r)
    better = '; '.join(c.label for c in r['cmps'] if c.verdict == 'better')
    g = (goal, '**NOT MET**', f'{g[2]}; better: {better}') if better else g
    rows = [[c.label, c.stock.fmt('{:.4g}'), c.ours.fmt('{:.4g}'), c] for c in r['cmps']
            if c.ratio is not None]
    return (goal, g[1], g[2]), [(
        '5. Control: the stock kernel booted twice (identical kernels; every verdict but '
        '"worse" and "better" expected; the comparisons with a ratio)',
        Table(['measure', 'stock', 'stock again', 'ratio [CI]'], rows))]


def boots_of(runs):
    """What the boots ran on, from their qemu-cmdline (zpci_run.py writes it).

    Its first line names the QEMU version and the base kernel version; its
    command line the -icount shift, if any; a comment line the vCPU kick.
    Boots that differ in any of them cannot be compared: the report stops.
    """
    seen = set()
    for f in glob.glob(os.path.join(runs, 'rep*', 'bench-*', 'qemu-cmdline')):
        with open(f) as fh:
            text = fh.read()
        m = re.match(r'# (.*), base (\S+)\n', text)
        s = re.search(r' -icount shift=(\d+)', text)
        k = re.search(r'^# the runner kicks the running vCPU every (\S+) s', text, re.M)
        seen.add((m.group(1) if m else 'unknown', m.group(2) if m else 'unknown',
                  int(s.group(1)) if s else None, k.group(1) if k else None))
    if len(seen) > 1:
        sys.exit(f'bench_report: the boots of {runs} ran on different QEMUs, bases or '
                 f'clocks or vCPU kicks: {sorted(seen, key=str)}')
    qemu, base, shift, kick = seen.pop() if seen else ('unknown', 'unknown', None, None)
    return {'qemu': qemu, 'base': base, 'icount': shift, 'kick': kick or ''}


def clock(shift, short=False):
    """What a time in the report measures."""
    if shift is None:
        return 'host time' if short else "host time: the guests' clocks run with the host's"
    if short:
        return f'guest clock {2 ** shift} ns per guest instruction (QEMU -icount)'
    return (f"QEMU -icount shift={shift}: a guest's clock advances {2 ** shift} ns per "
            'instruction it executes, so a time of guest work counts its instructions, '
            "whatever the host's load.  Not in it: the hypervisor's handling of an "
            'intercepted instruction (RPCIT, CLP, PCISTB, and SERVC, which writes the '
            'console: one instruction each).  Host time in it: the time a guest waits '
            'idle (for I/O, a timer), so section 2 and the boot times of section 4 still '
            "carry the host's load.  QEMU runs the vCPUs of an -icount guest one at a "
            "time: a 2-thread point measures two threads' work interleaved, not their "
            'contention')


def header(args, info, reps):
    return [
        '# zpci-clp bench: ours against the stock kernel', '',
        '| | |', '|---|---|',
        f'| base | linux-source-{info["line"]} {info["base"]} (stock = base; ours = base + '
        f'{info["patches"]}series) |',
        f'| QEMU | {info["qemu"]}, s390-ccw-virtio, {info["accel"]} |',
        f'| guest clock | {clock(info["icount"])} |',
    ] + ([
        f'| vCPU kick | every {info["kick"]} s the runner ended the running vCPU\'s turn '
        '(zpci_run.py, KICK_PERIOD): QEMU before 8.1 can starve one vCPU of an -icount '
        'guest for good, and the guest hangs (it did at 2-thread DMA points).  The kick '
        'does not move the guest clock and is the same for both kernels; it changes the '
        'order of the vCPUs\' turns, and so, at 2-thread points, how their work '
        f'interleaves: a starved vCPU spins until the next kick, {info["kick"]} s of host '
        'time, '
        'so 2-thread times carry some of the host\'s load |',
    ] if info.get('kick') else []) + [
        f'| date | {info["now"].strftime("%Y-%m-%d %H:%M UTC")} |',
        f'| configuration | {args.frags} (allnoconfig + fragments, the same for both'
        f'{"; ours also " + args.zpci_frags if args.zpci_frags else ""}) '
        f'+ the counters of tools/testing/zpci/bench/kernel/ and the hooks of '
        f'tools/testing/zpci/bench/{info["patches"][8:]}count-intercepts.patch in both |',
        f'| repetitions | {reps}; every profile boots both kernels back to back, '
        'the order alternating per repetition |',
        f'| host | {os.cpu_count()} CPUs, shared with other work (builds, boots) |',
        f'| make bench took | {info["took"]} (builds included) |', '',
        'Values: median over the repetitions [min-max]; **FAILS** with the error and the '
        'number of repetitions that failed.  Ratio: ours/stock of the medians; for latencies '
        'and times lower is better (above 1 is worse), for throughputs higher is better '
        '(below 1 is worse).  [CI]: the Mann-Whitney (Hodges-Lehmann) interval of the ratio '
        f'at level 1 - {ALPHA}/m, m the number of comparisons (Bonferroni): for identical '
        f'kernels no interval lies wholly on the worse side of 1 with probability '
        f'{1 - ALPHA / 2:.3f} or more.  Verdict: worse or better when the interval excludes 1, '
        f'equal when it lies within 1 ± {EQUAL:g}, otherwise inconclusive; not judged '
        '(fewer values than the level needs: at m = 63 that is under 7 repetitions).', '']


LIMITS = [
    '- Interceptions are counted in the guest at the instruction (count-intercepts.patch): '
    'under TCG QEMU emulates them, and QEMU 7.2 has no trace events for them; under KVM '
    'each counted instruction is one interception.',
    '- MIO: QEMU offers none, so only the function-handle instructions run.',
    '- Copies to BAR space from userspace: stock cannot map a BAR on s390, so both kernels '
    'copy through zpci_memcpy_toio() (zpci_bench/bar_write).',
    '- maxstbl other than 128: QEMU reports 128, the constant stock uses; only the CLP '
    'override (ours only) can present another, so copies inside 4 KiB cannot differ here.',
    '- The IOMMU cost of block I/O: QEMU\'s virtio-blk does not offer '
    'VIRTIO_F_ACCESS_PLATFORM (3c: no RPCIT); section 2 is the cost of notifications and '
    'interrupts, not of DMA mapping.',
    '- TCG timings: relative cost, not what hardware would do; what the guest clock '
    'leaves out (the hypervisor\'s cost of an intercepted instruction: its count is in '
    '3a, 3b) is said once, in the header.',
]


def write_md(path, args, info, data, goals, sections, top):
    reps = max(len(v) for v in data.values())
    lines = header(args, info, reps) + ['## Goals', '',
                                        str(Table(['goal', 'verdict', 'measured'], goals)), '']
    failed = sorted(os.path.relpath(b['dir'], top) for v in data.values() for b in v
                    if b['runner'] not in (0, None))
    if failed:
        lines += ['Boots the runner judged failed (splat, timeout or a guest step that could '
                  'not run): ' + ', '.join(failed), '']
    for title, table in sections:
        lines += [f'## {title}', '', str(table), '']
    lines += ['## What cannot be measured here', ''] + LIMITS + [
        '', 'Raw data: build/bench/runs/repN/bench-PROFILE-KERNEL/console.log; '
        'build/results/bench.json.']
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with open(os.path.join(os.path.dirname(path), 'bench.json'), 'w') as f:
        json.dump({f'{k[0]}/{k[1]}': [{'dir': os.path.relpath(b['dir'], top),
                                       'runner': b['runner'], 'records': b['recs']} for b in v]
                   for k, v in sorted(data.items())}, f, indent=1)


def write_summary(path, args, info, reps, goals, out, top):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = textwrap.wrap(f'zpci-clp bench (make bench): the stock kernel (base {info["base"]}) '
                         f'against ours, same configuration ({args.frags}), {info["qemu"]}, '
                         f'{info["accel"]}, {clock(info["icount"], True)}, '
                         f'{reps} repetitions, '
                         f'{info["now"].strftime("%Y-%m-%d")}; tables in '
                         f'{os.path.relpath(out, top)}.', 72) + ['']
    for goal, v, ev in goals:
        text += textwrap.wrap(f'- {goal}: {v.strip("*")}. {ev}', 72, subsequent_indent='  ')
    with open(path, 'w') as f:
        f.write('\n'.join(text) + '\n')


def plot(path, pd, base, shift):
    """Four gnuplot panels: DMA map latency in 1 GiB and 4 GiB guests (a
    failed point is a mark at the top), virtio-blk throughput, CLP requests."""
    colors = {'stock': '#c0392b', 'zpci': '#2471a3'}
    gp = ['set terminal pngcairo size 1400,1000 font "sans,10"', f'set output "{path}"',
          'set termoption noenhanced', 'set key bottom right', 'set grid',
          f'set multiplot layout 2,2 title "zpci-clp bench: stock (base {base}) vs ours, '
          f'QEMU TCG, {clock(shift, True)}; medians, bars = range"']

    def block(name, rows):
        gp.extend([f'${name} << EOD'] + rows + ['EOD'])
        return f'${name}'
    for mem in ('1g', '4g'):
        top_y = 2 * max([pd[('dma', mem, th, g)][k].hi or 0 for th in THREADS
                         for g in GRANULES for k in KERNELS] + [1])
        plots = []
        for k in KERNELS:
            for th in THREADS:
                pts = [(g, pd[('dma', mem, th, g)][k]) for g in GRANULES]
                who = f'{"stock" if k == "stock" else "ours"}, {th} thr'
                if any(s.ok for _, s in pts):
                    plots.append(block(f'd{mem}{k}{th}', [f'{g} {s.med} {s.lo} {s.hi}'
                                                          for g, s in pts if s.ok]) +
                                 f' using 1:2:3:4 with yerrorlines lc rgb "{colors[k]}" '
                                 f'dt {th} title "{who}"')
                # failures at the top: 1 thread above 2, stock above ours
                y = top_y / 1.5 ** (th - 1 + 2 * (k == 'zpci'))
                if any(s.fails for _, s in pts):
                    plots.append(block(f'f{mem}{k}{th}', [f'{g} {y}' for g, s in pts
                                                          if s.fails]) +
                                 f' using 1:2 with points pt {2 if th == 1 else 6} ps 2 '
                                 f'lc rgb "{colors[k]}" title "{who}: fails"')
        gp += ['set logscale x 2', 'set logscale y', 'set xrange [0.7:1500]',
               f'set yrange [0.5:{top_y * 1.5}]', 'set xlabel "granule (pages)"',
               'set ylabel "map latency (µs)"',
               f'set title "dma_map_benchmark map latency, {mem[0]} GiB guest '
               '(marks at top: failed in a repetition)"',
               'plot ' + (', '.join(plots) or 'NaN title "no data"'),
               'unset logscale x', 'set xrange [*:*]', 'set yrange [*:*]']
    blk = block('blk', [f'{i} "{op} {bs // 1024}K" ' + ' '.join(
        str(getattr(pd[('blk', bs, op)][k], a) or 0) for k in KERNELS for a in ('med', 'lo', 'hi'))
        for i, (bs, op) in enumerate([(1048576, 'write'), (1048576, 'read'), (4096, 'write'),
                                      (4096, 'read')])])
    clp = block('clp', [f'{i} "{n} fn" ' + ' '.join(
        str(pd[('clp', n, c)][k].med or 0) for c in ('clp', 'clp_query_grp') for k in KERNELS)
        for i, n in enumerate((1, 8, 32))])
    gp += ['set logscale y', 'set style data histogram',
           'set style histogram errorbars gap 1 lw 1', 'set style fill solid 0.7',
           'set xlabel ""', 'set ylabel "MiB/s"', 'set yrange [1:*]', 'set key top right',
           'set title "virtio-blk sequential O_DIRECT throughput (1 GiB guest)"',
           f'plot {blk} using 3:4:5:xtic(2) lc rgb "{colors["stock"]}" title "stock", '
           f'"" using 6:7:8 lc rgb "{colors["zpci"]}" title "ours"',
           'unset logscale y', 'set yrange [0:*]', 'set style histogram clustered gap 1',
           'set ylabel "CLP requests"', 'set key top left',
           'set title "CLP requests to bring up N functions of one group"',
           f'plot {clp} using 3:xtic(2) lc rgb "{colors["stock"]}" title "all, stock", '
           f'"" using 4 lc rgb "{colors["zpci"]}" title "all, ours", '
           '"" using 5 lc rgb "#e59866" title "query group, stock", '
           '"" using 6 lc rgb "#7fb3d5" title "query group, ours"', 'unset multiplot']
    res = subprocess.run(['gnuplot'], input='\n'.join(gp) + '\n', capture_output=True,
                         text=True)
    if res.returncode:
        print(f'bench_report: gnuplot failed: {res.stderr.strip()}', file=sys.stderr)


def selftest():
    """The statistics on synthetic data; returns the failures."""
    bad, rnd = [], random.Random(1)
    bad += [f'U {n}' for n in ((1, 1), (3, 4), (7, 7), (10, 9)) if sum(u_counts(*n)) !=
            math.comb(sum(n), n[0]) or u_counts(*n) != u_counts(*n)[::-1]]

    def sample(n, scale=1.0, sd=0.05):
        return [scale * math.exp(rnd.gauss(0, sd)) for _ in range(n)]
    # identical kernels, one comparison at 95%: at most 5% of intervals exclude 1
    miss = sum(not (lo <= 1 <= hi) for lo, hi in
               (ratio_ci(sample(7), sample(7), 0.95) for _ in range(4000)))
    if miss > 0.06 * 4000:
        bad.append(f'95% interval missed 1.0 in {miss} of 4000')
    # 63 comparisons, Bonferroni: at most 2.5% of families with any "worse"
    fam = 0
    for _ in range(300):
        cmps = []
        for _ in range(63):
            Cmp(cmps, '', Stat(sample(7)), Stat(sample(7)), False)
        judge_all(cmps)
        fam += any(c.verdict == 'worse' for c in cmps)
    if fam > 0.05 * 300:
        bad.append(f'control: a family with a worse verdict in {fam} of 300')
    for n, sd, scale, hb, m, want in ((7, 0.05, 1.5, False, 1, 'worse'),
                                      (7, 0.05, 1.5, True, 1, 'better'),
                                      (9, 0.01, 1.0, False, 1, 'equal'),
                                      (7, 0.3, 1.0, False, 1, 'inconclusive'),
                                      (6, 0.01, 1.0, False, 63, 'not judged')):
        cmps = []
        c = Cmp(cmps, '', Stat(sample(n, sd=sd)), Stat(sample(n, scale, sd)), hb)
        judge_all(cmps * m)
        if c.verdict != want:
            bad.append(f'{want}: got {c.verdict} for {c}')
    return bad


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--selftest', action='store_true', help='check the statistics, exit')
    # --summary: the goals in plain text, for make series; --zpci-frags: ours only
    for a in ('--runs', '--out', '--plot', '--summary', '--frags', '--zpci-frags'):
        ap.add_argument(a, default='')
    ap.add_argument('--start', type=int, help='epoch seconds make bench started')
    args = ap.parse_args()
    if not args.selftest and not (args.runs and args.out):
        ap.error('--runs and --out are required')
    return args


def run_info(args):
    """Base, QEMU and clock of the boots, date, accelerator, duration of make bench."""
    now = datetime.datetime.now(datetime.timezone.utc)
    kvm = os.uname().machine == 's390x' and os.access('/dev/kvm', os.W_OK)
    info = boots_of(args.runs)
    # 6.12.117 -> linux-source-6.12 and patches/series; 7.2.13 -> patches/7.2/
    info['line'] = '.'.join(info['base'].split('.')[:2])
    info['patches'] = 'patches/' if info['line'] == '6.12' else f'patches/{info["line"]}/'
    info.update(now=now, accel='KVM' if kvm else 'TCG',
                took=(f'{(int(now.timestamp()) - args.start) / 60:.1f} min' if args.start
                      else 'unknown'))
    return info


def main():
    args = parse_args()
    if args.selftest:
        bad = selftest()
        print('bench_report: selftest ' + ('FAILED: ' + '; '.join(bad) if bad else 'passed'))
        return 1 if bad else 0
    top = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../../..'))
    data = load_runs(args.runs)
    if not data:
        print(f'bench_report: no runs in {args.runs}', file=sys.stderr)
        return 1
    r, sections = analyse(data, 'zpci')
    control_goal, control_sections = control_part(data)
    goals = [speed_goal(r), control_goal] + r['goals']
    info = run_info(args)
    write_md(args.out, args, info, data, goals, sections + control_sections, top)
    if args.summary:
        write_summary(args.summary, args, info, max(len(v) for v in data.values()), goals,
                      args.out, top)
    if args.plot:
        plot(args.plot, r['plot'], info['base'], info['icount'])
    print(f'bench: {os.path.relpath(args.out, top)}' +
          (f', {os.path.relpath(args.plot, top)}' if args.plot else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
