"""Page actions on a chain: nominate, designate and revoke chain masters (POST, then back to the chain page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from industry_brain.core.codes import normalise_uscc
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.enterprises.models import Enterprise

from . import services
from .models import Chain, ChainMaster


class ChainMasterActionView(LoginRequiredMixin, View):
    def post(self, request, pk: int, action: str):
        chain = Chain.objects.get_in_scope(request.user, pk)
        try:
            if action == "nominate":
                code = normalise_uscc(request.POST.get("uscc", ""))
                enterprise = Enterprise.objects.filter(uscc=code).first()
                if enterprise is None:
                    raise ValidationError({"uscc": [_("No enterprise with this credit code.")]})
                services.chain_master_nominate(actor=request.user, chain=chain, enterprise=enterprise,
                                               reason=request.POST.get("reason", ""))
                messages.success(request, _("Nomination recorded; the city bureau will review it."))
            elif action in ("designate", "revoke"):
                master = ChainMaster.objects.filter(chain=chain, pk=request.POST.get("master")).first()
                if master is None:
                    raise Http404
                if action == "designate":
                    services.chain_master_designate(actor=request.user, master=master)
                    messages.success(request, _("Chain master designated."))
                else:
                    services.chain_master_revoke(actor=request.user, master=master,
                                                 reason=request.POST.get("reason", ""))
                    messages.success(request, _("Designation revoked."))
            else:
                raise Http404
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for e in errors:
                    messages.error(request, e)
        except (PermissionDenied, TransitionNotAllowed) as exc:
            messages.error(request, str(getattr(exc, "message", "")) or str(exc) or _("You may not do this."))
        return redirect(chain.get_absolute_url())
