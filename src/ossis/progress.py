# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The progress of ``ossis init``, told from the log of trytond-admin

trytond-admin is silent for minutes while it creates or updates a
database.  Its log says when it starts each module, the indexes and the
translations: these lines become one short line each on the standard
output, with the seconds since the start.  Warnings and errors go to the
log as before.
"""
import logging
import sys
import time

# Set by "ossis init": the number of modules that trytond-admin loads
TOTAL_VARIABLE = 'OSSIS_INIT_MODULES'
LOGGERS = ['trytond.admin', 'trytond.modules']
STEPS = {
    'init db': "Creating the tables of Tryton",
    'update index for %s': "Indexes",
    'set translations': "Translations",
    }


class Progress(logging.Handler):
    "Print a line per module and per step of trytond-admin"

    def __init__(self, total=None, stream=None):
        super().__init__(logging.INFO)
        self.total = total
        self.stream = stream or sys.stdout
        self.started = time.monotonic()
        self.modules = 0
        self.steps = set()

    def emit(self, record):
        if record.levelno >= logging.WARNING:
            # Shown as trytond shows it
            logging.getLogger().handle(record)
            return
        line = self.line(record)
        if line:
            elapsed = time.monotonic() - self.started
            print(f"{elapsed:5.0f}s  {line}", file=self.stream, flush=True)

    def line(self, record):
        "Return the line that tells the record, or None"
        if record.msg == '%s load' and len(record.args) == 1:
            self.modules += 1
            count = (f"{self.modules:2}/{self.total}" if self.total
                else f"{self.modules:2}")
            return f"module {count}: {record.args[0]}"
        if record.msg == 'synchronize translations %s':
            return f"Translations: {record.args[0]}"
        step = STEPS.get(record.msg)
        if step and step not in self.steps:
            self.steps.add(step)
            return step
        return None


def install(environ):
    """Print the progress of trytond-admin when "ossis init" asks for it
    in the environment"""
    if TOTAL_VARIABLE not in environ:
        return
    try:
        total = int(environ[TOTAL_VARIABLE])
    except ValueError:
        total = None
    handler = Progress(total)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        # Only the handler shows the information of these loggers
        logger.propagate = False
