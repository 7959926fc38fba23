# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run one of trytond's commands with the fixes of OSSIS

    python -m ossis.run trytond.cli -c ossis.conf -d ossis

reads the configuration files given with -c (as the command will), installs
the fixes (see connections.py) and, for trytond-admin, the lines that show
its progress (see progress.py), then runs the command as
``python -m trytond.cli -c ossis.conf -d ossis`` would.
"""
import argparse
import os
import runpy
import sys

from . import connections, progress


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: python -m ossis.run MODULE [ARGUMENTS...]")
    module = sys.argv.pop(1)
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument('-c', '--config', nargs='+', default=[])
    options, _ = parser.parse_known_args(sys.argv[1:])
    from trytond import config
    if options.config:
        config.update_etc(options.config)
    connections.install()
    if module == 'trytond.cli.worker':
        connections.install_worker()
    elif module == 'trytond.cli.admin':
        progress.install(os.environ)
    sys.argv[0] = module
    runpy.run_module(module, run_name='__main__', alter_sys=True)


if __name__ == '__main__':
    main()
