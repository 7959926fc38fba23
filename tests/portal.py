# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A visitor of the citizen portal over HTTP, as a browser without
JavaScript: cookies, forms with their CSRF token, redirects followed"""
import http.cookiejar
import io
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

import lxml.html
from PIL import Image
from trytond.modules.ossis_application.tests.files import pdf

# A small valid PDF, and a PNG image, as applicants upload them
PDF = pdf()


def png():
    "Return a small PNG image, readable as one"
    data = io.BytesIO()
    Image.new('RGB', (8, 8), (200, 30, 30)).save(data, 'PNG')
    return data.getvalue()


@dataclass
class Page:
    status: int
    url: str
    headers: object
    body: bytes

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    @property
    def html(self):
        return lxml.html.fromstring(self.body)

    def form(self, selector='form[method="post"]', index=0):
        "Return the action and the fields of a form of the page"
        form = self.html.cssselect(selector)[index]
        fields = {}
        for element in form.cssselect('input[name], textarea[name]'):
            if element.get('type') in {'checkbox', 'radio', 'file'}:
                continue
            fields[element.get('name')] = element.get('value') or (
                element.text or '')
        return urllib.parse.urljoin(self.url, form.get('action')), fields


class Visitor:
    "A citizen with a browser that follows redirects and keeps cookies"

    def __init__(self, server, forwarded_for=None):
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies))
        self.headers = {}
        if forwarded_for:
            self.headers['X-Forwarded-For'] = forwarded_for

    def url(self, path):
        if path.startswith('http'):
            return path
        return f'{self.server.url}/{self.server.database}/portal{path}'

    def _open(self, request):
        for name, value in self.headers.items():
            request.add_header(name, value)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Page(response.status, response.url,
                    response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.headers, error.read())

    def get(self, path, **query):
        url = self.url(path)
        if query:
            url += '?' + urllib.parse.urlencode(query)
        return self._open(urllib.request.Request(url))

    def post(self, path, fields, files=None):
        "Send a form, as multipart when it has files {name: (filename, data)}"
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            content_type = 'application/x-www-form-urlencoded'
        request = urllib.request.Request(
            self.url(path), data=body, method='POST',
            headers={'Content-Type': content_type})
        return self._open(request)

    def submit(self, page, values=None, files=None, selector=None,
            button=None):
        "Fill the form of the page with values and send it"
        action, fields = page.form(selector or 'form[method="post"]')
        fields.update(values or {})
        if button:
            fields.update(button)
        return self.post(action, fields, files)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    lines = []
    for name, value in fields.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            lines.append(
                f'--{boundary}\r\nContent-Disposition: form-data; '
                f'name="{name}"\r\n\r\n{item}\r\n'.encode())
    for name, (filename, data) in files.items():
        lines.append(
            f'--{boundary}\r\nContent-Disposition: form-data; '
            f'name="{name}"; filename="{filename}"\r\n'
            f'Content-Type: application/octet-stream\r\n\r\n'.encode()
            + data + b'\r\n')
    lines.append(f'--{boundary}--\r\n'.encode())
    return b''.join(lines), f'multipart/form-data; boundary={boundary}'
