#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A new file of the series as it reads at one commit (make-series.sh).

The repository holds each new file once, as it is at the end of the series.
A commit before the end shows it without what arrives later:

  - a block of "#ifdef CONFIG_X", "#if IS_ENABLED(CONFIG_X)" or
    "#if defined(CONFIG_X)" whose X no Kconfig of the tree defines yet is
    read as false (its #else part stays, without the directives);
  - in a header, a prototype of a function that no file of the tree
    defines yet is left out, with a comment and a conditional that only
    served it.

Usage: series_view.py [--from DIR] TREE FILE...  rewrites TREE/FILE from
DIR/FILE (default ./FILE) for each C source or header FILE (paths relative
to the kernel tree) and prints those that differ from their final form.  A conditional it cannot read
(#elif after such an option, an expression of options not all defined)
stops it with a message: make series fails rather than guess.
"""
import os
import re
import subprocess
import sys

COND = re.compile(r'#\s*(ifdef|ifndef|if)\s+(?:IS_ENABLED\(|defined\(?)?'
                  r'(CONFIG_\w+)\)?\s*(/\*.*\*/)?$')
DIRECTIVE = re.compile(r'\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b')
STUB = re.compile(r'static inline .*\b(\w+)\(')
PROTO = re.compile(r'^[a-z][\w\s*]*?\b(\w+)\((?:[^;{}]*)\);$', re.S)
DIRS = ['arch/s390', 'drivers/iommu', 'drivers/vfio/pci']


def grep(tree, pattern, include):
    """Whether any file of the tree under DIRS matches the regex."""
    r = subprocess.run(['grep', '-rqE', f'--include={include}', pattern] +
                       [d for d in DIRS if os.path.isdir(f'{tree}/{d}')],
                       cwd=tree)
    return r.returncode == 0


KCONFIG = {}                    # tree: the symbols its Kconfig files define


def defined_symbols(tree, text):
    """The CONFIG_ symbols the text tests that some Kconfig defines."""
    if tree not in KCONFIG:
        # one walk of the tree for every file of this run
        r = subprocess.run(['grep', '-rhE', '--include=Kconfig*',
                            r'^\s*(menu)?config\s+\w+\s*$', '.'], cwd=tree,
                           capture_output=True, text=True)
        KCONFIG[tree] = {line.split()[-1] for line in r.stdout.splitlines()}
    out = set()
    for sym in set(re.findall(r'CONFIG_(\w+)', text)):
        name = sym[:-len('_MODULE')] if sym.endswith('_MODULE') else sym
        if name in KCONFIG[tree]:
            out.add(f'CONFIG_{sym}')
    return out


def resolve_absent(lines, known, stubs):
    """Drop the conditionals on symbols not in known, keeping the false side.

    The names of the static inline functions kept from a false side are
    added to stubs.
    """
    out, stack = [], []         # stack: (absent?, keep this part?)
    for n, line in enumerate(lines, 1):
        d = DIRECTIVE.match(line)
        kind = d.group(1) if d else None
        if kind in ('if', 'ifdef', 'ifndef'):
            m = COND.match(line.strip())
            absent = bool(m) and m.group(2) not in known
            if not m and set(re.findall(r'CONFIG_\w+', line)) - known:
                sys.exit(f'series_view: line {n}: cannot read "{line.strip()}" '
                         'without an option not defined yet')
            keep = not absent or m.group(1) == 'ifndef'
            stack.append((absent, keep))
            if absent:
                continue
        elif kind == 'elif' and stack and stack[-1][0]:
            sys.exit(f'series_view: line {n}: #elif after an option not '
                     'defined yet')
        elif kind in ('else', 'endif') and stack:
            absent, keep = stack[-1]
            if kind == 'else':
                stack[-1] = (absent, not keep if absent else keep)
            else:
                stack.pop()
            if absent:
                continue
        if all(k for _, k in stack):
            out.append(line)
            m = STUB.match(line)
            if m and any(a for a, _ in stack):
                stubs.add(m.group(1))
    return out


def drop_unused_stubs(text, stubs, tree):
    """Leave out the stubs (of absent options) that no C file calls yet."""
    for name in stubs:
        if not grep(tree, rf'\b{name}\(', '*.c'):
            text = re.sub(rf'static inline [^\n]*\b{name}\([^)]*\)\n\{{.*?\n\}}\n',
                          '', text, flags=re.S)
    return text


def items(para):
    """A paragraph's comments, directives and declarations, one item each."""
    out, cur = [], []
    for line in para.split('\n'):
        cur.append(line)
        if cur[0].startswith('/*') and '*/' not in line:
            continue
        if cur[0][:1].isalpha() and not line.endswith((';', '}')):
            continue
        out.append('\n'.join(cur))
        cur = []
    return out + (['\n'.join(cur)] if cur else [])


def undefined(item, tree):
    """The item is a prototype of a function no file of the tree defines."""
    m = PROTO.match(item)
    return bool(m) and not (
        grep(tree, rf'^[A-Za-z_].*\b{m.group(1)}\([^;]*$', '*.c') or
        grep(tree, rf'^static inline .*\b{m.group(1)}\(', '*.h'))


def drop_undefined(text, tree):
    """Leave out prototypes (and what only served them) nobody defines yet."""
    paras = text.split('\n\n')
    for i, para in enumerate(paras):
        its = items(para)
        kept = [it for it in its if not undefined(it, tree)]
        if kept == its:
            continue
        body = '\n'.join(kept)
        # what is left is only a comment or an empty conditional
        rest = re.sub(r'/\*.*?\*/|^#\s*(if.*|else|endif.*)$', '', body,
                      flags=re.S | re.M)
        paras[i] = body if rest.strip() else None
    text = '\n\n'.join(p for p in paras if p is not None)
    return re.sub(r'\n{3,}', '\n\n', text)


def view(path, tree):
    text = open(path).read()
    if not path.endswith(('.c', '.h')):
        return text
    known = defined_symbols(tree, text)
    stubs = set()
    text = '\n'.join(resolve_absent(text.split('\n'), known, stubs))
    if path.endswith('.h'):
        text = drop_undefined(drop_unused_stubs(text, stubs, tree), tree)
    return text


def main():
    args = sys.argv[1:]
    src = '.'
    if args[:1] == ['--from']:
        src, args = args[1], args[2:]
    tree, files = args[0], args[1:]
    for f in files:
        text = view(f'{src}/{f}', tree)
        with open(f'{tree}/{f}', 'w') as out:
            out.write(text)
        if text != open(f'{src}/{f}').read():
            print(f)


if __name__ == '__main__':
    main()
