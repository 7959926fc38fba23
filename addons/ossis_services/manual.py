# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import io
import zipfile

from reportlab.platypus import PageBreak

from trytond.i18n import gettext, ngettext
from trytond.pool import Pool
from trytond.tools import slugify
from trytond.transaction import Transaction

from . import pdf
from .fiche_report import PDFReport


class ManualReport(PDFReport):
    """Manual of Administrative Procedures

    The services a municipality offers, grouped by category: the fiche of
    each service, followed by what other modules add to it (the steps of
    its workflow)."""
    __name__ = 'ossis.service.manual'

    @classmethod
    def render_records(cls, companies, language):
        if len(companies) == 1:
            company, = companies
            return 'pdf', cls.render_pdf(company, language)
        content = io.BytesIO()
        with zipfile.ZipFile(content, 'w') as archive:
            for company in companies:
                archive.writestr(
                    f'{slugify(company.code)}.pdf',
                    cls.render_pdf(company, language))
        return 'zip', content.getvalue()

    @classmethod
    def get_filename(cls, action, companies):
        if len(companies) == 1:
            company, = companies
            return f'{action.name}-{company.code}'
        return action.name

    @classmethod
    def render_pdf(cls, company, language, date=None):
        """Return the PDF of the manual of the municipality in the language

        It holds the services offered on the date, today by default."""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        Fiche = pool.get('ossis.service.fiche', type='report')
        with Transaction().set_context(
                language=language, company=company.id):
            company = Company(company.id)
            if date is None:
                date = Date.today()
            name = Fiche.municipality_name(company)
            title = gettext('ossis_services.msg_manual_title')
            offers = cls.offers(company, date)
            story = cls.cover(company, date, len(offers))
            if offers:
                story += cls.contents()
            else:
                story.append(pdf.para(
                        gettext('ossis_services.msg_manual_no_service')))
            for category, category_offers in cls.group(offers):
                story.append(PageBreak())
                story.append(pdf.heading(
                        category.rec_name, 'category', outline=0))
                for number, offer in enumerate(category_offers):
                    if number:
                        story.append(PageBreak())
                    story += Fiche.fiche(offer.service, offer, outline=1)
                    story += cls.procedure(offer)
            return pdf.build(
                story, with_toc=True, cover=True, title=title,
                author=name, lang=language,
                footer=f'{name} – {title}',
                page_label=gettext('ossis_services.msg_fiche_page'))

    @classmethod
    def offers(cls, company, date):
        "Return the municipal services of the manual"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        return Offer.offered(company, date)

    @classmethod
    def group(cls, offers):
        """Return the offers grouped by category, as pairs of category and
        offers, in the order of the categories then of the codes"""
        pool = Pool()
        Category = pool.get('ossis.service.category')
        by_category = {}
        for offer in offers:
            by_category.setdefault(offer.service.category.id, []).append(
                offer)
        categories = Category.search([('id', 'in', list(by_category))])
        return [
            (c, sorted(by_category[c.id], key=lambda o: o.service_code))
            for c in categories]

    @classmethod
    def cover(cls, company, date, count):
        pool = Pool()
        Lang = pool.get('ir.lang')
        Fiche = pool.get('ossis.service.fiche', type='report')
        lang = Lang.get()
        return [
            pdf.para(Fiche.municipality_name(company), 'cover_lgu'),
            pdf.para(
                gettext('ossis_services.msg_manual_title'), 'cover_title'),
            pdf.para(gettext('ossis_services.msg_manual_subtitle'),
                'cover_info'),
            pdf.para(ngettext(
                    'ossis_services.msg_manual_count', count, count=count),
                'cover_info'),
            pdf.para(gettext(
                    'ossis_services.msg_manual_date',
                    date=lang.strftime(date)), 'cover_info'),
            pdf.para(gettext(
                    'ossis_services.msg_manual_language',
                    language=lang.name), 'cover_info'),
            pdf.cover_switch(),
            PageBreak(),
            ]

    @classmethod
    def contents(cls):
        return [
            pdf.para(gettext('ossis_services.msg_manual_contents'),
                'toc_title'),
            pdf.table_of_contents(),
            ]

    @classmethod
    def procedure(cls, lgu_service):
        """Return the story that follows the fiche of the municipal service:
        nothing here, the workflow module adds the steps of the procedure"""
        return []
