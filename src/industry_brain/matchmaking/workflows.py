"""The matchmaking state machines, each transition declared once on the core workflow engine.

    event:      planned ─open─▶ open ─hold─▶ held ─close─▶ closed
    intention:  declared ─sign─▶ signed ─deliver─▶ delivered;  declared|signed ─drop─▶ dropped (with a reason)
    target:     identified ─contact─▶ contacted ─visit─▶ visited ─negotiate─▶ negotiating ─sign─▶ signed
                (any open status) ─drop─▶ dropped

Who takes a step is who may change the object (its scope "change"), so the rule is the model's scope, written
once; signing a target creates an investment project, which only the city registers on a chain's behalf.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from industry_brain.core.permissions import can, is_city
from industry_brain.core.workflow import Transition, Workflow

from .choices import EventStatus as E
from .choices import IntentionStatus as I
from .choices import TargetStatus as T


def may_change(user, obj) -> bool:
    return can(user, "change", obj)


EVENT = Workflow("matchmaking.event", model="matchmaking.Event", transitions=[
    Transition("open", {E.PLANNED}, E.OPEN, may_change, label=_("Open registration"), past=_("opened"),
               event="event.opened"),
    Transition("hold", {E.OPEN}, E.HELD, may_change, label=_("Mark as held"), past=_("held"), event="event.held"),
    Transition("close", {E.HELD}, E.CLOSED, may_change, label=_("Close"), past=_("closed"), event="event.closed"),
])

INTENTION = Workflow("matchmaking.intention", model="matchmaking.Intention", transitions=[
    Transition("sign", {I.DECLARED}, I.SIGNED, may_change, label=_("Record signing"), past=_("signed"),
               event="intention.signed"),
    Transition("deliver", {I.SIGNED}, I.DELIVERED, may_change, label=_("Record delivery"), past=_("delivered"),
               event="intention.delivered"),
    Transition("drop", {I.DECLARED, I.SIGNED}, I.DROPPED, may_change, label=_("Drop"), past=_("dropped"),
               event="intention.dropped"),
])

OPEN_TARGET = {T.IDENTIFIED, T.CONTACTED, T.VISITED, T.NEGOTIATING}

TARGET = Workflow("matchmaking.target", model="matchmaking.AttractionTarget", transitions=[
    Transition("contact", {T.IDENTIFIED}, T.CONTACTED, may_change, label=_("Contacted"), past=_("contacted"),
               event="target.contacted"),
    Transition("visit", {T.CONTACTED}, T.VISITED, may_change, label=_("Visited"), past=_("visited"),
               event="target.visited"),
    Transition("negotiate", {T.VISITED}, T.NEGOTIATING, may_change, label=_("Negotiating"), past=_("negotiating"),
               event="target.negotiating"),
    Transition("sign", {T.NEGOTIATING}, T.SIGNED, lambda user, obj: is_city(user), label=_("Signed: register the "
               "project"), past=_("signed"), event="target.signed",
               denied=_("The city bureau registers the investment project of a signed target.")),
    Transition("drop", OPEN_TARGET, T.DROPPED, may_change, label=_("Drop"), past=_("dropped"), event="target.dropped"),
])
