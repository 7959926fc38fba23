# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields


class CannedAnswer(DeactivableMixin, ModelSQL, ModelView):
    """Canned Answer

    A reply the agents give often, picked in the reply dialog and adapted
    before it is sent."""
    __name__ = 'ossis.helpdesk.canned_answer'
    __string__ = "Canned Answer"

    name = fields.Char("Name", required=True, translate=True)
    category = fields.Many2One(
        'ossis.helpdesk.category', "Category", ondelete='SET NULL',
        help="The category of the tickets it is offered for; "
        "empty for all.")
    body = fields.Text("Text", required=True, translate=True)
