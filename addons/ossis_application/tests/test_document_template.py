# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test the municipality's wording of its documents (document templates)"
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.document_template import (
    OUTPUT_PLACEHOLDERS, bad_placeholder)
from trytond.modules.ossis_application.exceptions import (
    DocumentTemplateError, DocumentTemplateModificationError)
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application.tests.test_application_pdf import pages
from trytond.modules.ossis_base.tests.test_module import create_lgu_user
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_services.tests.tools import load_albanian
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


class DocumentTemplateTestCase(
        scenario.ProcessTestMixin, ModuleDatabaseMixin, unittest.TestCase):
    "Test the document templates"

    module = 'ossis_application'

    def test_bad_placeholders(self):
        "Test the placeholders refused and those accepted"
        names = OUTPUT_PLACEHOLDERS
        for text, bad in [
                ("{applicant_name} {number}", None),
                ("{{literal}} and {reasons}", None),
                ("", None),
                ("{applicant}", '{applicant}'),
                ("{applicant.name}", '{applicant.name}'),
                ("{fee[0]}", '{fee[0]}'),
                ("{fee:>10}", '{fee:>10}'),
                ("{number!r}", '{number!r}'),
                ("{}", '{}'),
                ("{0}", '{0}'),
                ("{number", '{'),
                ("number}", '{'),
                ]:
            with self.subTest(text=text):
                self.assertEqual(bad_placeholder(text, names), bad)

    def refused(self, setup, serial):
        "Return an application refused with its reasons, not yet issued"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = self.submitted(setup, serial)
        Application.write([application], {
                'decision_text': "The parcel is not in the urban zone."})
        for user, action in [
                (setup.back, 'forward'),
                (setup.head, 'forward'),
                (setup.head, 'reject')]:
            with scenario.as_staff(user):
                Application.act([Application(application.id)], action)
        return Application(application.id)

    def publish_standard(self, setup, kind, lgu_service=None):
        "Publish a template of the municipality in the standard wording"
        pool = Pool()
        Template = pool.get('ossis.document_template')
        with scenario.as_staff(setup.admin):
            template, = Template.create([{
                        'kind': kind,
                        'lgu_service': lgu_service.id if lgu_service else None,
                        }])
            Template.publish([template])
        return Template(template.id)

    @with_transaction()
    def test_standard_wording_prints_as_before(self):
        """Test a template published without a change prints the receipt and
        the refusal as without a template, in English and Albanian"""
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        Application = pool.get('ossis.application')
        Receipt = pool.get('ossis.application.receipt', type='report')
        Output = pool.get('ossis.application.output', type='report')
        load_albanian()
        setup = self.municipality('elbasan')
        issued = {}
        for serial, language in enumerate(['en', 'sq'], 1):
            application = self.refused(setup, serial)
            Applicant.write([application.applicant], {'language': language})
            with scenario.as_staff(setup.back):
                Application.issue([application])
            scenario.run_queue()
            issued[language] = Application(application.id)
        receipt = self.publish_standard(setup, 'receipt')
        refusal = self.publish_standard(
            setup, 'refusal', application.lgu_service)

        for language, application in issued.items():
            with self.subTest(language=language):
                self.assertIsNone(application.receipt_template)
                self.assertIsNone(application.output_template)
                self.assertEqual(
                    pages(Receipt.render_pdf(application, language, receipt)),
                    pages(Receipt.render_pdf(application, language)))
                self.assertEqual(
                    pages(Output.render_pdf(application, language, refusal)),
                    pages(application.output_document))

    def municipality(self, code):
        "Return the municipality set up with its administrator"
        setup = scenario.municipality(code)
        setup.admin = create_lgu_user(f'{code}.admin', setup.company)
        return setup

    @with_transaction()
    def test_publish_refuses_bad_placeholders(self):
        """Test publishing refuses a placeholder that is not valid in a
        language, storing nothing, and numbers the versions"""
        pool = Pool()
        Template = pool.get('ossis.document_template')
        setup = self.municipality('elbasan')
        offer = setup.offers['TAX-05']
        with scenario.as_staff(setup.admin):
            template, = Template.create([{
                        'kind': 'refusal', 'lgu_service': offer.id}])
            for part, text in [
                    ('title', "Refusal {fee:>10}"),
                    ('body', "Refused for {applicant.name}"),
                    ('closing', "Appeal within {days} days"),
                    ('body', "Refused {number"),
                    ]:
                with self.subTest(part=part, text=text):
                    Template.write([template], {part: text})
                    with self.assertRaises(DocumentTemplateError) as cm:
                        Template.publish([template])
                    self.assertIn('{applicant_name}', cm.exception.message)
                    template = Template(template.id)
                    self.assertEqual(
                        (template.state, template.version), ('draft', None))
                    Template.write([template], Template.standard_wording(
                            'refusal'))

            # A brace is written doubled
            Template.write([template], {'body': "{{ {reasons} }}"})
            Template.publish([template])
            template = Template(template.id)
            self.assertEqual(
                (template.state, template.version), ('published', 1))
            with self.assertRaises(DocumentTemplateModificationError):
                Template.write([template], {'body': "Changed"})
            with self.assertRaises(DocumentTemplateModificationError):
                Template.delete([template])

            Template.new_version([template])
            draft, = Template.search([('state', '=', 'draft')])
            self.assertEqual(draft.body, "{{ {reasons} }}")
            Template.publish([draft])
            self.assertEqual(Template(draft.id).version, 2)
            self.assertEqual(Template(template.id).state, 'superseded')
            self.assertEqual(
                Template.current(setup.company, 'refusal', offer), draft)

    @with_transaction()
    def test_templates_of_another_municipality_hidden(self):
        """Test the staff of a municipality read its templates, only its
        administrator changes them, and nobody of another one sees them,
        even through a related field"""
        pool = Pool()
        Template = pool.get('ossis.document_template')
        Application = pool.get('ossis.application')
        Translation = pool.get('ir.translation')
        elbasan = self.municipality('elbasan')
        korce = self.municipality('korce')
        receipt = self.publish_standard(elbasan, 'receipt')
        application = self.submitted(elbasan, 1)
        self.assertEqual(application.receipt_template, receipt)

        with scenario.as_staff(elbasan.front):
            self.assertEqual(Template.search([]), [receipt])
            # Its texts in the other language are read through it
            with Transaction().set_context(language='sq'):
                self.assertTrue(Template(receipt.id).body)
            with self.assertRaises(AccessError):
                Template.create([{'kind': 'receipt'}])

        # The texts of the template in the other language are translations
        texts = [('name', 'like', 'ossis.document_template,%'),
            ('res_id', '=', receipt.id)]
        self.assertTrue(Translation.search(texts))

        for user in [korce.admin, korce.front]:
            with self.subTest(user=user.login), scenario.as_staff(user):
                self.assertEqual(Template.search([]), [])
                self.assertEqual(Template.search([
                            ('company', '=', elbasan.company.id)]), [])
                self.assertEqual(Application.search([
                            ('receipt_template.kind', '=', 'receipt')]), [])
                # Nor are they read as translations
                self.assertEqual(Translation.search(texts), [])
                with self.assertRaises(AccessError):
                    Template.read([receipt.id], ['body'])
                with self.assertRaises(AccessError):
                    Template.write([Template(receipt.id)], {'body': "x"})
        with scenario.as_staff(korce.admin):
            with self.assertRaises(AccessError):
                Template.create([{
                            'company': elbasan.company.id,
                            'kind': 'receipt'}])
        self.assertEqual(Template.search([]), [receipt])
