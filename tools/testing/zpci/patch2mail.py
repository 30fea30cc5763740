#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print a patches/ file as the mail `git format-patch` would make of it.

A patch of the series is a commit message (subject line, blank line,
body), a line "---", then a unified diff with a/ and b/ paths.  The mail
gets From:/Subject: headers and "diff --git" lines, so that checkpatch
and `git am` read it as they read a real submission.
"""
import re
import sys

AUTHOR = 'zpci-clp developers <zpci-clp@localhost>'


def to_mail(text):
    msg, sep, diff = text.partition('\n---\n')
    if not sep:
        raise SystemExit('no "---" line between message and diff')
    subject, _, body = msg.partition('\n')
    diff = re.sub(r'^--- a/(\S+)\n',
                  lambda m: f'diff --git a/{m.group(1)} b/{m.group(1)}\n--- a/{m.group(1)}\n',
                  diff, flags=re.M)
    return (f'From: {AUTHOR}\nSubject: [PATCH] {subject.strip()}\n\n'
            f'{body.strip()}\n---\n{diff}')


if __name__ == '__main__':
    with open(sys.argv[1]) as f:
        sys.stdout.write(to_mail(f.read()))
