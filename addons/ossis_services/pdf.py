# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The building blocks of the PDF documents printed with reportlab

An A4 page with a footer, the paragraph styles, and helpers that escape the
texts from the database before reportlab parses its paragraph markup.

The texts are set in Noto Sans, embedded in each PDF: it has the letters of
Latin with its extensions, Greek and Cyrillic, so that every name prints as
it is written (Σπύρος, Şükrü, Đorđe), on any printer and in any reader.
The fonts come from the pymupdf-fonts package; reportlab embeds the subset
of the letters that a document uses.
"""
import io
import threading
from xml.sax.saxutils import escape

import pikepdf
import pikepdf.pdfa
import pymupdf_fonts
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate, Frame, NextPageTemplate, PageTemplate, Paragraph, Table,
    TableStyle)
from reportlab.platypus.tableofcontents import (
    TableOfContents, defaultTableStyle)

ACCENT = colors.HexColor('#1f4e79')
LIGHT = colors.HexColor('#e8eef5')
GREY = colors.HexColor('#5a5a5a')
RULE = colors.HexColor('#b8c4d0')
# The archival PDF (ISO 19005-2, level B: the pages look the same for ever)
PDFA = '2b'
FONT, BOLD, ITALIC, BOLD_ITALIC = (
    'NotoSans', 'NotoSans-Bold', 'NotoSans-Italic', 'NotoSans-BoldItalic')
# For codes to read or type, where an O must not pass for a 0
MONO, MONO_BOLD = 'CascadiaMono', 'CascadiaMono-Bold'
# The name of each font in pymupdf-fonts
FONT_CODES = {
    FONT: 'notos', BOLD: 'notosbo', ITALIC: 'notosit', BOLD_ITALIC: 'notosbi',
    MONO: 'cascadia', MONO_BOLD: 'cascadiab',
    }
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN


_fonts_lock = threading.Lock()


def register_families():
    "Make <b> and <i> of the paragraphs pick the bold and italic fonts"
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    pdfmetrics.registerFontFamily(
        MONO, normal=MONO, bold=MONO_BOLD, italic=MONO, boldItalic=MONO_BOLD)


def register_fonts():
    """Register the fonts with reportlab, once per process

    Reading them takes a few tenths of a second: it is done when the first
    document is built rather than when the module is imported."""
    with _fonts_lock:
        registered = pdfmetrics.getRegisteredFontNames()
        if all(name in registered for name in FONT_CODES):
            return
        for name, code in FONT_CODES.items():
            pdfmetrics.registerFont(
                TTFont(name, io.BytesIO(pymupdf_fonts.myfont(code))))
        # reportlab maps the bold and italic of a new font to itself
        register_families()


# Paragraphs made before the first document is built are parsed with them
register_families()


def _style(name, **values):
    values.setdefault('fontName', FONT)
    values.setdefault('bulletFontName', FONT)
    values.setdefault('fontSize', 9)
    values.setdefault('leading', values['fontSize'] * 1.25)
    return ParagraphStyle(name, **values)


STYLES = {
    'body': _style('body', spaceAfter=2),
    'small': _style('small', fontSize=8, textColor=GREY),
    'note': _style('note', fontName=ITALIC, fontSize=8, textColor=GREY,
        spaceBefore=6),
    'cell': _style('cell', fontSize=8.5, leading=10),
    'cell_head': _style('cell_head', fontName=BOLD, fontSize=8.5,
        leading=10),
    'bullet': _style('bullet', leftIndent=12, bulletIndent=2, spaceAfter=2),
    'step': _style('step', leftIndent=14, bulletIndent=0, spaceAfter=2),
    'lgu': _style('lgu', fontName=BOLD, fontSize=10, textColor=ACCENT),
    'title': _style('title', fontName=BOLD, fontSize=16, leading=20,
        spaceBefore=4, spaceAfter=2),
    'subtitle': _style('subtitle', fontSize=9, textColor=GREY,
        spaceAfter=8),
    'category': _style('category', fontName=BOLD, fontSize=18, leading=24,
        textColor=ACCENT, spaceAfter=10),
    'heading': _style('heading', fontName=BOLD, fontSize=10.5,
        textColor=ACCENT, spaceBefore=7, spaceAfter=2, keepWithNext=1),
    'cover_lgu': _style('cover_lgu', fontName=BOLD, fontSize=16,
        alignment=TA_CENTER, textColor=ACCENT, spaceBefore=70 * mm),
    'cover_title': _style('cover_title', fontName=BOLD, fontSize=26,
        leading=32, alignment=TA_CENTER, spaceBefore=20 * mm,
        spaceAfter=8 * mm),
    'cover_info': _style('cover_info', fontSize=12, leading=18,
        alignment=TA_CENTER),
    'toc_title': _style('toc_title', fontName=BOLD, fontSize=16, leading=20,
        spaceAfter=10),
    }
TOC_STYLES = [
    _style('toc0', fontName=BOLD, fontSize=10, spaceBefore=6),
    _style('toc1', fontSize=8.5, leftIndent=12, leading=11),
    ]


def text(value):
    "Return the value as escaped paragraph text"
    return escape(str(value)) if value is not None else ''


def para(value, style='body', markup=None, **kwargs):
    """Return a paragraph of the value

    markup is already escaped text with reportlab tags, used instead of the
    value."""
    if markup is None:
        markup = text(value)
    return Paragraph(markup, STYLES[style], **kwargs)


def heading(value, style='heading', outline=None):
    """Return a heading paragraph

    outline is the level of the heading in the outline and the table of
    contents of the document; None keeps it out of them."""
    paragraph = para(value, style)
    paragraph.outline_level = outline
    return paragraph


def labelled(label, value):
    "Return a paragraph starting with a bold label"
    return para(None, markup=f'<b>{text(label)}:</b> {text(value)}')


def table_style(*commands):
    """Return the style of a table with the commands

    A table sets the font of its cells before drawing them, reportlab's
    Helvetica unless told: the style gives it the font of the documents,
    so that no font is left out of the PDF."""
    return TableStyle([('FONTNAME', (0, 0), (-1, -1), FONT), *commands])


def grid(header, rows, widths):
    """Return a table of paragraphs with a header row repeated on each page

    Cells are texts or flowables."""
    def cell(value, style):
        if isinstance(value, (str, int)) or value is None:
            return para(value, style)
        return value
    data = [[cell(h, 'cell_head') for h in header]]
    data += [[cell(v, 'cell') for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, spaceAfter=4)
    table.setStyle(table_style(
                ('BACKGROUND', (0, 0), (-1, 0), LIGHT),
                ('LINEBELOW', (0, 0), (-1, -1), 0.4, RULE),
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('LEFTPADDING', (0, 0), (-1, -1), 3),
                ('RIGHTPADDING', (0, 0), (-1, -1), 3),
                ('TOPPADDING', (0, 0), (-1, -1), 2),
                ('BOTTOMPADDING', (0, 0), (-1, -1), 2),
                ))
    return table


def facts(pairs):
    "Return a band of key facts: one column per (label, value)"
    width = WIDTH / len(pairs)
    table = Table(
        [[para(label, 'small') for label, _ in pairs],
            [para(None, markup=f'<b>{text(value)}</b>')
                for _, value in pairs]],
        colWidths=[width] * len(pairs))
    table.setStyle(table_style(
                ('BACKGROUND', (0, 0), (-1, -1), LIGHT),
                ('LINEBEFORE', (1, 0), (-1, -1), 0.4, colors.white),
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('TOPPADDING', (0, 0), (-1, 0), 5),
                ('BOTTOMPADDING', (0, -1), (-1, -1), 6),
                ))
    return table


def table_of_contents():
    toc = TableOfContents()
    toc.levelStyles = TOC_STYLES
    toc.tableStyle = table_style(*defaultTableStyle.getCommands())
    toc.dotsMinLevel = 0
    return toc


class Document(BaseDocTemplate):
    """An A4 document with a footer on each page but the cover

    The headings with an outline level go to the outline of the PDF and to
    its table of contents."""

    def __init__(self, file, footer='', page_label='%(page)s', cover=False,
            **kwargs):
        register_fonts()
        super().__init__(
            file, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm,
            creator='OSSIS', initialFontName=FONT, **kwargs)
        self.footer = footer
        self.page_label = page_label
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
            id='body')
        templates = [PageTemplate('page', [frame], onPage=self.draw_footer)]
        if cover:
            templates.insert(0, PageTemplate('cover', [frame]))
        self.addPageTemplates(templates)

    def draw_footer(self, canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(RULE)
        y = self.bottomMargin - 6 * mm
        canvas.line(self.leftMargin, y + 3.5 * mm,
            self.leftMargin + self.width, y + 3.5 * mm)
        canvas.drawString(self.leftMargin, y, self.footer)
        canvas.drawRightString(
            self.leftMargin + self.width, y,
            self.page_label % {'page': doc.page})
        canvas.restoreState()

    def afterFlowable(self, flowable):
        level = getattr(flowable, 'outline_level', None)
        if level is None:
            return
        title = flowable.getPlainText()
        key = f'h{id(flowable)}'
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)
        self.notify('TOCEntry', (level, text(title), self.page, key))


def build(story, with_toc=False, **kwargs):
    "Return the PDF bytes of the story"
    buffer = io.BytesIO()
    document = Document(buffer, **kwargs)
    if with_toc:
        # The table of contents gets its page numbers from a first pass.
        # Filled beforehand with the headings, it has its final size in the
        # first pass, which gives the right numbers: two passes are enough.
        headings = [
            (f.outline_level, text(f.getPlainText()), 0, None)
            for f in story if getattr(f, 'outline_level', None) is not None]
        for flowable in story:
            if isinstance(flowable, TableOfContents):
                flowable.addEntries(headings)
        document.multiBuild(story)
    else:
        document.build(story)
    return buffer.getvalue()


def archival(content):
    """Return the PDF converted to PDF/A-2b, for the archives

    reportlab writes neither the XMP metadata that declares PDF/A nor an
    output intent: pikepdf adds them, the metadata matching the document
    information and an sRGB output intent for the colours, and writes the
    file as PDF/A-2b asks.  The fonts are embedded already; a signature
    added later as an incremental update keeps the file PDF/A-2b.  The
    tests check the result with pikepdf's PDF/A validator; validating each
    document would add some 60 ms to a receipt at the desk."""
    with pikepdf.open(io.BytesIO(content)) as document:
        for page in document.pages:
            # reportlab writes an empty page transition: a printed page
            # needs none, and the PDF/A validator does not check it
            if '/Trans' in page.obj:
                del page.obj['/Trans']
        pikepdf.pdfa.prepare(document, PDFA)
        buffer = io.BytesIO()
        document.save(buffer, **pikepdf.pdfa.resolve_save_kwargs(PDFA))
    return buffer.getvalue()


def cover_switch():
    "Return the flowable that ends the cover"
    return NextPageTemplate('page')
