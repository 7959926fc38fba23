# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test the starter content: a path per role, its courses, lessons,
screenshots in both languages and quizzes whose questions are valid"""
import re
import unittest
from pathlib import Path

import polib

from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_training.path import ROLES
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

MODULE = Path(__file__).parent.parent
SCREENSHOTS = {
    p.name for p in (MODULE / 'content' / 'screenshots').glob('*.png')}
IMAGE = re.compile(r'<img src="\.\./screenshots/([\w-]+\.png)" alt="[^"]+"/>')


class ContentTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the starter content"
    module = 'ossis_training'

    @with_transaction()
    def test_a_path_per_role(self):
        """Test each role has a national path whose courses have lessons
        and a quiz that draws every valid question of their bank"""
        pool = Pool()
        Path = pool.get('ossis.training.path')
        paths = Path.search([('company', '=', None)])
        self.assertEqual(sorted(p.role for p in paths),
            sorted(r for r, _ in ROLES))
        for path in paths:
            for line in path.courses:
                course = line.course
                self.assertIsNone(course.company)
                self.assertGreaterEqual(len(course.lessons), 3, course.code)
                quiz, = course.quizzes
                self.assertEqual(quiz.question_count, len(course.questions))
                self.assertEqual(course.lessons[-1].quiz, quiz)
                self.assertTrue(all(q.ready for q in course.questions))

    @with_transaction()
    def test_screenshots_in_both_languages(self):
        """Test the lessons show the same screenshots in English and
        Albanian, each one shipped with the module"""
        pool = Pool()
        Lesson = pool.get('ossis.training.lesson')
        ModelData = pool.get('ir.model.data')
        po = polib.pofile(str(MODULE / 'locale' / 'sq.po'))
        albanian = {e.msgctxt: e.msgstr for e in po}
        shown = set()
        for data in ModelData.search([
                    ('module', '=', 'ossis_training'),
                    ('model', '=', 'ossis.training.lesson'),
                    ]):
            english = Lesson(data.db_id).body
            translated = albanian[
                f'model:ossis.training.lesson,body:{data.fs_id}']
            self.assertNotEqual(translated, english)
            self.assertEqual(
                IMAGE.findall(translated), IMAGE.findall(english))
            shown.update(IMAGE.findall(english))
        self.assertTrue(shown)
        self.assertLessEqual(shown, SCREENSHOTS)
