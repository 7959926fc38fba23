# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

KINDS = [
    ('question', "How-to Question"),
    ('error', "Error"),
    ('access', "Account and Access"),
    ('change', "Configuration or Workflow Change"),
    ('data', "Data Correction"),
    ]


class Category(DeactivableMixin, ModelSQL, ModelView):
    """Help Desk Category

    What a ticket is about; national, the same for every municipality."""
    __name__ = 'ossis.helpdesk.category'
    __string__ = "Help Desk Category"

    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(
        KINDS, "Kind", required=True,
        help="Change requests are of the kind "
        "\"Configuration or Workflow Change\".")
    team = fields.Many2One(
        'ossis.helpdesk.team', "Team", ondelete='SET NULL',
        help="The team that receives the new tickets of the category.")
