"""The chain-node picker: the chain directory is public inside the platform (every role opens the chain pages); a
chain work team is offered the nodes of its own ecosystem, the ones its forms accept."""

from __future__ import annotations

from django.db.models import Q

from industry_brain.core.autocomplete import Source, register

from .models import ChainNode


def _nodes(user, params):
    nodes = ChainNode.objects.select_related("chain")
    if not user.is_authenticated:
        return nodes.none()
    if user.ecosystem_id:  # a chain work team's own ecosystem
        nodes = nodes.filter(chain__ecosystem_id=user.ecosystem_id)
    return nodes


register(Source("node", queryset=_nodes, order=("chain__name", "name", "pk"),
                search=lambda qs, q: qs.filter(Q(name__icontains=q) | Q(chain__name__icontains=q)),
                item=lambda n: {"id": n.pk, "label": f"{n.chain.name} · {n.name}",
                                "detail": str(n.get_segment_display())}))
