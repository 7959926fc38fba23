# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta

from .exceptions import ColourValidationError
from .page_cache import PageSourceMixin

COLOUR = re.compile(r'^#[0-9a-fA-F]{6}$')
DEFAULT_COLOUR = '#1f4e79'
# WCAG 2.1 AA: normal text needs a contrast ratio of 4.5:1
MINIMUM_CONTRAST = 4.5


def relative_luminance(colour):
    "Return the relative luminance of a #rrggbb colour (WCAG 2.1)"
    channels = []
    for i in (1, 3, 5):
        value = int(colour[i:i + 2], 16) / 255
        channels.append(
            value / 12.92 if value <= 0.03928
            else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour):
    return 1.05 / (relative_luminance(colour) + 0.05)


class Company(PageSourceMixin, metaclass=PoolMeta):
    __name__ = 'company.company'

    portal_colour = fields.Char(
        "Portal Colour",
        help="The colour of the municipality on the citizen portal, as "
        "#rrggbb; white text must be readable on it.")
    crest = fields.Binary(
        "Crest", file_id='crest_id',
        help="The crest of the municipality shown on the citizen portal "
        "(PNG or JPEG).")
    crest_id = fields.Char("Crest ID", readonly=True)
    portal_published = fields.Boolean(
        "Published on the Portal",
        help="Show the municipality and its services on the citizen portal.")

    @classmethod
    def default_portal_colour(cls):
        return DEFAULT_COLOUR

    @classmethod
    def default_portal_published(cls):
        return True

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        if field_names is None or 'portal_colour' in field_names:
            cls.check_portal_colour(companies)

    @classmethod
    def check_portal_colour(cls, companies):
        for company in companies:
            colour = company.portal_colour
            if not colour:
                continue
            if not COLOUR.match(colour):
                raise ColourValidationError(gettext(
                        'ossis_portal.msg_colour_invalid',
                        colour=colour, company=company.rec_name))
            if contrast_with_white(colour) < MINIMUM_CONTRAST:
                raise ColourValidationError(gettext(
                        'ossis_portal.msg_colour_contrast',
                        colour=colour, company=company.rec_name,
                        contrast='%.1f' % contrast_with_white(colour)))

    @property
    def portal_theme_colour(self):
        return self.portal_colour or DEFAULT_COLOUR
