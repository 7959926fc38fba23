# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizen portal of the demo: the colours and a drawn crest of each
municipality, and the address, phone and opening hours of its desks

The crests are simple drawings, not the municipalities' real crests; the
addresses and phones of the desks are made up."""
import datetime as dt
import io

COLOURS = {
    'elbasan': '#7a1f1f',
    'pogradec': '#0b5563',
    'polican': '#2f4f1f',
    }
# Monday to Friday, and Saturday morning at the main desk
WEEK = [(str(d), dt.time(8), dt.time(16)) for d in range(5)]
SATURDAY = [('5', dt.time(9), dt.time(12))]


def crest(colour, letter):
    "Return a PNG of a shield in the colour with the letter on it"
    from PIL import Image, ImageDraw, ImageFont
    size = 96
    image = Image.new('RGBA', (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    shield = [(8, 6), (88, 6), (88, 52), (48, 90), (8, 52)]
    draw.polygon(shield, fill=colour, outline='#d4a017', width=5)
    font = ImageFont.load_default(size=44)
    draw.text((48, 42), letter, fill='#ffffff', font=font, anchor='mm')
    data = io.BytesIO()
    image.save(data, 'PNG')
    return data.getvalue()


def setup(pool, companies):
    "Brand the demo municipalities and open their desks"
    try:
        pool.get('ossis.portal.configuration')
    except KeyError:
        return
    Company = pool.get('company.company')
    OrgUnit = pool.get('ossis.org_unit')
    for code, colour in COLOURS.items():
        company = companies.get(code)
        if not company:
            continue
        Company.write([company], {
                'portal_colour': colour,
                'portal_published': True,
                'crest': crest(colour, code[:1].upper()),
                })
        desks = OrgUnit.search([
                ('company', '=', company.id),
                ('type', '=', 'front_office'),
                ], order=[('sequence', 'ASC'), ('id', 'ASC')])
        for number, desk in enumerate(desks):
            if desk.opening_hours:
                continue
            hours = WEEK + (SATURDAY if number == 0 else [])
            place = (desk.administrative_unit or company).rec_name
            OrgUnit.write([desk], {
                    'address': desk.address or (
                        f"Sporteli {number + 1}, {place}"),
                    'phone': desk.phone or (
                        f"+355 54 {200 + number:03d} {100 + number:03d}"),
                    'opening_hours': [('create', [
                                {'weekday': d, 'opens': o, 'closes': c}
                                for d, o, c in hours])],
                    })
