# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The screenshots of the starter courses, shown in their lessons

The lessons (content.xml) show them as ``../screenshots/<name>.png``,
relative to /<database>/portal/training/lessons/<id>;
scripts/training_screenshots.py takes them from the demo."""
from pathlib import Path

from werkzeug.wrappers import Response

from .web import learner_route

FOLDER = Path(__file__).parent / 'content' / 'screenshots'
# Only the files shipped with the module are served, whatever the name asks
SCREENSHOTS = {p.name for p in FOLDER.glob('*.png')}


@learner_route('/screenshots/<name>')
def screenshot(learning, name):
    if name not in SCREENSHOTS:
        return learning.error(404)
    response = Response(
        (FOLDER / name).read_bytes(), content_type='image/png')
    # Kept by the learner's browser: the same for every learner
    response.headers['Cache-Control'] = 'private, max-age=3600'
    learning.private = False
    return response
