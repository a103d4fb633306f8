"""Builders for the supply tests: the reference's example C and a small network over build_world()."""

from __future__ import annotations

from decimal import Decimal

from industry_brain.supply.models import BomLine, ExternalFirm, FirmProfile, Material, SupplyLink

# Reference §1.8, example C: node → (capacity per period, inventory, TTR).
EXAMPLE_C = {"P": (150, 50, 1), "C": (200, 100, 2), "A1": (80, 20, 4), "A2": (40, 30, 2), "B": (250, 100, 3)}
EXAMPLE_C_EXPECTED = {  # disrupted → (PI, REI, TTS)
    "P": (500, 0.5, 0.5), "C": (500, 0.5, 1.5), "A1": (400, 0.4, 10 / 3), "A2": (0, 0.0, 10.0), "B": (1000, 1.0, 2.0)}


def example_c_payload(cap: float = 999) -> dict:
    nodes = [{"id": k, "capacity": c, "inventory": s} for k, (c, s, _t) in EXAMPLE_C.items()]
    nodes[0].update(demand=100, unit_value=10)
    links = [{"supplier": "C", "customer": "P", "material": "c", "per_unit": 1},
             {"supplier": "A1", "customer": "C", "material": "a", "per_unit": 1},
             {"supplier": "A2", "customer": "C", "material": "a", "per_unit": 1},
             {"supplier": "B", "customer": "C", "material": "b", "per_unit": 2}]
    scenarios = [{"id": k, "down": [k], "periods": t} for k, (_c, _s, t) in EXAMPLE_C.items()]
    return {"nodes": nodes, "links": links, "scenarios": scenarios, "tts_cap": cap}


def small_network(world) -> dict:
    """Each of the world's two enterprises makes a product from one input; 西湖's input comes only from 上海,
    萧山's half from 上海 and half from 宁波 (in the province)."""
    chip = Material.objects.create(name="晶圆", unit="片")
    resin = Material.objects.create(name="树脂", unit="千克")
    board = Material.objects.create(name="电路板", unit="块")
    drug = Material.objects.create(name="制剂", unit="盒")
    sh = ExternalFirm.objects.create(name="上海晶测材料有限公司", region="310000", monthly_capacity=3000, lat=31.2,
                                     lon=121.5)
    nb = ExternalFirm.objects.create(name="宁波树测化工有限公司", region="330200", monthly_capacity=6000, lat=29.9,
                                     lon=121.5)
    FirmProfile.objects.create(enterprise=world.ent_xihu, product=board, monthly_capacity=3000, monthly_output=3000,
                               inventory=0, unit_value=Decimal("0.5"))
    FirmProfile.objects.create(enterprise=world.ent_xiaoshan, product=drug, monthly_capacity=3000,
                               monthly_output=3000, inventory=0, unit_value=Decimal("0.2"))
    BomLine.objects.create(enterprise=world.ent_xihu, material=chip, per_unit=1, inventory=500)
    BomLine.objects.create(enterprise=world.ent_xiaoshan, material=resin, per_unit=1, inventory=300)
    l1 = SupplyLink.objects.create(supplier_external=sh, customer=world.ent_xihu, material=chip, share=1,
                                   monthly_volume=3000)
    l2 = SupplyLink.objects.create(supplier_external=sh, customer=world.ent_xiaoshan, material=resin,
                                   share=Decimal("0.5"), monthly_volume=1500)
    l3 = SupplyLink.objects.create(supplier_external=nb, customer=world.ent_xiaoshan, material=resin,
                                   share=Decimal("0.5"), monthly_volume=1500)
    return {"chip": chip, "resin": resin, "board": board, "drug": drug, "sh": sh, "nb": nb, "links": [l1, l2, l3]}
