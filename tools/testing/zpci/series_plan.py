#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The plan of make series (make-series.sh): its commits, files and messages.

Usage: series_plan.py MAP PLAN SERIES BASE

Reads the quilt series file SERIES (patches/series, or patches/7.2/series
for BASE=7.2: a name there is patches/7.2/NAME when that exists, else
patches/NAME) and the series map MAP (tools/testing/zpci/series-map: which
commit adds each new file), and the tracked files in PLAN/files.  Writes
into the directory PLAN:

  steps        "I KIND NAME" per commit, in order (KIND: patch or commit)
  I.msg        the commit message of step I
  I.files      the new files step I adds
  I.patch      the quilt patch of step I without its changes to new files
               (a patch of patches/7.2/ may adapt a new file to that base;
               the commit then adds the file in its adapted form, as
               make prepare's tree holds it)
  tooling      the tracked files that are the project's tooling

and exits with every error found, one line each.
"""
import fnmatch
import os
import re
import sys


def parse_map(mapfile, series, err):
    """The map's steps: name -> {'kind', 'pats', 'msg'}."""
    steps, cur = {}, None
    for ln, line in enumerate(open(mapfile), 1):
        line = line.rstrip('\n')
        where = f'{mapfile}:{ln}'
        if not line.strip() or line.startswith('#'):
            continue
        word = line.split()
        if word[0] == 'patch' and len(word) == 2:
            if word[1] not in series:
                err.append(f'{where}: {word[1]} is not in the series')
            cur = steps.setdefault(word[1], {'kind': 'patch', 'pats': [], 'msg': None})
        elif word[0] == 'commit' and len(word) == 2:
            cur = steps.setdefault(word[1], {'kind': 'commit', 'pats': [], 'msg': []})
        elif word == ['tooling']:
            cur = steps.setdefault('tooling', {'kind': 'tooling', 'pats': [], 'msg': None})
        elif line.startswith('>') and cur and cur['msg'] is not None:
            cur['msg'].append(line[2:] if line.startswith('> ') else line[1:])
        elif line[0] in ' \t' and cur:
            cur['pats'].append(line.strip())
        else:
            err.append(f'{where}: cannot parse: {line}')
    return steps


def assign(files, steps, order, mapfile, err):
    """Every tracked file to the first step, in map order, with a matching
    pattern ("*" matches "/" too)."""
    out = {n: [] for n in order}
    for f in files:
        step = next((n for n, s in steps.items()
                     if any(fnmatch.fnmatchcase(f, p) for p in s['pats'])), None)
        if step is None:
            err.append(f'{f} is in no commit of {mapfile}: add it under the patch '
                       'whose Makefile/Kconfig line builds it, or under tooling')
        else:
            out.setdefault(step, []).append(f)
    for n, s in steps.items():
        for p in s['pats']:
            if not any(fnmatch.fnmatchcase(f, p) for f in out.get(n, [])):
                print(f'series: warning: {mapfile}: pattern {p} ({n}) matches no file')
    return out


def without_new_files(text, new):
    """The diff of a quilt patch without its sections on the files in new."""
    def target(part):
        m = re.match(r'--- .*\n\+\+\+ b/(\S+)', part)
        return m.group(1) if m else None

    return ''.join(p for p in re.split(r'(?m)^(?=--- )', text) if target(p) not in new)


def main():
    mapfile, plan, series_file, base = sys.argv[1:5]
    err = []
    series = [l.split()[0] for l in open(series_file)
              if l.strip() and not l.startswith('#')]
    steps = parse_map(mapfile, series, err)
    # Order: the series, then the map's commits, before the last patch
    # when that only updates MAINTAINERS (maintainers-*.patch): it names
    # their files.
    last = series[-1:] if series[-1].startswith('maintainers') else []
    order = series[:len(series) - len(last)] + \
        [n for n, s in steps.items() if s['kind'] == 'commit'] + last
    tracked = open(f'{plan}/files').read().split()
    files = assign(tracked, steps, order, mapfile, err)
    with open(f'{plan}/tooling', 'w') as f:
        f.write(''.join(t + '\n' for t in files.get('tooling', [])))
    new = set(tracked)
    for i, n in enumerate(order, 1):
        kind = steps[n]['kind'] if n in steps else 'patch'
        if kind == 'commit':
            msg = '\n'.join(steps[n]['msg'])
        else:
            pf = f'patches/{base}/{n}'
            if base == '6.12' or not os.path.isfile(pf):
                pf = f'patches/{n}'
            if not os.path.isfile(pf):
                err.append(f'{pf} is in {series_file} but does not exist')
                continue
            msg, sep, diff = open(pf).read().partition('\n---\n')
            if not sep:
                err.append(f'{pf}: no "---" line after the commit message')
            with open(f'{plan}/{i}.patch', 'w') as f:
                f.write(without_new_files(diff, new))
        if 'Signed-off-by: ' not in msg:
            err.append(f'{n}: the commit message has no Signed-off-by')
        with open(f'{plan}/{i}.msg', 'w') as f:
            f.write(msg.strip() + '\n')
        with open(f'{plan}/{i}.files', 'w') as f:
            f.write(''.join(t + '\n' for t in files[n]))
        with open(f'{plan}/steps', 'a') as f:
            f.write(f'{i} {kind} {n}\n')
    if err:
        sys.exit('\n'.join('series: ERROR: ' + e for e in err))


if __name__ == '__main__':
    main()
