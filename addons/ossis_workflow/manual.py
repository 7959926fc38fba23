# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.modules.ossis_services import pdf
from trytond.pool import Pool, PoolMeta


class ManualReport(metaclass=PoolMeta):
    __name__ = 'ossis.service.manual'

    @classmethod
    def procedure(cls, lgu_service):
        return super().procedure(lgu_service) + cls.workflow_section(
            lgu_service)

    @classmethod
    def workflow_columns(cls):
        "Return the headers of the columns of the workflow steps"
        return [
            gettext('ossis_workflow.msg_manual_step'),
            gettext('ossis_workflow.msg_manual_step_by'),
            gettext('ossis_workflow.msg_manual_step_days'),
            ]

    @classmethod
    def workflow_steps(cls, lgu_service):
        """Return the steps of the workflow that applies to the municipal
        service

        Each step is a row of texts, one per column of workflow_columns:
        its name, the unit responsible for it in the municipality with the
        role that acts there, and its working days."""
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        Step = pool.get('ossis.workflow.step')
        workflow = Workflow.get_active(
            lgu_service.company, [lgu_service.service_code]).get(
            lgu_service.service_code)
        if not workflow:
            return []
        roles = dict(Step.fields_get(['role'])['role']['selection'])
        rows = []
        for step in workflow.steps:
            unit = step.unit_for(lgu_service.company, lgu_service)
            by = roles[step.role]
            if unit:
                by = f'{unit.rec_name} ({by})'
            rows.append([step.name, by, str(step.days)])
        return rows

    @classmethod
    def workflow_section(cls, lgu_service):
        story = [pdf.heading(gettext('ossis_workflow.msg_manual_workflow'))]
        steps = cls.workflow_steps(lgu_service)
        if not steps:
            story.append(pdf.para(
                    gettext('ossis_workflow.msg_manual_no_workflow')))
            return story
        columns = cls.workflow_columns()
        first = pdf.WIDTH / 2
        widths = [first] + [
            (pdf.WIDTH - first) / (len(columns) - 1)] * (len(columns) - 1)
        story.append(pdf.grid(columns, steps, widths))
        return story
