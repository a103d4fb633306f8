"""The daily reminder of intentions whose follow-up is overdue: one inbox line per owner, of a kind the inbox
accepts, with the count of that owner's late intentions only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from industry_brain.demands.choices import NotificationKind
from industry_brain.demands.models import Notification
from industry_brain.matchmaking import services
from industry_brain.matchmaking.choices import IntentionStatus
from industry_brain.matchmaking.models import Intention

pytestmark = pytest.mark.django_db


def _intention(world, *, owner, due, status=IntentionStatus.DECLARED):
    return Intention.objects.create(kind="order", buyer=world.ent_xihu, seller=world.ent_xiaoshan, product="铜箔",
                                    amount=Decimal(100), status=status, owner=owner, follow_up_due=due)


def test_overdue_follow_ups_reach_their_owners_inbox(world):
    today = timezone.localdate()
    city, chain_team = world.user("city"), world.user("chain_team")
    _intention(world, owner=city, due=today - dt.timedelta(days=3))
    _intention(world, owner=city, due=today - dt.timedelta(days=1), status=IntentionStatus.SIGNED)
    _intention(world, owner=city, due=today - dt.timedelta(days=5), status=IntentionStatus.DELIVERED)  # finished
    _intention(world, owner=chain_team, due=today + dt.timedelta(days=2))  # not yet due

    assert services.intentions_remind(on=today) == 1

    sent = list(Notification.objects.filter(kind=NotificationKind.DEAL_FOLLOW_UP))
    assert [n.recipient_id for n in sent] == [city.pk]
    assert "2" in sent[0].text and sent[0].link.startswith("/matchmaking/intentions/")
