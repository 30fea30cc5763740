# SPDX-License-Identifier: GPL-2.0
"""make run's table (README, "make run and make test"): the CLP values in
effect, a column per function and a row per field, from the lines of the
guest's zpci_report, then the kernel's messages about those functions.
zpci_run.py prints it (--report) and writes it into every boot's
report.txt.
"""

import re
import sys
import textwrap

ARROW = '\u2192' if (sys.stdout.encoding or '').lower().replace('-', '') == 'utf8' else '->'


def parse_report(lines):
    """zpci_report's lines: {bdf: (header dict, [[field, reported, in
    effect, source]], msi_allowed)}."""
    fns = {}
    for line in lines:
        bdf, _, rest = line.partition(' ')
        if rest.startswith('fid='):
            fns[bdf] = (dict(kv.split('=', 1) for kv in rest.split()), [], '1')
        elif rest.startswith('in-effect:') and 'msi_allowed=0' in rest:
            fns[bdf] = fns[bdf][:2] + ('0',)
        elif rest.startswith('  ') and bdf in fns:
            fns[bdf][1].append(rest.split())
    return fns


def render_table(heads, rows, width):
    """Text lines of a table: heads and rows are (label, [cell, ...]).  A
    table wider than @width first breaks its cells after the arrow, then
    splits into tables of fewer columns."""
    lab = max(len(label) for label, _ in heads + rows)
    ncol = len(heads[0][1])
    for split in (False, True):
        def lines(c):
            return c.replace(ARROW, ARROW + '\n').split('\n') if split else [c]
        w = [max(len(x) for _, cells in heads + rows for x in lines(cells[i]))
             for i in range(ncol)]
        if lab + sum(w) + 2 * ncol <= width:
            break
    groups = [[]]
    for i in range(ncol):
        if groups[-1] and lab + sum(w[j] + 2 for j in groups[-1] + [i]) > width:
            groups.append([])
        groups[-1].append(i)
    out = []
    for g in groups:
        for label, cells in heads + [('-' * lab, ['-' * w[i] for i in range(ncol)])] + rows:
            parts = [lines(cells[i]) for i in g]
            for k in range(max(map(len, parts))):
                out.append(((label if k == 0 else '').ljust(lab) + ''.join(
                    '  ' + (p[k] if k < len(p) else '').ljust(w[i])
                    for p, i in zip(parts, g))).rstrip())
        out.append('')
    return out


def clp_table(report, profile, console, width):
    """make run's table: a row per CLP field, a column per function, each
    cell the value in effect (reported->used where they differ, marked),
    then the kernel's messages about those functions."""
    fns = parse_report(report)
    fid = {b: int(fns[b][0]['fid'], 16) for b in fns}
    bdfs = sorted(fns, key=fid.get)
    names = {f.fid: f.name for f in profile.functions}
    marks = {'fallback': '*', 'override': '+', 'limit': '<'}

    def cell(rep, eff, src, refused):
        mark = marks.get(src, '') + ('!' if refused else '')
        return (eff if rep == eff else rep + ARROW + eff) + (' ' + mark if mark else '')

    heads = [(label, [f(fns[b][0]) for b in bdfs]) for label, f in (
        ('function', lambda h: names.get(int(h['fid'], 16), '?')),
        ('fid', lambda h: h['fid'].replace('0x', '').lstrip('0') or '0'),
        ('driver', lambda h: h['driver']),
        ('pfgid', lambda h: h['pfgid'].replace('0x', '')),
        ('msi used', lambda h: h['msi_vectors']))]
    rows = [(r[0], [cell(*fns[b][1][i][1:], fns[b][2] == '0' and r[0] in ('noi', 'msia'))
                    for b in bdfs])
            for i, r in enumerate(fns[bdfs[0]][1] if bdfs else []) if r[0] != 'pfgid']
    out = render_table(heads, rows, width) if bdfs else ['no zPCI function on the PCI bus']
    notes = [f'a{ARROW}b: a reported, b in effect; * fallback, + CLP override, '
             '< kernel limit, ! refused (MSI)']
    absent = [f'{n} (fid {f:x})' for f, n in names.items() if f not in fid.values()]
    if absent:
        notes.append('not on the PCI bus: ' + ', '.join(absent))
    dump = console
    if '@@ZPCI dmesg-begin' in console:
        dump = console[console.index('@@ZPCI dmesg-begin'):]
    about = re.compile(r'\bfid ([0-9a-f]+)|function ([0-9a-f]{8})\b')

    def ours(line):
        if line.startswith('zpci: '):
            m = about.search(line)
            return not m or int(m.group(1) or m.group(2), 16) in set(names) | set(fid.values())
        return any(f' {b}: ' in line for b in bdfs) and re.search(r'refus|DMA mask', line)
    msgs = [line for line in dump if ours(line)]
    notes += ['', f'kernel messages ({len(msgs)}):'] + msgs if msgs else []
    return out + [textwrap.fill(m, width - 1, subsequent_indent='    ') for m in notes]
