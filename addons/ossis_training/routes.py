# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The learners' pages, under /<database>/portal/training/: importing a
file registers its routes (see web.py and doc/design.rst)"""
from . import exercise_routes  # noqa: F401
from . import learner_routes  # noqa: F401
from . import lesson_routes  # noqa: F401
from . import quiz_routes  # noqa: F401
from . import session_routes  # noqa: F401
from . import screenshot_routes  # noqa: F401
