# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The errors of the ossis command"


class CommandError(Exception):
    "An error the command reports in one line, without a traceback"
