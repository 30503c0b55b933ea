#!/usr/bin/env python3
"""Brings a project's PublicAPI.Unshipped.txt in line with its public surface (0.x: nothing shipped yet).

Builds the project, adds every symbol RS0016 reports and removes every symbol RS0017 reports. Review the diff: this is
how a public API change becomes visible in review.  Usage: update-public-api.py src/Mpp.Client
"""
import re
import subprocess
import sys

project = sys.argv[1].rstrip('/')
path = f'{project}/PublicAPI.Unshipped.txt'
for _ in range(3):
    out = subprocess.run(['dotnet', 'build', project, '--no-incremental', '-clp:NoSummary'], capture_output=True, text=True).stdout
    add = sorted(set(re.findall(r"error RS0016: Symbol '(.+?)' is not part of the declared", out)))
    remove = set(re.findall(r"error RS0017: Symbol '(.+?)' is part of the declared", out))
    if not add and not remove:
        break
    lines = [l for l in open(path).read().splitlines() if l not in remove]
    header = [l for l in lines if l.startswith('#')]
    body = sorted(set(l for l in lines if l and not l.startswith('#')) | set(add))
    open(path, 'w').write('\n'.join(header + body) + '\n')
    print(f'{path}: +{len(add)} -{len(remove)}')
