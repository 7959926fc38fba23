# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields

REGISTRIES = [
    (None, ""),
    ('civil', "Civil Registry"),
    ('business', "Business Register (QKB)"),
    ('property', "Property Register (ASHK)"),
    ('tax', "Tax Administration"),
    ('municipal', "Municipal Records"),
    ]


class DocumentType(DeactivableMixin, ModelSQL, ModelView):
    "Document Type"
    __name__ = 'ossis.document.type'

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    issuing_authority = fields.Char(
        "Issuing Authority", translate=True,
        help="Who issues the document.")
    registry = fields.Selection(
        REGISTRIES, "Registry",
        help="The central registry OSSIS may fetch the document from "
        "instead of asking the applicant for it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ossis_services.msg_document_type_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def get_registries(cls):
        """Return the selection of the registries, for the models that show
        the registry of a document type"""
        return cls.fields_get(['registry'])['registry']['selection']
