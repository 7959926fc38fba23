# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of the citizen portal, under /<database>/portal/: importing
a file registers its routes"""
from . import apply_routes  # noqa: F401
from . import catalogue_routes  # noqa: F401
from . import track_routes  # noqa: F401
from . import transparency_routes  # noqa: F401
from . import verify_routes  # noqa: F401
from .log import install as _install_log_filter

_install_log_filter()
