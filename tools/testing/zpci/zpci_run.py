#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot an s390x guest from a zPCI device profile and collect its results.

A profile (tools/testing/zpci/profiles/NAME.ini) names the zPCI functions,
memory, cpus, kernel arguments and the tests to run.  The runner boots
qemu-system-s390x with them, keeps a QMP socket (the guest asks for
hot-plug actions with "@@ZPCI qmp|unplug|plug" console lines), enforces a
hard timeout, parses KTAP (built-in KUnit suites) and TAP (kselftests)
from the console, and fails the boot on any kernel splat.  Every boot's
full console log stays in build/results/<profile>-<kernel>/console.log.

Result lines go to stdout and, with --results, are appended to a file as
"PASS|FAIL|SKIP <name> <detail>" for the make test summary.
"""

import argparse
import configparser
import fcntl
import gzip
import hashlib
import inspect
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from zpci_table import clp_table

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../..'))
PROFILES = os.path.join(TOP, 'tools/testing/zpci/profiles')
KP = None

# Profile function types: QEMU device, PCI vendor and device id QEMU gives
# a transitional virtio function on the zPCI bus.
TYPES = {
    'virtio-net': ('virtio-net-pci', 0x1af4, 0x1000),
    'virtio-blk': ('virtio-blk-pci', 0x1af4, 0x1001),
    'virtio-rng': ('virtio-rng-pci', 0x1af4, 0x1005),
    'virtio-scsi': ('virtio-scsi-pci', 0x1af4, 0x1004),
}
EMULATED_PFGID = 0xff

# Console lines that fail a boot: oops, warnings, BUGs (incl. KASAN),
# kmemleak reports, hung tasks, lockdep reports, panics.
SPLATS = re.compile(
    r'Oops|WARNING:|BUG:|unreferenced object|blocked for more than'
    r'|Kernel panic|possible recursive locking|possible circular locking'
    r'|inconsistent lock state|Unable to handle kernel|Call Trace:'
    r'|kernel stack overflow')
TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')


TTY = sys.stdout.isatty()
LOCK = threading.Lock()
STATUS = ''


def log(msg, status=False):
    """Print a line.  A status line (status=True, '' clears it) is redrawn
    in place on a terminal, under the lines printed after it; elsewhere it
    is printed as any line."""
    global STATUS
    with LOCK:
        if not TTY:
            if msg or not status:
                print(msg, flush=True)
            return
        if status:
            STATUS, msg = msg, None
        cols = shutil.get_terminal_size().columns
        sys.stdout.write('\r\033[K' + (msg + '\n' if msg is not None else '')
                         + STATUS[:cols - 1])
        sys.stdout.flush()


def file_digest(path):
    """SHA-256 of a file's content."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


class Function:
    """One zPCI function of a profile."""

    def __init__(self, name, ftype, uid, fid, opts):
        if ftype not in TYPES:
            raise ValueError(f'function {name}: unknown type {ftype}')
        self.name, self.type, self.uid, self.fid = name, ftype, uid, fid
        self.opts = opts
        self.qdev, self.vendor, self.device = TYPES[ftype]

    def backend_args(self, rundir):
        if self.type == 'virtio-blk':
            img = os.path.join(rundir, f'{self.name}.img')
            with open(img, 'wb') as f:
                f.truncate(int(self.opts.get('disk_mib', '128')) << 20)
            if self.opts.get('keep_data') == 'yes':
                # A disk with data on it (an ext2 filesystem) that the
                # boot must leave as it is: collect() compares the image.
                subprocess.run(['mke2fs', '-q', '-F', '-t', 'ext2', '-L', self.name, img],
                               check=True)
                self.kept = (img, file_digest(img))
            return ['-blockdev', f'driver=file,filename={img},node-name=d-{self.name},'
                    'cache.direct=off,cache.no-flush=on']
        if self.type == 'virtio-net' and self.opts.get('net') == 'user':
            # QEMU user networking, isolated from the host: the guest
            # reaches the network's gateway 10.0.2.2, nothing else.
            return ['-netdev', f'user,id=n-{self.name},restrict=on']
        if self.type == 'virtio-net':
            hub = self.opts.get('hub', '0')
            return ['-netdev', f'hubport,id=n-{self.name},hubid={hub}']
        return []

    def device_args(self):
        dev = f'{self.qdev},id={self.name}'
        if self.type == 'virtio-blk':
            dev += f',drive=d-{self.name}'
        elif self.type == 'virtio-net':
            dev += f',netdev=n-{self.name},romfile='
        extra = self.opts.get('qemu_opts')
        if extra:
            dev += ',' + extra
        return dev

    def zpci_args(self):
        return f'zpci,uid={self.uid},fid={self.fid},target={self.name},id=z-{self.name}'

    def decl(self):
        return (f'{self.fid:x}:{self.uid:x}:{EMULATED_PFGID:x}:'
                f'{self.vendor:x}:{self.device:x}')


def read_profile(path):
    cp = configparser.ConfigParser(inline_comment_prefixes=(';', '#'))
    if not cp.read(path):
        raise FileNotFoundError(path)
    return cp


def load_profiles(path, only=None):
    """The boots of a profile file: one, or one per [variant NAME] section.

    A variant boots the profile's functions with the keys of its section
    replacing those of [profile]; it is named PROFILE.NAME.  With @only,
    just that variant boots.
    """
    variants = [sec.split(None, 1)[1] for sec in read_profile(path).sections()
                if sec.startswith('variant ')]
    if only is not None:
        if only not in variants:
            raise ValueError(f'{path}: no [variant {only}]')
        variants = [only]
    if not variants:
        return [Profile(path)]
    return [Profile(path, v) for v in variants]


class Profile:
    """A device profile: one boot's functions, resources and tests."""

    def __init__(self, path, variant=None):
        cp = read_profile(path)
        p = cp['profile']
        self.name = os.path.splitext(os.path.basename(path))[0]
        if variant:
            merged = configparser.ConfigParser(interpolation=None)
            merged.read_dict({'profile': {**dict(p), **dict(cp['variant ' + variant])}})
            p = merged['profile']
            self.name += '.' + variant
        self.description = p.get('description', '')
        self.memory = p.getint('memory', 1024)
        self.cpus = p.getint('cpus', 2)
        self.append = p.get('append', '')
        self.tests = p.get('tests', '').split()
        self.timeout = p.getint('timeout', 600)
        self.kunit = p.getboolean('kunit', False)
        # Negative controls: tests that must report a failure in this boot.
        self.expect_fail = p.get('expect_fail', '').split()
        self.env = {k[4:].upper(): v for k, v in p.items() if k.startswith('env.')}
        # Shell command the guest's init runs before the tests.
        self.setup = p.get('setup', '')
        # none: the tests run with an empty environment (PATH, HOME, TERM).
        self.environment = p.get('environment', 'profile')
        if self.environment not in ('profile', 'none'):
            raise ValueError(f'{path}: environment = {self.environment}: profile or none')
        # kept: every function must have the driver after the tests that
        # it had before them.
        self.bindings = p.get('bindings', '')
        self.functions = []
        sections = [cp[sec] for sec in cp.sections() if sec.startswith('function ')]
        # Ids the profile declares are reserved before any is assigned.
        used = {k: {int(s[k], 0) for s in sections if k in s} for k in ('uid', 'fid')}

        def pick(kind, s, first, lowest):
            if kind in s and first:
                return int(s[kind], 0)
            n = lowest
            while n in used[kind]:
                n += 1
            used[kind].add(n)
            return n

        for s in sections:
            count = s.getint('count', 1)
            for i in range(count):
                name = s.name.split(None, 1)[1] + (str(i) if count > 1 else '')
                uid = pick('uid', s, i == 0, 1)
                fid = pick('fid', s, i == 0, 0)
                self.functions.append(Function(name, s['type'], uid, fid, dict(s)))

    def guest_env(self, shell):
        env = {
            'ZPCI_PROFILE': self.name,
            'ZPCI_TESTS': ' '.join(self.tests),
            'ZPCI_NFUNCS': str(len(self.functions)),
            'ZPCI_FUNCTIONS': ' '.join(f.decl() for f in self.functions),
            'ZPCI_SHELL': '1' if shell else '0',
            'ZPCI_SETUP': self.setup,
            'ZPCI_ENVIRONMENT': self.environment,
        }
        if self.environment == 'none':
            # What init needs and nothing for the tests.
            del env['ZPCI_FUNCTIONS']
            return env
        blk = [f for f in self.functions if f.type == 'virtio-blk']
        if blk:
            # The runner's disks are scratch images it made for this boot:
            # blk_verify may overwrite the first (not one with keep_data).
            env['ZPCI_BLK_DEV'] = '/dev/vda'
            if blk[0].opts.get('keep_data') != 'yes':
                env['ZPCI_BLK_WRITE'] = 'yes'
        env.update(self.env)
        return env


class Qmp:
    """Minimal QMP client for hot-plug requests from the guest."""

    def __init__(self, path):
        self.path, self.sock, self.buf = path, None, b''
        self.lock = threading.Lock()  # the vCPU kicker shares the socket

    def connect(self):
        for _ in range(100):
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(self.path)
                self._recv()  # greeting
                self.cmd('qmp_capabilities')
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError('QMP socket did not come up')

    def _recv(self):
        while b'\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError('QMP closed')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def cmd(self, execute, **args):
        msg = {'execute': execute}
        if args:
            msg['arguments'] = args
        with self.lock:
            self.sock.sendall(json.dumps(msg).encode() + b'\n')
            while True:
                r = self._recv()
                if 'return' in r or 'error' in r:
                    return r


def make_initrd(base, env, rundir):
    """Append a cpio with /etc/zpci/profile.env to the base initramfs."""
    root = os.path.join(rundir, 'overlay')
    os.makedirs(os.path.join(root, 'etc/zpci'), exist_ok=True)
    with open(os.path.join(root, 'etc/zpci/profile.env'), 'w') as f:
        for k, v in sorted(env.items()):
            f.write(f"export {k}='{v}'\n")
    files = subprocess.run(['find', '.'], cwd=root, check=True,
                           capture_output=True).stdout
    cpio = subprocess.run(['cpio', '-o', '-H', 'newc', '--quiet', '--owner', '0:0'],
                          cwd=root, input=files, check=True,
                          capture_output=True).stdout
    out = os.path.join(rundir, 'initramfs.cpio.gz')
    with open(out, 'wb') as f:
        with open(base, 'rb') as b:
            shutil.copyfileobj(b, f)
        f.write(gzip.compress(cpio))
    return out


def _kunit_parser():
    """The kernel's KTAP parser, tools/testing/kunit/kunit_parser.py of the
    base's prepared tree (or of the pristine base), imported once."""
    global KP
    if KP is None:
        for d in (BASE['tree'], BASE['src']):
            d = os.path.join(d, 'tools/testing/kunit')
            if os.path.exists(os.path.join(d, 'kunit_parser.py')):
                sys.path.insert(0, d)
                break
        import kunit_parser
        KP = kunit_parser
    return KP


def ktap_parse(lines):
    """Parse KTAP/TAP with the kernel's parser, which checks the versions,
    the numbering and the plan: (main Test, [error messages]).  What the
    parser prints goes to a buffer; its [ERROR] lines are returned."""
    kp = _kunit_parser()
    buf = io.StringIO()
    # 6.12's parser prints to its module's stdout Printer, 7.2's to the
    # Printer it is given.
    takes_printer = 'printer' in inspect.signature(kp.parse_run_tests).parameters
    printer = None if takes_printer else kp.stdout
    if printer:
        kp.stdout = type(printer)(buf)

    def stuck(*_):
        raise TimeoutError('kunit_parser did not finish within 10 s')
    # The parser loops without end on a plan line it does not expect (and
    # grows without bound): never let it run away with the host's memory.
    old = signal.signal(signal.SIGALRM, stuck)
    signal.setitimer(signal.ITIMER_REAL, 10)
    try:
        test = (kp.parse_run_tests(lines, kp.Printer(output=buf)) if takes_printer
                else kp.parse_run_tests(lines))
    except TimeoutError as e:
        test = kp.Test()
        test.status = kp.TestStatus.FAILURE_TO_PARSE_TESTS
        buf.write(f'[ERROR] Test: main: {e}\n')
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if printer:
            kp.stdout = printer
    errors = [re.sub(r'^.*?\[ERROR\] Test: ', '', l)
              for l in buf.getvalue().splitlines() if '[ERROR]' in l]
    return test, errors


def status_of(test):
    """PASS, SKIP or FAIL for a kunit_parser Test."""
    st = _kunit_parser().TestStatus
    return {st.SUCCESS: 'PASS', st.SKIPPED: 'SKIP'}.get(test.status, 'FAIL')


def skip_reasons(lines):
    """{test name: reason} of the "ok N NAME # SKIP reason" lines, matched
    with the parser's own expression."""
    kp = _kunit_parser()
    out = {}
    for line in lines:
        m = kp.TEST_RESULT_SKIP.match(line)
        if m:
            out[m.group(4).strip()] = m.group(5).strip()
    return out


def plan_skip(lines):
    """The reason of a "1..0 # SKIP reason" plan (a test that skipped as a
    whole), or None."""
    for line in lines:
        m = re.match(r'^\s*1\.\.0\s*#\s*SKIP\s*(.*)$', line, re.I)
        if m:
            return m.group(1) or 'skipped'
    return None


def leading_plan(lines):
    """TAP 13 allows the plan after the results; kunit_parser (KTAP) reads
    it only before them and loops on it after them.  Move a trailing plan
    up behind the version line, where the parser checks it as any plan;
    a second plan is an error and becomes a diagnostic: (lines, [errors])."""
    kp = _kunit_parser()
    plan = [i for i, l in enumerate(lines) if re.match(r'^1\.\.[0-9]+', l)]
    first = next((i for i, l in enumerate(lines) if kp.TEST_RESULT.match(l)
                  and not l[:1].isspace()), None)
    if not plan or first is None or plan[0] < first:
        extra = plan[1:]
    else:
        extra = plan[1:]
        top = next((i for i, l in enumerate(lines)
                    if kp.TAP_START.match(l) or kp.KTAP_START.match(l)), -1)
        lines = list(lines)
        p = lines.pop(plan[0])
        lines.insert(top + 1, p)
        extra = [i if i > plan[0] else i + 1 for i in extra]
    if not extra:
        return lines, []
    lines = [('# stray plan: ' + l) if i in extra else l for i, l in enumerate(lines)]
    return lines, [f'main: {len(extra)} plan line(s) after the first']


def parse_tap(lines):
    """Results of one TAP document (a kselftest program or a guest script):
    ([(status, desc)], [parser errors]).  No TAP at all: ([], [])."""
    if not any(_kunit_parser().TAP_START.search(l) or
               _kunit_parser().KTAP_START.search(l) for l in lines):
        return [], []
    lines, perr = leading_plan(lines)
    test, errors = ktap_parse(lines)
    errors = perr + errors
    why = skip_reasons(lines)
    out = []
    for t in test.subtests:
        if not t.name.strip():
            continue  # a result the plan announced and nobody printed
        st = status_of(t)
        desc = t.name.strip()
        if st == 'SKIP' and why.get(t.name.strip()):
            desc += ': ' + why[t.name.strip()]
        out.append((st, desc))
    # A result past the plan is not one of its subtests: the parser stops
    # at the planned count and would drop it, a "not ok" included.
    top = sum(1 for l in lines if _kunit_parser().TEST_RESULT.match(l)
              and not l[:1].isspace())
    if test.expected_count is not None and top > test.expected_count:
        errors.append(f'{top - test.expected_count} result line(s) past the plan')
    if not test.subtests:
        skip = plan_skip(lines)
        if skip:
            return [('SKIP', skip)], [e for e in errors if not e.endswith('0 tests run!')]
    named = sum(1 for t in test.subtests if t.name.strip())
    plan = f' (plan 1..{test.expected_count}, {named} results)' \
        if test.expected_count is not None else ' (no plan)'
    return out, [e + plan for e in errors if not e.endswith('0 tests run!') or test.subtests]


KSFT_PROG = re.compile(r'^selftests: (\S+): (\S+)')


def parse_ksft_runner(lines):
    """Results of run_kselftest.sh: its TAP names one program per line
    ("ok N selftests: COLLECTION: PROGRAM"), each program's own TAP
    precedes it as "# "-prefixed diagnostics.  Both levels go through the
    kernel's parser: [(program, status, desc)], [errors of the runner's
    TAP]."""
    kp = _kunit_parser()
    test, errors = ktap_parse(lines)
    # The runner's own result lines: the directive (# SKIP, # exit=N,
    # # TIMEOUT) of each program's.
    directive = {}
    for line in lines:
        m = kp.TEST_RESULT.match(line)
        p = KSFT_PROG.match(m.group(4)) if m else None
        if p:
            directive[p.group(2)] = (m.group(5) or '').replace(' # ', '', 1).strip()
    out = []
    for sub in test.subtests:
        m = KSFT_PROG.match(sub.name.strip())
        prog = m.group(2) if m else (sub.name.strip() or 'kselftest')
        # The program's lines: after its "# selftests:" header, unprefixed.
        inner, seen = [], False
        for l in sub.log:
            if l.startswith('# selftests: '):
                seen, inner = True, []
            elif seen:
                inner.append(l[2:] if l.startswith('# ') else '' if l == '#' else l)
        res, ierr = parse_tap(inner)
        res += [('FAIL', f'TAP: {e}') for e in ierr]
        top = status_of(sub)
        why = directive.get(prog, '')
        if not res:
            res = [(top, why or ('skipped' if top == 'SKIP' else 'no TAP'))]
        elif top == 'FAIL' and all(st != 'FAIL' for st, _ in res):
            res.append(('FAIL', f'run_kselftest.sh: not ok ({why or "no reason"})'))
        out += [(prog, st, desc) for st, desc in res]
    return out, errors


def parse_ktap(lines):
    """KUnit cases from the boot log, read with the kernel's parser:
    ([(status, suite.case)], [errors])."""
    boot = []
    for line in lines:
        # KUnit runs before init; the kernel log dumped at the end repeats it.
        if line.startswith('@@ZPCI '):
            break
        boot.append(line)
    if not any(_kunit_parser().KTAP_START.search(l) for l in boot):
        return [], []
    test, errors = ktap_parse(boot)
    out = []
    for suite in test.subtests:
        for case in suite.subtests or [suite]:
            out.append((status_of(case), f'{suite.name}.{case.name}'))
    return out, errors


# QEMU before 8.1 can starve a vCPU of an -icount guest with more than
# one: its single TCG thread runs the vCPUs in turn, each until the next
# timer deadline, and one vCPU can use up the time to every deadline and
# leave the other none, round after round (fixed by QEMU commit
# 83ecdb18eb65, "accel/tcg/tcg-accel-ops-rr: ensure fairness with
# icount").  The guest hangs without a message, e.g. CPU 0 spinning with
# interrupts off on the runqueue lock CPU 1 holds and never gets to drop.
# make bench met it at the 2-thread DMA points (7.2 is the QEMU of base
# 6.12).  The runner ends the running vCPU's turn every
# KICK_PERIOD s: a device_add of no device model drains QEMU's RCU
# callbacks, and the drain kicks the vCPU that is executing (force_rcu);
# the next vCPU then runs with the rest of the time to the deadline.
# Guest-invisible: no interrupt, and under -icount the guest clock counts
# instructions only, so it does not move; only the order of the vCPUs'
# turns changes, as any host event changes it.
KICK_PERIOD = 0.2


def needs_kick(version):
    """Whether QEMU of that version line starves -icount vCPUs."""
    m = re.search(r'version (\d+)\.(\d+)', version)
    return bool(m) and (int(m.group(1)), int(m.group(2))) < (8, 1)


class Boot:
    def __init__(self, profile, kernel, initrd, kname, shell, resdir, extra_append='',
                 icount=None):
        self.p, self.kernel, self.initrd, self.kname = profile, kernel, initrd, kname
        self.shell = shell
        self.rundir = os.path.join(resdir, f'{profile.name}-{kname}')
        self.extra_append = extra_append
        self.icount = icount
        self.lines = []
        self.results = []
        self.report = []  # zpci_report's lines, without their prefix
        self.qmp = None
        self.unplugged = set()  # functions whose device_del QMP accepted last
        self.kick = False  # see KICK_PERIOD
        self.kicks = 0

    def table(self, width):
        return clp_table(self.report, self.p, self.lines, width)

    def qemu_cmd(self, initrd, qmp_path):
        p = self.p
        kvm = os.uname().machine == 's390x' and os.access('/dev/kvm', os.W_OK)
        cmd = [BASE['qemu'], '-M', 's390-ccw-virtio',
               '-cpu', 'host' if kvm else 'qemu', '-smp', str(p.cpus),
               '-m', str(p.memory), '-nographic', '-no-reboot', '-nic', 'none',
               '-kernel', self.kernel, '-initrd', initrd,
               '-qmp', f'unix:{qmp_path},server=on,wait=off']
        if BASE['qemu_data']:
            # An unpacked QEMU: its own firmware, and no audio backend (it
            # would try the modules of the system's QEMU).
            cmd += ['-L', BASE['qemu_data'], '-audio', 'none']
        if kvm:
            cmd += ['-enable-kvm']
        elif self.icount is not None:
            # The guest's clock counts its instructions (2^icount ns each)
            cmd += ['-icount', f'shift={self.icount}']
            self.kick = p.cpus > 1 and needs_kick(qemu_version())
        append = 'panic=-1 oops=panic kunit.enable=' + ('1 ' if p.kunit else '0 ')
        if p.kunit and BASE['name'] != '6.12':
            # 7.x: the built-in suites run at boot only with kunit.autorun,
            # whose default (KUNIT_AUTORUN_ENABLED, y) allnoconfig turns off;
            # 6.12 has no such option, and its command line stays as it was.
            append += 'kunit.autorun=1 '
        append += p.append + ' ' + self.extra_append
        cmd += ['-append', append.strip()]
        for f in p.functions:
            cmd += f.backend_args(self.rundir)
            cmd += ['-device', f.zpci_args(), '-device', f.device_args()]
        return cmd

    def kick_vcpus(self, stop):
        """End the running vCPU's turn every KICK_PERIOD s until @stop."""
        while not stop.wait(KICK_PERIOD):
            try:
                r = self.qmp.cmd('device_add', driver='zpci-run-vcpu-kick')
            except (OSError, RuntimeError):
                return  # QEMU is gone
            if 'error' not in r:  # a device after all: no kicks then
                log(f'    vCPU kick: device_add succeeded: {r}')
                return
            self.kicks += 1

    def guest_request(self, line):
        """Carry out a hot-plug request the guest printed."""
        verb, _, arg = line[len('@@ZPCI '):].partition(' ')
        fn = {f.name: f for f in self.p.functions}
        try:
            if verb == 'qmp':
                req = json.loads(arg)
                r = self.qmp.cmd(req['execute'], **req.get('arguments', {}))
            elif verb == 'unplug':
                r = self.qmp.cmd('device_del', id=f'z-{arg}')
                if 'error' not in r:
                    self.unplugged.add(arg)
            elif verb == 'plug':
                f = fn[arg]
                # The guest may see the function leave before QEMU has
                # finished its device_del (seen under QEMU 10.0.2):
                # then the zpci device still exists, and the plug is asked
                # again until it is gone, for 30 s.  Only after an unplug
                # of ours: a plug of a function still there fails at once.
                deadline = time.time() + 30
                while True:
                    r = self.qmp.cmd('device_add', driver='zpci', uid=f.uid, fid=f.fid,
                                     target=f.name, id=f'z-{f.name}')
                    if (arg not in self.unplugged or time.time() > deadline or
                            'Duplicate device ID' not in r.get('error', {}).get('desc', '')):
                        break
                    time.sleep(0.5)
                self.unplugged.discard(arg)
                # Not without its zpci device (the unplug of the old one may
                # not be complete yet): QEMU would give the PCI device an
                # automatic one, another uid and fid, and keep it.
                if 'error' not in r:
                    dev = dict(x.split('=', 1) for x in f.device_args().split(',')[1:])
                    r = self.qmp.cmd('device_add', driver=f.qdev, **dev)
            else:
                return
            log(f'    qmp {verb} {arg}: {"error " + str(r["error"]) if "error" in r else "ok"}')
        except Exception as e:  # report, the guest test decides
            log(f'    qmp {verb} {arg}: failed: {e}')

    def run(self, nth=''):
        p = self.p
        shutil.rmtree(self.rundir, ignore_errors=True)
        os.makedirs(self.rundir)
        initrd = make_initrd(self.initrd, p.guest_env(self.shell), self.rundir)
        qmp_path = os.path.join(tempfile.mkdtemp(prefix='zpci-qmp-'), 'qmp.sock')
        cmd = self.qemu_cmd(initrd, qmp_path)
        with open(os.path.join(self.rundir, 'qemu-cmdline'), 'w') as f:
            f.write(f'# {qemu_version()}, base {base_version()}\n' + ' '.join(cmd) + '\n')
            if self.kick:
                f.write(f'# the runner kicks the running vCPU every {KICK_PERIOD} s '
                        '(zpci_run.py, KICK_PERIOD)\n')
        log(f'==> boot {nth}{p.name} ({self.kname}): {len(p.functions)} functions, '
            f'{p.memory} MiB, {p.cpus} cpus, tests: {" ".join(p.tests) or "-"}')
        start = time.time()
        proc = subprocess.Popen(cmd, stdin=None if self.shell else subprocess.DEVNULL,
                                stdout=None if self.shell else subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        self.qmp = Qmp(qmp_path)
        try:
            self.qmp.connect()
        except RuntimeError as e:
            log(f'    {e}')
        if self.shell:
            proc.wait()
            return []
        killed = threading.Event()

        def kill():
            killed.set()
            proc.kill()
        timer = threading.Timer(p.timeout, kill)
        timer.daemon = True  # an interrupted runner exits without waiting for it
        timer.start()
        consolelog = open(os.path.join(self.rundir, 'console.log'), 'w')
        consolelog.write(f'# zpci-clp profile {p.name} kernel {self.kname} '
                         f'base {base_version()} qemu {qemu_version()}\n'
                         f'# {" ".join(cmd)}\n')
        tstart, now, stop = None, ['booting'], threading.Event()

        def tick():  # every second on a terminal, every 30 s otherwise
            n = 0
            while not stop.wait(1):
                n += 1
                if TTY or n % 30 == 0:
                    log(f'    {p.name}: {time.time() - start:.0f}s of {p.timeout}s, '
                        f'{now[0]}', status=True)
        threading.Thread(target=tick, daemon=True).start()
        if self.kick and self.qmp.sock:
            threading.Thread(target=self.kick_vcpus, args=(stop,), daemon=True).start()
        for raw in proc.stdout:
            line = TS.sub('', raw.decode('utf-8', 'replace').rstrip('\r\n'))
            consolelog.write(raw.decode('utf-8', 'replace'))
            self.lines.append(line)
            if line.startswith('@@ZPCI test-start'):
                tstart, now[0] = time.time(), 'test ' + line.split()[2]
            elif line.startswith('@@ZPCI test-end'):
                now[0] = 'after test ' + line.split()[2]
                log(f'    test {line.split()[2]} {line.split()[3]} '
                    f'({time.time() - (tstart or start):.0f}s)')
            elif line.startswith('@@ZPCI ') and line.split()[1] in ('qmp', 'plug', 'unplug'):
                self.guest_request(line)
            elif line.startswith('zpci-report:'):
                self.report.append(line[len('zpci-report: '):])
        proc.wait()
        stop.set()
        if self.kick:
            log(f'    {self.kicks} vCPU kicks (KICK_PERIOD {KICK_PERIOD} s)')
        log('', status=True)
        timer.cancel()
        consolelog.close()
        elapsed = time.time() - start
        self.collect(killed.is_set(), elapsed)
        with open(os.path.join(self.rundir, 'results.txt'), 'w') as f:
            f.write(f'# base {base_version()} profile {p.name} kernel {self.kname} '
                    f'qemu {qemu_version()}\n')
            for st, name, detail in self.results:
                f.write(f'{st} {name} {detail}\n')
        if self.report:
            with open(os.path.join(self.rundir, 'report.txt'), 'w') as f:
                f.write('\n'.join(self.table(120) + [''] + self.report) + '\n')
        log(f'<== {p.name} ({self.kname}) {elapsed:.0f}s, log: '
            f'{os.path.relpath(self.rundir, TOP)}/console.log')
        return self.results

    def check_bindings(self, tag):
        """Every function bound after the tests as it was before them."""
        before = parse_bindings(self.lines, 'before')
        after = parse_bindings(self.lines, 'after')
        if before is None or after is None:
            return ('FAIL', f'{tag}/bindings', 'no bindings line before or after the tests')
        changed = [f'{b}: {before.get(b, "absent")} -> {after.get(b, "absent")}'
                   for b in sorted(set(before) | set(after)) if before.get(b) != after.get(b)]
        if changed:
            return ('FAIL', f'{tag}/bindings', 'not as found: ' + ', '.join(changed))
        return ('PASS', f'{tag}/bindings', f'{len(before)} functions bound as found: ' +
                ' '.join(f'{b}={d}' for b, d in sorted(before.items())))

    def collect(self, timed_out, elapsed):
        tag = f'{self.p.name}/{self.kname}'
        res = self.results
        if self.p.kunit:
            cases, errors = parse_ktap(self.lines)
            if not cases:
                res.append(('FAIL', f'{tag}/kunit', 'no KUnit results on the console'))
            for st, name in cases:
                res.append((st, f'{tag}/kunit/{name}', ''))
            for e in errors:
                res.append(('FAIL', f'{tag}/kunit', f'KTAP: {e}'))
        # Per-test sections; "@@ZPCI test-start NAME kselftest": NAME ran
        # through run_kselftest.sh.
        sections, cur = {}, None
        ends, ksft = {}, set()
        for line in self.lines:
            if line.startswith('@@ZPCI test-start'):
                cur = line.split()[2]
                sections[cur] = []
                if line.split()[3:4] == ['kselftest']:
                    ksft.add(cur)
            elif line.startswith('@@ZPCI test-end'):
                parts = line.split()
                ends[parts[2]] = int(parts[3].split('=')[1])
                cur = None
            elif cur:
                sections[cur].append(line)
        for t in self.p.tests:
            if t not in sections:
                res.append(('FAIL', f'{tag}/{t}', 'did not run'))
                continue
            rc = ends.get(t)
            if t in ksft:
                progs, errors = parse_ksft_runner(sections[t])
                tap = [(st, desc) for _, st, desc in progs]
                lines = [(st, f'{tag}/{prog}', desc) for prog, st, desc in progs]
                lines += [('FAIL', f'{tag}/{t}', f'run_kselftest.sh TAP: {e}') for e in errors]
                if not progs and not errors:
                    lines.append(('FAIL', f'{tag}/{t}', 'run_kselftest.sh printed no TAP'))
                ok_rc = (0,)
            else:
                tap, errors = parse_tap(sections[t])
                lines = [(st, f'{tag}/{t}', desc) for st, desc in tap]
                lines += [('FAIL', f'{tag}/{t}', f'TAP: {e}') for e in errors]
                ok_rc = (0, 4)
            if t in self.p.expect_fail:
                nfail = sum(st == 'FAIL' for st, _ in tap)
                ok = nfail > 0 and (t in ksft or rc not in (0, 4, None))
                res.append(('PASS' if ok else 'FAIL', f'{tag}/{t}',
                            f'negative control: {nfail} failures reported, '
                            f'exit code {rc} (expected failures)'))
                continue
            res += lines
            if rc is None:
                res.append(('FAIL', f'{tag}/{t}', 'did not finish'))
            elif not tap and t not in ksft:
                st = 'SKIP' if rc == 4 else ('PASS' if rc == 0 else 'FAIL')
                res.append((st, f'{tag}/{t}', f'rc={rc}'))
            elif rc not in ok_rc and all(s != 'FAIL' for s, _, _ in lines):
                res.append(('FAIL', f'{tag}/{t}', f'exit code {rc}'))
        if self.p.setup:
            rc = next((l.split('=', 1)[1].strip() for l in self.lines
                       if l.startswith('@@ZPCI setup rc=')), None)
            res.append(('PASS' if rc == '0' else 'FAIL', f'{tag}/setup',
                        f'the profile\'s setup: rc={rc or "never ran"}'))
        if self.p.bindings == 'kept':
            res.append(self.check_bindings(tag))
        for f in self.p.functions:
            if getattr(f, 'kept', None):
                img, digest = f.kept
                same = file_digest(img) == digest
                res.append(('PASS' if same else 'FAIL', f'{tag}/disk-{f.name}',
                            f'{f.name} (keep_data) {"unchanged" if same else "WRITTEN TO"} by the boot'))
        splats = [l for l in self.lines if SPLATS.search(l)]
        if timed_out:
            res.append(('FAIL', f'{tag}/boot', f'timed out after {self.p.timeout}s'))
        elif not any(l.startswith('@@ZPCI done') for l in self.lines):
            res.append(('FAIL', f'{tag}/boot', 'guest did not finish (crash or early exit)'))
        if splats:
            res.append(('FAIL', f'{tag}/clean-log', f'{len(splats)} splat lines, first: {splats[0][:120]}'))
        else:
            res.append(('PASS', f'{tag}/clean-log', f'no oops/warning/kasan/kmemleak/hung-task report ({elapsed:.0f}s)'))


def parse_bindings(lines, when):
    """{bdf: driver} of the guest's "@@ZPCI bindings-WHEN" line, or None."""
    for line in lines:
        if line.startswith(f'@@ZPCI bindings-{when}'):
            return dict(kv.split('=', 1) for kv in line.split()[2:])
    return None


# The base and its emulator (tools/testing/zpci/base.sh; BASE=6.12 or 7.2).
BASE = {}


def set_base(name):
    keys = ('BASE_VERFILE', 'QEMU_BIN', 'QEMU_DATA', 'RESULTS_DIR', 'INITRD',
            'ZPCI_TREE', 'BASE_SRC')
    out = subprocess.run(['bash', '-c', '. tools/testing/zpci/base.sh && printf "%s\\n" '
                          + ' '.join(f'"${k}"' for k in keys)],
                         cwd=TOP, env=dict(os.environ, BASE=name), check=True,
                         capture_output=True, text=True).stdout.split('\n')
    v = dict(zip(keys, out))
    path = lambda x: os.path.join(TOP, x) if x else ''  # noqa: E731
    BASE.update(name=name, verfile=path(v['BASE_VERFILE']),
                qemu=path(v['QEMU_BIN']) if '/' in v['QEMU_BIN'] else v['QEMU_BIN'],
                qemu_data=path(v['QEMU_DATA']), resdir=path(v['RESULTS_DIR']),
                initrd=path(v['INITRD']), tree=path(v['ZPCI_TREE']),
                src=path(v['BASE_SRC']))


def base_version():
    try:
        with open(BASE['verfile']) as f:
            return f.read().strip()
    except OSError:
        return 'unknown'


def qemu_version():
    """The emulator's version line, as every result file records it."""
    if 'qemu_version' not in BASE:
        try:
            out = subprocess.run([BASE['qemu'], '--version'], capture_output=True,
                                 text=True, check=True).stdout
            BASE['qemu_version'] = out.splitlines()[0].strip()
        except (OSError, subprocess.CalledProcessError, IndexError):
            BASE['qemu_version'] = f'{BASE["qemu"]}: version unknown'
    return BASE['qemu_version']


def queue_pop(path):
    """Profile names taken one at a time from the head of the file at
    path (whitespace-separated), under an exclusive lock: runners that
    share the file boot each name once, and each takes the next as soon as
    it is free (make test on both bases, test-both.sh)."""
    while True:
        with open(path, 'r+') as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            names = f.read().split()
            if not names:
                return
            f.seek(0)
            f.truncate()
            f.write('\n'.join(names[1:]))
        yield names[0]


# What a profile that cannot be loaded raises: no such file or variant,
# a malformed file, a missing section or key, a value of the wrong type.
PROFILE_ERRORS = (OSError, ValueError, KeyError, configparser.Error)


def profile_error(name, e):
    return f'profile {name} not loaded: {type(e).__name__}: {e}'


def queued_profiles(path):
    """The profiles of the names queue_pop() takes from @path; for a name
    whose profile cannot be loaded, (name, error): the runner fails it and
    goes on with the queue, which no other runner would boot again."""
    for name in queue_pop(path):
        try:
            yield from profiles_of(name)
        except PROFILE_ERRORS as e:
            yield name, profile_error(name, e)


def profiles_of(name):
    """The profiles NAME stands for: NAME.ini's (all its variants),
    NAME.VARIANT one variant, a path ending in .ini that file's."""
    base, _, only = name.partition('.')
    if name.endswith('.ini'):
        path, only = name, ''
    else:
        path = os.path.join(PROFILES, base + '.ini')
    return load_profiles(path, only or None)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('profiles', nargs='*',
                    help='profile names (NAME.VARIANT: one variant) or .ini paths')
    ap.add_argument('--queue', metavar='FILE',
                    help='take the profile names one at a time from FILE, which '
                         'other runners may share, instead of the arguments')
    ap.add_argument('--kernel', required=True, help='bzImage to boot')
    ap.add_argument('--kernel-name', default='zpci', help='label for results')
    ap.add_argument('--base', default=os.environ.get('BASE') or '6.12', choices=('6.12', '7.2'),
                    help='the base the kernel was built on: its QEMU (7.2: QEMU 10 '
                         'of build/qemu-10), version file, initrd and results (default: '
                         '$BASE, else 6.12)')
    ap.add_argument('--initrd', help='default: build/initramfs.cpio.gz '
                    '(7.2: build/initramfs-7.2.cpio.gz)')
    ap.add_argument('--results', help='append PASS/FAIL/SKIP lines to this file')
    ap.add_argument('--resdir', help='default: build/results (7.2: build/results-7.2)')
    ap.add_argument('--append', default='', help='extra kernel arguments')
    ap.add_argument('--shell', action='store_true', help='interactive shell, no tests')
    ap.add_argument('--icount', type=int, metavar='SHIFT',
                    help='TCG: QEMU -icount shift=SHIFT, the guest\'s time advances '
                         '2^SHIFT ns per instruction it executes (make bench)')
    ap.add_argument('--tests', help='override the profile\'s test list')
    ap.add_argument('--report', choices=('table', 'full'),
                    help='run zpci_report first and end with its table '
                         '(full: and every field of it as the guest printed it)')
    args = ap.parse_args()
    set_base(args.base)
    args.initrd = args.initrd or BASE['initrd']
    args.resdir = args.resdir or BASE['resdir']
    if BASE['qemu_data'] and not os.access(BASE['qemu'], os.X_OK):
        sys.exit(f'{BASE["qemu"]} missing: BASE={args.base} make deps')

    if bool(args.profiles) == bool(args.queue):
        ap.error('name the profiles or a --queue (one of them)')
    if args.queue:
        profiles = queued_profiles(args.queue)
        count = 0
    else:
        profiles = []
        for name in args.profiles:
            try:
                profiles += profiles_of(name)
            except PROFILE_ERRORS as e:
                ap.error(profile_error(name, e))
        count = len(profiles)
    failed = 0
    for n, prof in enumerate(profiles, 1):
        boot = None
        if isinstance(prof, tuple):  # a queued name, its profile not loaded
            results = [('FAIL', f'{prof[0]}/{args.kernel_name}/runner', prof[1])]
        else:
            if args.tests is not None:
                prof.tests = args.tests.split()
            if args.report and 'zpci_report' not in prof.tests:
                prof.tests.insert(0, 'zpci_report')
            boot = Boot(prof, args.kernel, args.initrd, args.kernel_name, args.shell,
                        args.resdir, args.append, args.icount)
            try:
                results = boot.run(f'{n} of {count}: ' if count > 1 else
                                   f'{n}: ' if args.queue else '')
            except Exception as e:  # pylint: disable=broad-except
                # With a queue no other runner boots this profile again: a
                # fault of the runner must fail it, not drop it unseen.
                results = [('FAIL', f'{prof.name}/{args.kernel_name}/runner',
                            f'{type(e).__name__}: {e}')]
        lines = [f'{st} {name} {detail}'.rstrip() for st, name, detail in results]
        for line in lines:
            log(line)
        failed += sum(st == 'FAIL' for st, _, _ in results)
        if args.results:
            # One write to an O_APPEND file: a second runner appending to
            # the same summary (--queue) cannot split a line.
            text = ''.join(line + '\n' for line in lines)
            fd = os.open(args.results, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, text.encode())
            finally:
                os.close(fd)
        if args.report and boot and boot.report:
            log('')
            if args.report == 'full':
                log('\n'.join(boot.report) + '\n')
            log('\n'.join(boot.table(shutil.get_terminal_size().columns)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
