# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql import Null

from trytond.i18n import gettext
from trytond.model import Index
from trytond.modules.ossis_application.upload import EXTENSIONS
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        # The verification page finds an output by the hash of its file
        cls._sql_indexes.add(Index(
                table, (table.output_sha256, Index.Equality()),
                where=table.output_sha256 != Null))

    @classmethod
    def answer_online(cls, application, message, files):
        """Record the applicant's answer to a request for information: the
        files (checklist line or None, data, MIME type) attached to the
        application, the lines they answer received, the message in the
        history, and the clock restarted as the staff's "Applicant
        Answered" does"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Document = pool.get('ossis.application.document')
        Date = pool.get('ir.date')
        with Transaction().set_context(company=application.company.id):
            today = Date.today()
        note = gettext('ossis_portal.msg_answer_attachment')
        attachments, received = [], []
        for index, (line, data, mimetype) in enumerate(files, 1):
            name = line.document_type.rec_name if line else gettext(
                'ossis_portal.msg_answer_other_document')
            attachments.append({
                    'resource': str(application),
                    'name': f'{name} ({index}).{EXTENSIONS[mimetype]}',
                    'type': 'data',
                    'data': data,
                    'description': note,
                    })
            if line:
                received.append(line)
        if attachments:
            Attachment.create(attachments)
        if received:
            Document.write(received, {
                    'status': 'received',
                    'received_date': today,
                    'note': note,
                    })
        comment = gettext('ossis_portal.msg_answer_comment')
        if message:
            comment += '\n' + message
        cls.write([application], {'action_comment': comment})
        cls.resume(cls.browse([application.id]))

    @classmethod
    def withdraw_online(cls, application):
        "Withdraw the application at the request of its applicant online"
        cls.write([application], {
                'end_reason': gettext('ossis_portal.msg_withdraw_reason'),
                })
        cls.withdraw(cls.browse([application.id]))
