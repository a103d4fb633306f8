from .views import ChainMasterViewSet, ChainMembershipViewSet, ChainViewSet, EcosystemViewSet

routes = [
    ("ecosystems", EcosystemViewSet, "ecosystem"),
    ("chains", ChainViewSet, "chain"),
    ("chain-masters", ChainMasterViewSet, "chain-master"),
    ("chain-memberships", ChainMembershipViewSet, "chain-membership"),
]
