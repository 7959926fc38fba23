# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

# The learners' pages are routes of the server: importing them registers
# them.
from . import routes

__all__ = [routes]
