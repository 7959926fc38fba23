# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of the citizen portal, under /<database>/portal/"""
from . import catalogue_routes
from . import track_routes
from . import verify_routes

__all__ = [catalogue_routes, track_routes, verify_routes]
