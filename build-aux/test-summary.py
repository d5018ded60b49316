#!/usr/bin/env python3
"""Summarise meson testlog.json files; the last line printed is `N passed, N failed`.

TAP tests are counted by their individual test points (`ok` / `not ok`); a test program
that crashed or timed out before printing its plan counts as one failure.
"""
import json
import re
import sys

OK = re.compile(r'^ok\b')
NOT_OK = re.compile(r'^not ok\b')
SKIP = re.compile(r'#\s*skip', re.IGNORECASE)
TODO = re.compile(r'#\s*todo', re.IGNORECASE)


def count(path):
    passed = failed = skipped = 0
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            entry = json.loads(line)
            result = entry.get('result', '')
            p = fl = s = 0
            for out in (entry.get('stdout') or entry.get('stdo') or '').splitlines():
                out = out.strip()
                if NOT_OK.match(out):
                    if TODO.search(out):
                        s += 1
                    else:
                        fl += 1
                elif OK.match(out):
                    if SKIP.search(out):
                        s += 1
                    else:
                        p += 1
            if result in ('FAIL', 'TIMEOUT', 'ERROR', 'UNEXPECTEDPASS') and fl == 0:
                fl = 1
            if p + fl + s == 0:
                if result in ('OK', 'EXPECTEDFAIL'):
                    p = 1
                elif result == 'SKIP':
                    s = 1
            passed += p
            failed += fl
            skipped += s
    return passed, failed, skipped


def main():
    totals = [0, 0, 0]
    for path in sys.argv[1:]:
        try:
            for i, n in enumerate(count(path)):
                totals[i] += n
        except FileNotFoundError:
            totals[1] += 1
            print(f'test-summary: {path} is missing (the build failed?)', file=sys.stderr)
    if totals[2]:
        print(f'{totals[2]} skipped')
    print(f'{totals[0]} passed, {totals[1]} failed')


if __name__ == '__main__':
    main()
