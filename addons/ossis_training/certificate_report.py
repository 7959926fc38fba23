# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The PDF of a training certificate

In the learner's language, with the courses of the path, the verification
code and a QR code of the address where the portal verifies it (the
code itself when no portal address is configured), as the output
documents of the applications print theirs."""
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from trytond.i18n import gettext
from trytond.modules.ossis_application.application_pdf import (
    boxed, para, qr_code, side_by_side)
from trytond.modules.ossis_application.portal import verification_url
from trytond.modules.ossis_services import pdf
from trytond.modules.ossis_services.fiche_report import (
    PDFReport, selection_label)
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

QR_SIZE = 32 * mm


def label(key, /, **variables):
    return gettext(f'ossis_training.msg_certificate_pdf_{key}', **variables)


class CertificateReport(PDFReport):
    "The PDF of a certificate, in its learner's language"
    __name__ = 'ossis.training.certificate.report'

    @classmethod
    def execute(cls, ids, data):
        # In the language of the learner unless the data asks for one
        return super().execute(ids, dict(data, language=data.get('language')
                or cls.learner_language(ids)))

    @classmethod
    def learner_language(cls, ids):
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        with without_check_access():
            certificate = Certificate(int(ids[0]))
            language = certificate.user.language
        return language.code if language else None

    @classmethod
    def render_records(cls, certificates, language):
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        with Transaction().set_context(language=language), \
                without_check_access():
            story = []
            for certificate in Certificate.browse(certificates):
                if story:
                    story.append(PageBreak())
                story += cls.story(certificate)
            return 'pdf', pdf.build(
                story, footer=label('footer'), title=label('title'))

    @classmethod
    def render(cls, certificate, language):
        "Return the PDF of the certificate in the language"
        return cls.render_records([certificate], language)[1]

    @classmethod
    def get_filename(cls, action, certificates):
        if len(certificates) == 1:
            certificate, = certificates
            return f'{action.name}-{certificate.code}'
        return action.name

    @classmethod
    def story(cls, certificate):
        path, user = certificate.path, certificate.user
        story = [
            pdf.para(certificate.company.rec_name, 'cover_lgu'),
            pdf.para(label('title'), 'cover_title'),
            pdf.para(label('awarded', name=user.name), 'cover_info'),
            pdf.para(label('path', path=path.rec_name,
                    role=selection_label(path, 'role')), 'cover_info'),
            Spacer(0, 8 * mm),
            pdf.heading(label('courses')),
            ]
        story += [pdf.para(l.course.rec_name, 'bullet', bulletText='•')
            for l in path.courses]
        story.append(Spacer(0, 6 * mm))
        story.append(pdf.labelled(
                label('issued'), certificate.issued_date.strftime('%d.%m.%Y')))
        if certificate.expiry_date:
            story.append(pdf.labelled(label('expires'),
                    certificate.expiry_date.strftime('%d.%m.%Y')))
        story += [Spacer(0, 8 * mm), cls.verification_block(certificate)]
        return story

    @classmethod
    def verification_block(cls, certificate):
        url = verification_url(certificate.code)
        where = (label('verify_url', url=url) if url
            else label('verify_desk'))
        text = [
            para(label('verification'), 'label'),
            para(certificate.code, 'code'),
            pdf.para(where),
            ]
        return boxed(side_by_side(
                text, [qr_code(url or certificate.code, QR_SIZE)], QR_SIZE,
                width=pdf.WIDTH - 6 * mm))
