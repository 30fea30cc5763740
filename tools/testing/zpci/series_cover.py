#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The cover letter of make series (make-series.sh).

Usage: series_cover.py COVER BASE BASEVER BUILDTXT RESULTS

Fills the placeholders of the cover letter COVER (git format-patch
--cover-letter) for the series on BASE (6.12 or 7.2) at kernel version
BASEVER: what the series does, how it differs from the series on the
other base and why, the per-commit build (BUILDTXT), and the test and
benchmark results found in the directory RESULTS (make test's
summary.txt, make bench's bench/summary.txt); none is written in here.
"""
import glob
import os
import sys
import textwrap

MAINLINE = '7.2'        # the series for mainline; 6.12 is the LTS backport


def lines(f):
    return open(f).read().splitlines() if os.path.exists(f) else []


def counts(ls):
    c = {k: sum(l.startswith(k + ' ') for l in ls) for k in ('PASS', 'FAIL', 'SKIP')}
    s = f"{c['PASS']} passed, {c['FAIL']} failed"
    return s + (f", {c['SKIP']} skipped" if c['SKIP'] else '')


def tests_text(res):
    summary = lines(f'{res}/summary.txt')
    hdr = ' '.join(lines(f'{res}/summary.hdr')).lstrip('# ')
    if not summary:
        return [f'No make test results in {res}/summary.txt.']
    boots = sorted({l.split()[1].split('/')[0] for l in summary
                    if not l.split()[1].startswith('static/')})
    static = [l for l in summary if l.split()[1].startswith('static/')]
    out = [f'The harness\'s make test ({hdr}): {counts(summary)}',
           f'({len(static)} static checks, {len(boots)} guest boots: {" ".join(boots)}).',
           ''] + ['  ' + l for l in static] + \
          ['  ' + l for l in summary if l.startswith('FAIL ')]
    # The base kernel on the same profiles (make stock, then zpci_run.py
    # --kernel-name stock), where such results were kept.
    stock = []
    for f in sorted(glob.glob(f'{res}/*-stock/results.txt')):
        prof = os.path.basename(os.path.dirname(f))[:-len('-stock')]
        st = [l for l in lines(f) if not l.startswith('#')]
        ours = [l for l in lines(f'{res}/{prof}-zpci/results.txt') if not l.startswith('#')]
        fails = sorted({l.split()[2] if len(l.split()) > 2 else l.split()[1]
                        for l in st if l.startswith('FAIL ')})
        stock.append(f'  {prof}: base {counts(st)}' +
                     (f' ({", ".join(fails)})' if fails else '') +
                     (f'; this series {counts(ours)}' if ours else ''))
    if stock:
        out += ['', 'The base kernel, same configuration, same profiles:'] + stock
    return out


def bench_text(res):
    bench = next((f for f in (f'{res}/bench/summary.txt', f'{res}/bench.md')
                  if os.path.exists(f)), None)
    if not bench:
        return [f'Benchmark: no make bench results in {res}/ for this series.']
    return [f'Benchmark (make bench, {bench}):', ''] + lines(bench)


def subject(path):
    return open(path).readline().strip()


def differences(base):
    """How this series differs from the one on the other base, and why."""
    names = [l.split()[0] for l in open(f'patches/{MAINLINE}/series')
             if l.strip() and not l.startswith('#')]
    own = [n for n in names if os.path.isfile(f'patches/{MAINLINE}/{n}')]
    only = [n for n in own if not os.path.isfile(f'patches/{n}')]
    redone = [n for n in own if n not in only and
              open(f'patches/{MAINLINE}/{n}').read().partition('\n---\n')[0]
              != open(f'patches/{n}').read().partition('\n---\n')[0]]
    if base == MAINLINE:
        head = ['This is the series for mainline.  A backport to the 6.12 LTS kernel',
                'is kept with it; upstream reworked this code after 6.12 (the',
                'blocking domain in 6.13, the identity domain for relaxed',
                'translation in 6.15, region-second and -first tables chosen from',
                'dtsm in 6.16, the s390 MSI code on the IRQ-domain API in 6.19,',
                'PCIBIOS return values of config accesses in 7.0), so the two differ',
                f'in {len(own)} of {len(names)} patches:']
    else:
        head = [f'This is the backport to the 6.12 LTS kernel of the series for',
                f'mainline ({MAINLINE}).  Upstream reworked this code after 6.12 (the',
                'blocking domain in 6.13, the identity domain for relaxed',
                'translation in 6.15, region-second and -first tables chosen from',
                'dtsm in 6.16, the s390 MSI code on the IRQ-domain API in 6.19,',
                'PCIBIOS return values of config accesses in 7.0); this backport',
                f'builds on 6.12\'s code instead, so the two differ in {len(own)} of',
                f'{len(names)} patches:']
    out = head + ['']
    for n in own:
        s7 = subject(f'patches/{MAINLINE}/{n}')
        if n in only:
            out += textwrap.wrap(f'{s7}: mainline only, a fix of code that 6.12 '
                                 'does not have', 72, initial_indent='- ',
                                 subsequent_indent='  ')
            continue
        s6 = subject(f'patches/{n}')
        if n not in redone:
            what = 'the same change on the other base\'s code'
        elif s6 == s7:
            what = 'redone on mainline\'s code (its message says how)'
        else:
            what = f'redone on mainline\'s code as "{s7}"'
        out += textwrap.wrap(f'{s6}: {what}', 72, initial_indent='- ',
                             subsequent_indent='  ')
    return out


BLURB = '''\
The s390 zPCI guest driver learns what a PCI function and its function
group can do from the CLP "query PCI function" and "query PCI function
group" responses.  Linux {basever} stores several of these values and
then uses constants in their place (a 128-byte store-block limit instead
of maxstbl, 4 KiB pages, {tables}),
trusts every value raw (no range checks, no fallback when an emulated
group reports 0), queries each group once per function, and checks the
4 KiB rule of PCI STORE BLOCK on the memory address instead of the PCI
address, so that some copies to BAR space fail with -ENXIO under QEMU.

This series makes the guest respect every value the hypervisor reports,
validate it, and fall back, visibly and documented, when a value is
absent or impossible:

- first, fixes on their own: a zPCI bus whose creation failed is
  released without leaking its resource list{msi_fix}, the IOMMU
  driver's iova_to_phys() adds the offset in the page, and a PCI STORE
  BLOCK without MIO reads the function handle with READ_ONCE();
- a capability layer (pci_caps.c, pci_caps_setup.c) decodes and
  validates both responses once, caches group responses, keeps each
  value in effect in its zpci_dev field and records what was reported
  and why the value differs; sysfs (clp/) and debugfs report it, one
  message per fallback names the field;
- BAR copies and the MMIO syscalls split stores by the function's
  maxstbl and the PCI address (pci_store.c);
- MSI setup respects noi and frees exactly what it allocated; the host
  bridge is released when a zPCI bus goes away; a function whose
  bring-up failed returns to standby;
- the IOMMU domain gets the function's aperture, and a DMA mask that
  ends below the aperture is refused;
- two dma-iommu changes, independent of s390 and of the rest: the flush
  queue is flushed before an IOVA allocation fails, and a flush-queue
  entry is initialised when it is filled, not every entry when the
  queue is set up (32768 entries for a function that needs refresh).
  Function bring-up gets faster through the second alone; the series
  itself adds about 20,000 guest instructions a function;
- VFIO reports the values in effect in the zPCI capabilities;
- CLP response framing is checked; a test-only CLP response override
  and fault injection (modelled on CIO_INJECT), KUnit suites, the
  kselftests of drivers/s390x/zpci and a coccinelle rule come with it.

Base: Linux {basever} (Debian linux-source-{base}); the series applies
with git am.

Testing: with the QEMU harness of the zpci-clp project repository
(tools/testing/zpci there, with the config fragments its guests use;
project tooling, not part of this series): qemu-system-s390x (TCG),
s390-ccw-virtio, virtio functions as zPCI functions (emulated group
0xFF), one boot per device profile with KUnit and the kselftests of
drivers/s390x/zpci; every boot fails on any Oops, WARNING, KASAN,
kmemleak, lockdep or hung-task report.  Static checks: checkpatch
--strict on these mails (no ERROR), kernel-doc -Wall, sparse C=2 and
coccicheck against the base, the documentation build.'''

TABLES = {
    '6.12': 'region-third tables whatever dtsm says',
    '7.2': 'a dtsm test that reads the IOTA encodings of region-second\n'
           'and -first (0x08, 0x0c) where dtsm has the bit 0x80 >> type',
}
# The release fix of the per-bus MSI domain, which only 7.2 has.
MSI_FIX = {
    '6.12': '',
    '7.2': ' or removing\n  an MSI domain it never had (a boot-time oops)',
}


def main():
    path, base, basever, buildtxt, res = sys.argv[1:6]
    blurb = BLURB.format(basever=basever, base=base, tables=TABLES[base],
                         msi_fix=MSI_FIX[base])
    body = '\n'.join([blurb, ''] + differences(base) + ['', buildtxt, ''] +
                     tests_text(res) + [''] + bench_text(res)).rstrip()
    text = open(path).read()
    text = text.replace('*** SUBJECT HERE ***',
                        's390/pci: respect, validate and report every CLP value')
    text = text.replace('*** BLURB HERE ***', body)
    if '***' in text:
        sys.exit('series: ERROR: the cover letter still has a placeholder')
    open(path, 'w').write(text)


if __name__ == '__main__':
    main()
