# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.transaction import Transaction

TIERS = [
    ('1', "Call Centre"),
    ('2', "Configuration Team"),
    ]


class Team(DeactivableMixin, ModelSQL, ModelView):
    """Help Desk Team

    National support staff: the call centre answers first (tier 1), the
    configuration team takes what needs a change of the configuration
    (tier 2).  The members of a team work for every municipality."""
    __name__ = 'ossis.helpdesk.team'
    __string__ = "Help Desk Team"

    name = fields.Char("Name", required=True, translate=True)
    tier = fields.Selection(
        TIERS, "Tier", required=True,
        help="The call centre answers first, the configuration team "
        "takes the changes of the configuration.")
    members = fields.Many2Many(
        'ossis.helpdesk.team-res.user', 'team', 'user', "Members",
        help="The agents of the team, who see the tickets of every "
        "municipality.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('tier', 'ASC'))

    @classmethod
    def is_agent(cls, user_id=None):
        """Return whether the user is a member of an active team

        Read from the table: the record rules themselves ask it."""
        pool = Pool()
        Member = pool.get('ossis.helpdesk.team-res.user')
        transaction = Transaction()
        if user_id is None:
            user_id = transaction.user
        team = cls.__table__()
        member = Member.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*member.join(
                team, condition=member.team == team.id).select(
                member.id,
                where=(member.user == user_id) & (team.active == True),  # noqa: E712, E501
                limit=1))
        return bool(cursor.fetchone())

    @classmethod
    def teams_of(cls, user_id):
        "Return the active teams of the user"
        return cls.search([('members', '=', user_id)])


class TeamMember(ModelSQL):
    "Help Desk Team Member"
    __name__ = 'ossis.helpdesk.team-res.user'
    __string__ = "Help Desk Team Member"

    team = fields.Many2One(
        'ossis.helpdesk.team', "Team", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.update({'team', 'user'})

    @classmethod
    def on_modification(cls, mode, members, field_names=None):
        super().on_modification(mode, members, field_names=field_names)
        # The record rules depend on who is an agent
        Pool().get('ir.rule')._domain_get_cache.clear()


class AgentLGUMixin(LGUOwnedMixin):
    """Records of a municipality that the help desk's agents also create

    The agents of a team work for every municipality: a call or a ticket is
    recorded for the municipality that called them."""
    __slots__ = ()

    @classmethod
    def check_lgu_allowed(cls, mode, company_ids, records=None):
        Team = Pool().get('ossis.helpdesk.team')
        if Team.is_agent():
            return
        super().check_lgu_allowed(mode, company_ids, records=records)
