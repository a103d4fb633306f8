"""The words users read for the matchmaking module's event kinds and workflow steps."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core import labels

labels.register("event", {
    "listing.published": _("Listing published"), "listing.renewed": _("Listing renewed"),
    "listing.withdrawn": _("Listing withdrawn"), "listing.expired": _("Listings expired"),
    "event.created": _("Event planned"), "event.registered": _("Firm registered"),
    "event.attendance": _("Attendance recorded"), "event.meetings_scheduled": _("Meetings scheduled"),
    "intention.declared": _("Intention declared"), "target.identified": _("Target identified"),
})
labels.register("matchmaking_step", {
    "open": _("Registration opened"), "hold": _("Event held"), "close": _("Event closed"),
    "sign": _("Signed"), "deliver": _("Delivered"), "drop": _("Dropped"), "contact": _("Contacted"),
    "visit": _("Visited"), "negotiate": _("Negotiating"),
})
labels.register("actor", {"job:matchmaking.daily": _("System (listing expiry and follow-up reminders)")})
