# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of the citizen portal, under /<database>/portal/"""
from . import apply_routes, catalogue_routes

__all__ = [apply_routes, catalogue_routes]
