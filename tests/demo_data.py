"""Deleting a demo's data so a test can generate it again: each domain's rows before the groups
and users they point at (they protect them)."""

from binhan.accounts.models import User
from binhan.geo.models import AdministrativeUnit, Household, Level


def remove_demo_data() -> None:
    remove_stats_data()
    remove_handovers_data()
    remove_residence_data()
    remove_cameras_data()
    remove_firesafety_data()
    remove_mediation_data()
    remove_alerts_data()
    remove_community_data()
    from binhan.reports.models import Report, Update

    Update.objects.all().delete()
    Report.objects.all().delete()
    User.objects.filter(is_demo=True).delete()
    Household.objects.all().delete()
    AdministrativeUnit.objects.filter(level=Level.GROUP).delete()


def remove_community_data() -> None:
    from binhan.community.models import (
        Commendation,
        DutyShift,
        PatrolLog,
        SecurityTeam,
        SelfManagementModel,
        TeamMember,
        TeamRating,
    )

    Commendation.objects.all().delete()
    PatrolLog.objects.all().delete()
    DutyShift.objects.all().delete()
    TeamRating.objects.all().delete()
    TeamMember.objects.all().delete()
    SecurityTeam.objects.all().delete()  # its areas go with it
    SelfManagementModel.objects.update(replicated_from=None)
    SelfManagementModel.objects.all().delete()  # sites, teams, members, funding, ratings, files go with it


def remove_alerts_data() -> None:
    from binhan.alerts.models import (
        Acknowledgement,
        Alert,
        Article,
        Campaign,
        Delivery,
        PollVote,
        PushSubscription,
        Reply,
        Subscription,
    )

    for model in (Delivery, Acknowledgement, PollVote, Reply, PushSubscription, Subscription):
        model.objects.all().delete()
    Alert.objects.all().delete()  # texts and targets go with it
    Campaign.objects.all().delete()
    Article.objects.all().delete()


def remove_mediation_data() -> None:
    """The mediation app's rows (filled in by the app)."""
    from binhan.mediation.models import Assignment, Interest, MediationCase, MediationTeam, Mediator

    Assignment.objects.all().delete()
    Interest.objects.all().delete()
    MediationCase.objects.all().delete()  # parties and sessions go with it
    Mediator.objects.all().delete()  # training records go with it
    MediationTeam.objects.all().delete()


def remove_firesafety_data() -> None:
    """The firesafety app's rows (filled in by the app)."""
    from binhan.firesafety.models import (
        Competition,
        Drill,
        Equipment,
        FirePoint,
        FireTeam,
        Inspection,
        Reminder,
        TeamHousehold,
    )

    Reminder.objects.all().delete()
    Inspection.objects.all().delete()  # findings go with them
    Equipment.objects.all().delete()
    Drill.objects.all().delete()
    Competition.objects.all().delete()  # scores go with them
    FirePoint.objects.all().delete()
    TeamHousehold.objects.all().delete()
    FireTeam.objects.all().delete()


def remove_cameras_data() -> None:
    from binhan.cameras.models import Camera, Footage, FootageRequest

    Footage.objects.all().delete()
    FootageRequest.objects.all().delete()
    Camera.objects.all().delete()  # funding goes with it


def remove_residence_data() -> None:
    from binhan.residence.models import Declaration, Lodging, Stay, StayCount, StayDayCount

    Stay.objects.all().delete()
    Declaration.objects.all().delete()
    Lodging.objects.all().delete()
    StayCount.objects.all().delete()
    StayDayCount.objects.all().delete()


def remove_handovers_data() -> None:
    from binhan.handovers.models import Exchange, Handover, Programme, ReceiptCounter

    Exchange.objects.all().delete()
    Handover.objects.all().delete()  # items and their movements go with it
    Programme.objects.all().delete()
    ReceiptCounter.objects.all().delete()


def remove_stats_data() -> None:
    """The stats app's rows: facts, ledger, cursor and manual figures."""
    from binhan.stats.models import Contribution, Cursor, Fact, ManualEntry

    Fact.objects.all().delete()
    Contribution.objects.all().delete()
    Cursor.objects.all().delete()
    ManualEntry.objects.all().delete()
