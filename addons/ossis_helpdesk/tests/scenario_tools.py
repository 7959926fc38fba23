# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the scenarios of the help desk (scenario_*.rst), through
proteus; the municipalities are set up by those of ossis_services"""
from proteus import Model

# The help desk's group, beside the roles of the municipalities' staff
HELPDESK_GROUP = 'group_helpdesk'


def create_agent(login, name, team, config=None):
    """Create the user of a national help desk agent, member of the team,
    working for no municipality in particular"""
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    Team = Model.get('ossis.helpdesk.team', config=config)
    User = Model.get('res.user', config=config)
    user = User(login=login, name=name)
    user.groups.append(Group(ModelData.get_id(
                'ossis_base', HELPDESK_GROUP, user._config.context)))
    user.save()
    team = Team(team.id)
    team.members.append(User(user.id))
    team.save()
    return user
